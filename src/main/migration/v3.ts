import type { MigrationStats } from '../../shared/model/migration';
import type { RpcClient } from '../libvirt/rpc/client';
import { DomainState } from '../libvirt/rpc/procedures/domain';
import { JobType, MigrateFlags, MigrationEventId, MigrationFeature } from '../libvirt/rpc/procedures/migration';
import { P } from '../libvirt/rpc/procedures/index';
import { typedParamsToRecord, type DomainRef, type TypedParam } from '../libvirt/rpc/types';
import type { BulkSession } from '../libvirt/sessions';
import type { Logger } from '../util/log';
import { destinationFlags, withStringParam } from './params';

// The client-driven v3 sequence with typed parameters, as virsh runs it
// without --p2p (libvirt's virDomainMigrateVersion3Full): Begin on the source,
// Prepare on the destination, Perform on the source, Finish on the
// destination, Confirm on the source, each passing the last cookie on. We
// hold both connections, so the hosts need no route for control and no SSH
// trust between them. Perform blocks until the copy ends, so it runs on a
// bulk session of the source; the shared channel stays free for job stats,
// events, abort and everything else the app does meanwhile.

export interface V3Side {
  hostId: string;
  /** The host's shared session. */
  client: RpcClient;
}

export type V3Phase = 'begin' | 'prepare' | 'perform' | 'finish' | 'confirm' | 'aborting';

export interface V3Input {
  src: V3Side & { openBulk(): Promise<BulkSession> };
  dst: V3Side;
  dom: DomainRef;
  flags: number;
  params: TypedParam[];
  /** Rewrites the migratable XML from Begin before Prepare (network mapping). */
  rewriteXml?: (xml: string) => string;
  signal: AbortSignal;
  log: Logger;
  onPhase?: (p: V3Phase) => void;
  onStats?: (s: MigrationStats) => void;
  /** Post-copy: switch once the first pass over memory is done (virsh --postcopy-after-precopy). */
  postCopyAfterPrecopy?: boolean;
  /** Job stats poll interval (virsh polls every 500 ms). */
  pollMs?: number;
}

export interface V3Result {
  /** The domain as the destination knows it now. */
  dom: DomainRef;
  /** Final figures (JOB_COMPLETED or the completed job's stats), when libvirt gave them. */
  final?: MigrationStats;
  /** Wall time of Perform, ms. */
  performMs: number;
  totalMs: number;
  /** Cancel came after the switchover: the VM moved anyway. */
  cancelIgnored: boolean;
}

/** Thrown when the migration stopped; says where each side was left. */
export class MigrationStopped extends Error {
  constructor(
    message: string,
    readonly phase: V3Phase,
    readonly cancelled: boolean,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'MigrationStopped';
  }
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined);

/** Our figure <- libvirt's job stat key (VIR_DOMAIN_JOB_*). */
const STAT_KEYS: readonly [keyof MigrationStats, string][] = [
  ['dataTotal', 'data_total'],
  ['dataProcessed', 'data_processed'],
  ['dataRemaining', 'data_remaining'],
  ['memoryTotal', 'memory_total'],
  ['memoryProcessed', 'memory_processed'],
  ['memoryRemaining', 'memory_remaining'],
  ['memoryBps', 'memory_bps'],
  ['iteration', 'memory_iteration'],
  ['diskTotal', 'disk_total'],
  ['diskProcessed', 'disk_processed'],
  ['diskRemaining', 'disk_remaining'],
  ['diskBps', 'disk_bps'],
  ['downtimeMs', 'downtime'],
  ['autoConvergeThrottle', 'auto_converge_throttle'],
];

/** libvirt job stats (typed params) as our figures. memory_dirty_rate is pages/s. */
export function statsFrom(params: readonly TypedParam[], postCopy = false): MigrationStats {
  const r = typedParamsToRecord(params);
  const page = num(r.memory_page_size) ?? 4096;
  const dirty = num(r.memory_dirty_rate);
  const out: MigrationStats = { elapsedMs: num(r.time_elapsed) ?? 0, postCopy };
  for (const [ours, theirs] of STAT_KEYS) {
    const v = num(r[theirs]);
    if (v !== undefined) (out as Record<string, unknown>)[ours] = v;
  }
  if (dirty !== undefined) out.dirtyRate = dirty * page;
  return out;
}

export async function migrateV3(input: V3Input): Promise<V3Result> {
  const { src, dst, dom, signal, log } = input;
  const started = performance.now();
  const phase = (p: V3Phase) => input.onPhase?.(p);

  // 1. Probes, as libvirt's client does (LIBVIRT-NEXT.md 6).
  const [srcParams, dstParams, srcV3, dstV3, protect] = await Promise.all([
    src.client.call(P.CONNECT_SUPPORTS_FEATURE, { feature: MigrationFeature.MIGRATION_PARAMS }),
    dst.client.call(P.CONNECT_SUPPORTS_FEATURE, { feature: MigrationFeature.MIGRATION_PARAMS }),
    src.client.call(P.CONNECT_SUPPORTS_FEATURE, { feature: MigrationFeature.MIGRATION_V3 }),
    dst.client.call(P.CONNECT_SUPPORTS_FEATURE, { feature: MigrationFeature.MIGRATION_V3 }),
    src.client.call(P.CONNECT_SUPPORTS_FEATURE, { feature: MigrationFeature.MIGRATE_CHANGE_PROTECTION }),
  ]);
  if (!srcParams || !dstParams || !srcV3 || !dstV3) {
    throw new MigrationStopped('both hosts must support migration v3 with parameters (libvirt 1.1 or newer)', 'begin', false);
  }
  const prot = protect ? MigrateFlags.CHANGE_PROTECTION : 0;
  let flags = input.flags;
  if ((flags & MigrateFlags.LIVE) !== 0 && !(flags & MigrateFlags.PAUSED)) {
    const st = await src.client.call(P.DOMAIN_GET_STATE, { dom, flags: 0 });
    if (st.state === DomainState.PAUSED) flags |= MigrateFlags.PAUSED;
  }
  const dflags = destinationFlags(flags);
  const offline = (flags & MigrateFlags.OFFLINE) !== 0;
  let params = input.params;
  const aborted = () => signal.aborted;

  // 2. Begin (source): the job starts there; from now on a failure must Confirm(cancelled).
  phase('begin');
  if (aborted()) throw new MigrationStopped('cancelled before the migration started', 'begin', true);
  const begin = await src.client.call(P.DOMAIN_MIGRATE_BEGIN3_PARAMS, { dom, params, flags: flags | prot });
  let cookie: Buffer = begin.cookie_out;
  const xml = input.rewriteXml ? input.rewriteXml(begin.xml) : begin.xml;
  params = withStringParam(params, 'destination_xml', xml);

  const confirmCancelled = async (why: string) => {
    try {
      await src.client.call(P.DOMAIN_MIGRATE_CONFIRM3_PARAMS, { dom, params, cookie_in: cookie, flags: flags | prot, cancelled: 1 });
    } catch (e) {
      log.warn(`confirm(cancelled) after ${why} failed: ${String(e)}`);
    }
  };

  // 3. Prepare (destination): an incoming, paused VM waits there.
  phase('prepare');
  let prep: { cookie_out: Buffer; uri_out: string | null };
  try {
    if (aborted()) throw signal.reason;
    prep = await dst.client.call(P.DOMAIN_MIGRATE_PREPARE3_PARAMS, { params, cookie_in: cookie, flags: dflags });
  } catch (e) {
    await confirmCancelled('a failed prepare');
    throw new MigrationStopped(`the target refused to prepare: ${errText(e)}`, 'prepare', aborted(), e);
  }
  cookie = prep.cookie_out;
  if (prep.uri_out) params = withStringParam(params, 'migrate_uri', prep.uri_out);

  const finish = async (cancelled: 0 | 1) => {
    const fin = await dst.client.call(P.DOMAIN_MIGRATE_FINISH3_PARAMS, {
      params: withStringParam(params, 'destination_name', dom.name),
      cookie_in: cookie,
      flags: dflags,
      cancelled,
    });
    cookie = fin.cookie_out;
    return fin.dom;
  };

  // 4. Perform (source, own connection), watched and cancellable from the shared one.
  let performMs = 0;
  let final: MigrationStats | undefined;
  if (aborted()) {
    await finish(1).catch((e) => log.warn(`finish(cancelled) failed: ${String(e)}`));
    await confirmCancelled('a cancel before perform');
    throw new MigrationStopped('cancelled before any data was sent', 'prepare', true);
  }
  // The connection that ran Perform must outlive Confirm: libvirt ties the
  // finished-but-unconfirmed job to it, and closing it early makes the source
  // drop the job and keep a paused copy of the VM (qemuMigrationSrcCleanup).
  let bulk: BulkSession | undefined;
  try {
    if (!offline) {
      phase('perform');
      const watch = await watchJob(input, dom);
      const t0 = performance.now();
      try {
        // No signal for the bulk session: closing the connection that runs Perform
        // is not how a migration is cancelled; ABORT_JOB is (see watchJob).
        bulk = await src.openBulk();
        cookie = await bulk.client.call(P.DOMAIN_MIGRATE_PERFORM3_PARAMS, { dom, dconnuri: null, params, cookie_in: cookie, flags: flags | prot });
        performMs = performance.now() - t0;
      } catch (e) {
        performMs = performance.now() - t0;
        watch.stop();
        // Perform failed: cancel the incoming VM; the source resumes on its own and needs no Confirm.
        phase('finish');
        await finish(1).catch((fe) => log.warn(`finish(cancelled) failed: ${String(fe)}`));
        const cancelled = watch.abortedByUs;
        throw new MigrationStopped(cancelled ? 'cancelled; the VM keeps running on the source' : `the migration failed: ${errText(e)}`, 'perform', cancelled, e);
      }
      final = await watch.finalStats();
      watch.stop();
    }
    return await finishAndConfirm();
  } finally {
    void bulk?.close();
  }

  async function finishAndConfirm(): Promise<V3Result> {
    // 5. Finish (destination) and 6. Confirm (source). Past the switchover a
    // cancel can no longer stop anything: finish the job whatever was asked.
    const cancelIgnored = aborted();
    if (cancelIgnored) log.warn('cancel came after the switchover: finishing the migration');
    phase('finish');
    let newDom: DomainRef | null = null;
    let finishError: unknown;
    try {
      newDom = await finish(0);
    } catch (e) {
      finishError = e;
    }
    phase('confirm');
    try {
      // On the connection that ran Perform, as libvirt's own client does (one connection for all).
      await (bulk?.client ?? src.client).call(P.DOMAIN_MIGRATE_CONFIRM3_PARAMS, { dom, params, cookie_in: cookie, flags: flags | prot, cancelled: newDom ? 0 : 1 });
    } catch (e) {
      if (newDom) log.warn(`confirm on the source failed after a finished migration: ${errText(e)}`);
    }
    if (!newDom) throw new MigrationStopped(`the target could not start the VM: ${errText(finishError)}`, 'finish', false, finishError);
    // A quick move can end before the source reports its completed job; the target keeps one too.
    if (final?.downtimeMs === undefined) {
      try {
        const js = await dst.client.call(P.DOMAIN_GET_JOB_STATS, { dom: newDom, flags: 1 | 2 /* COMPLETED | KEEP_COMPLETED: reading must not discard them (virsh domjobinfo --completed still sees them) */ }, { timeoutMs: 10_000 });
        if (js.type === JobType.COMPLETED) final = { ...(final ?? {}), ...statsFrom(js.params, false) };
      } catch (e) {
        log.debug(`completed job stats on the target: ${errText(e)}`);
      }
    }
    return { dom: newDom, final, performMs, totalMs: performance.now() - started, cancelIgnored };
  }
}

interface Watch {
  stop(): void;
  readonly abortedByUs: boolean;
  finalStats(): Promise<MigrationStats | undefined>;
}

/**
 * While Perform runs: poll job stats, follow the iteration and job-completed
 * events, start post-copy when asked, and turn a cancel into ABORT_JOB.
 */
async function watchJob(input: V3Input, dom: DomainRef): Promise<Watch> {
  const { src, signal, log } = input;
  const c = src.client;
  let stopped = false;
  let abortedByUs = false;
  let postCopy = false;
  let iteration = 0;
  let last: MigrationStats | undefined;
  let completed: MigrationStats | undefined;
  const callbackIds: number[] = [];
  const mine = new Set<number>();

  const offIter = c.onEvent('domainMigrationIteration', (ev) => {
    if (!mine.has(ev.callbackID)) return;
    iteration = ev.iteration;
    if (input.postCopyAfterPrecopy && !postCopy && iteration >= 2 && !signal.aborted) {
      postCopy = true;
      log.info('first pass over memory done: switching to post-copy');
      c.call(P.DOMAIN_MIGRATE_START_POST_COPY, { dom, flags: 0 }).catch((e) => log.warn(`post-copy did not start: ${errText(e)}`));
    }
  });
  const offDone = c.onEvent('domainJobCompleted', (ev) => {
    if (mine.has(ev.callbackID)) completed = statsFrom(ev.params, postCopy);
  });
  for (const eventID of [MigrationEventId.MIGRATION_ITERATION, MigrationEventId.JOB_COMPLETED]) {
    try {
      const id = await c.call(P.CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, { eventID, dom });
      callbackIds.push(id);
      mine.add(id);
    } catch (e) {
      log.debug(`migration event ${eventID} not available: ${errText(e)}`);
    }
  }

  const onAbort = () => {
    if (stopped) return;
    if (postCopy) {
      log.warn('cancel asked during post-copy: the guest already runs on the target and cannot be pulled back');
      return;
    }
    abortedByUs = true;
    input.onPhase?.('aborting');
    c.call(P.DOMAIN_ABORT_JOB, { dom }).catch((e) => log.warn(`abort job failed: ${errText(e)}`));
  };
  signal.addEventListener('abort', onAbort, { once: true });
  if (signal.aborted) onAbort();

  let timer: NodeJS.Timeout | undefined;
  const poll = async () => {
    timer = undefined;
    if (stopped) return;
    try {
      const js = await c.call(P.DOMAIN_GET_JOB_STATS, { dom, flags: 0 }, { timeoutMs: 10_000 });
      if (!stopped && (js.type === JobType.BOUNDED || js.type === JobType.UNBOUNDED)) {
        last = statsFrom(js.params, postCopy);
        if (last.iteration === undefined && iteration) last.iteration = iteration;
        input.onStats?.(last);
      }
    } catch (e) {
      log.debug(`job stats: ${errText(e)}`);
    }
    if (!stopped) timer = setTimeout(() => void poll(), input.pollMs ?? 500);
  };
  void poll();

  return {
    get abortedByUs() {
      return abortedByUs;
    },
    stop() {
      if (stopped) return;
      stopped = true;
      if (timer) clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      offIter();
      offDone();
      for (const id of callbackIds) void c.call(P.CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY, { callbackID: id }).catch(() => undefined);
    },
    async finalStats() {
      // The source keeps the finished job's figures until Confirm; the
      // job-completed event may carry fewer fields (or come later): merge both.
      let fromJob: MigrationStats | undefined;
      try {
        const js = await c.call(P.DOMAIN_GET_JOB_STATS, { dom, flags: 1 | 2 /* COMPLETED | KEEP_COMPLETED: reading must not discard them (virsh domjobinfo --completed still sees them) */ }, { timeoutMs: 10_000 });
        if (js.type === JobType.COMPLETED) fromJob = statsFrom(js.params, postCopy);
      } catch (e) {
        log.debug(`completed job stats: ${errText(e)}`);
      }
      if (!fromJob && !completed) return last;
      // The polled figures' downtime is the expected one, not what happened.
      const polled: Partial<MigrationStats> = { ...(last ?? {}) };
      delete polled.downtimeMs;
      return { ...polled, ...(completed ?? {}), ...(fromJob ?? {}) } as MigrationStats;
    },
  };
}

export function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
