import { say, type CoreMsg } from '../../shared/i18n/core-text';
import { AppFailure } from '../../shared/ipc/result';
import { formatBytes } from '../../shared/libvirt/units';
import type { MigrationMode, MigrationRequest, MigrationStats, PreflightReport } from '../../shared/model/migration';
import type { TaskRef } from '../../shared/model/task';
import type { EventBus } from '../ipc/bus';
import { RpcClosedError } from '../libvirt/rpc/errors';
import { P } from '../libvirt/rpc/procedures/index';
import type { TaskContext, TaskManager } from '../tasks/manager';
import { disksToCopy, type DiskFact } from './checks';
import { migrateOffline } from './offline';
import { migrationFlags, migrationParams, type StorageCopy } from './params';
import { runPreflight, type Gathered, type PreflightDeps } from './preflight';
import { openRelay, type Relay, type RelayPorts } from './relay';
import { describeSides } from './sides';
import { settleSourceDisks, volumeAt } from './source-disks';
import { migrateV3, MigrationStopped, errText, type V3Phase } from './v3';
import { mapNetworks } from './xml';

// Moving one VM as a Task: preflight refuses first, then the live v3 sequence
// (direct or relayed) or the offline copy. Progress, cancel, undo of partial
// copies on the target, and afterwards the VM's history and console follow it.

export interface MigrationServiceDeps extends PreflightDeps {
  tasks: TaskManager;
  bus: EventBus;
  ports: RelayPorts;
  metrics: { recordMove(uuid: string, from: string, to: string, at?: number): void };
}

export interface MigrationOutcome {
  uuid: string;
  name: string;
  hostId: string;
  targetHostId: string;
  mode: MigrationMode;
  route: 'direct' | 'relay';
  totalMs: number;
  downtimeMs?: number;
  bytes?: number;
}

const PHASE_TEXT: Record<V3Phase, CoreMsg> = {
  begin: say('phase.v3begin'),
  prepare: say('phase.v3prepare'),
  perform: say('phase.copying'),
  finish: say('phase.v3finish'),
  confirm: say('phase.v3confirm'),
  aborting: say('phase.v3aborting'),
};

const isDrop = (e: unknown) => e instanceof RpcClosedError || (e instanceof AppFailure && e.error.code === 'NOT_CONNECTED');

export class MigrationService {
  constructor(private readonly deps: MigrationServiceDeps) {}

  async preflight(req: MigrationRequest): Promise<PreflightReport> {
    return (await runPreflight(this.deps, req)).report;
  }

  /** Preflight again, then the move as a task; a failing check refuses it before anything starts. */
  async start(req: MigrationRequest): Promise<TaskRef> {
    const { report, gathered } = await runPreflight(this.deps, req);
    refuseIfFailed(report);
    return this.deps.tasks.start(
      {
        kind: 'domain.migrate',
        title: say('title.move', { name: report.name, from: req.hostId, to: req.targetHostId }),
        hostId: req.hostId,
        target: { kind: 'domain', hostId: req.hostId, id: req.uuid, name: report.name },
        retry: { call: 'migration.start', input: req },
      },
      (ctx) => this.run(ctx, { ...req, mode: report.mode, route: report.route }, { report, gathered }),
    );
  }

  /** The move itself, inside a task (evacuation runs it as a child). */
  async run(ctx: TaskContext, req: MigrationRequest, pre?: { report: PreflightReport; gathered: Gathered }): Promise<MigrationOutcome> {
    ctx.phase(say('phase.checking'));
    const { report, gathered } = pre ?? (await runPreflight(this.deps, req));
    refuseIfFailed(report);
    for (const c of report.checks.filter((x) => x.verdict === 'warn')) ctx.log(`Preflight warning: ${c.label}: ${c.message}`, 'warn');
    ctx.log(`Mode ${report.mode}, route ${report.route}: ${report.checks.find((c) => c.id === 'route')?.message ?? ''}`);
    const started = Date.now();
    const outcome =
      report.mode === 'offline'
        ? await migrateOffline(this.deps, ctx, req, report, gathered)
        : await this.live(ctx, req, report, gathered);
    this.deps.metrics.recordMove(req.uuid, req.hostId, req.targetHostId);
    this.deps.bus.emit('domain.migrated', { uuid: req.uuid, name: report.name, fromHostId: req.hostId, toHostId: req.targetHostId, mode: report.mode, at: Date.now() });
    ctx.log(`${report.name} now runs on ${req.targetHostId} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    return outcome;
  }

  private async live(ctx: TaskContext, req: MigrationRequest, report: PreflightReport, g: Gathered): Promise<MigrationOutcome> {
    const { sessions, hosts, log } = this.deps;
    const opt = req.options;
    const mode = report.mode;
    const copies = disksToCopy(g.facts, mode);
    const storage: StorageCopy = mode === 'live-copy-all' ? 'all' : mode === 'live-copy-nonshared' ? 'nonshared' : 'none';
    // Disks we found shared with our own marker test, but that libvirt cannot
    // prove shared (a plain filesystem): libvirt then wants UNSAFE.
    const uncopiedShared = g.facts.disks.filter((d) => d.shared && !copies.includes(d) && d.type !== 'network' && d.device === 'disk');
    if (uncopiedShared.length) ctx.log(`${uncopiedShared.map((d) => d.path).join(', ')}: seen by both hosts (a marker file made on the source showed up on the target), so not copied`);
    const persistent = await sessions.client(req.hostId).call(P.DOMAIN_IS_PERSISTENT, { dom: g.dom });
    // A VM left transient on the target must keep its definition here, or it is gone once it stops.
    const undefineSource = !opt.keepSource && persistent && opt.persist;
    if (!opt.keepSource && persistent && !opt.persist) ctx.log('Not defined on the target, so the source keeps its definition', 'warn');
    const flags = migrationFlags({
      kind: 'live',
      storage,
      persist: opt.persist,
      undefineSource,
      autoConverge: opt.autoConverge,
      postCopy: opt.postCopy,
      compressed: opt.compression !== 'none',
      unsafe: uncopiedShared.length > 0,
    });

    const relays: Relay[] = [];
    // A connection that drops mid-way is reported as such, whatever error it surfaced as.
    let phase: V3Phase | 'relay' = 'begin';
    const lost = new Map<string, V3Phase | 'relay'>();
    const offClose = [req.hostId, req.targetHostId].map((id) => sessions.client(id).onClose(() => lost.set(id, phase)));
    const src = { hostId: req.hostId, client: sessions.client(req.hostId), openBulk: () => sessions.openBulk(req.hostId) };
    const dst = { hostId: req.targetHostId, client: sessions.client(req.targetHostId) };
    try {
      let uris: { migrateUri: string; listenAddress?: string; disksUri?: string };
      if (report.route === 'relay') {
        ctx.phase(say('phase.openingRelay'));
        const relayOpts = { source: hosts.transport(req.hostId), dest: hosts.transport(req.targetHostId), ports: this.deps.ports, log };
        const mem = await openRelay({ ...relayOpts, label: 'memory' });
        relays.push(mem);
        const disks = copies.length ? await openRelay({ ...relayOpts, label: 'disks' }) : undefined;
        if (disks) relays.push(disks);
        ctx.log(`Relaying through this workstation: ${req.hostId} 127.0.0.1:${mem.port} -> ${req.targetHostId} 127.0.0.1:${mem.port}${disks ? `, disks on ${disks.port}` : ''}`);
        uris = { migrateUri: `tcp://127.0.0.1:${mem.port}`, listenAddress: '127.0.0.1', ...(disks ? { disksUri: `tcp://127.0.0.1:${disks.port}` } : {}) };
      } else {
        if (!g.address) throw new AppFailure('CONFLICT', 'no address of the target is known to the source: use the relay', { hostId: req.targetHostId });
        uris = { migrateUri: `tcp://${g.address}` };
      }
      if (opt.maxDowntimeMs) await src.client.call(P.DOMAIN_MIGRATE_SET_MAX_DOWNTIME, { dom: g.dom, downtime: opt.maxDowntimeMs, flags: 0 });
      const params = migrationParams({
        ...uris,
        bandwidthMiBs: opt.bandwidthMiBs,
        migrateDisks: storage === 'none' ? undefined : copies.map((d) => d.target),
        compression: opt.compression === 'none' ? undefined : [opt.compression],
      });
      const keepCopies = this.undoCopies(ctx, req.targetHostId, copies);
      let last: MigrationStats | undefined;
      const result = await migrateV3({
        src,
        dst,
        dom: g.dom,
        flags,
        params,
        rewriteXml: (xml) => mapNetworks(xml, req.networkMap),
        signal: ctx.signal,
        log,
        postCopyAfterPrecopy: opt.postCopy,
        onPhase: (p) => {
          phase = p;
          ctx.phase(PHASE_TEXT[p]);
        },
        onStats: (s) => {
          last = s;
          this.progress(ctx, req, s);
        },
      });
      keepCopies();
      // libvirt leaves the source's copied files behind; the source definition must be gone before they may go.
      const copied = copies.flatMap((d) => (d.path ? [{ path: d.path }] : []));
      await settleSourceDisks(ctx, src.client, req.hostId, copied, opt.removeSourceDisks && undefineSource, 'the VM runs from its copy');
      const final = result.final ?? last;
      ctx.log(
        `Moved in ${(result.totalMs / 1000).toFixed(1)} s (copy ${(result.performMs / 1000).toFixed(1)} s)` +
          (final?.downtimeMs !== undefined ? `, downtime ${final.downtimeMs} ms` : '') +
          (final?.dataProcessed ? `, ${formatBytes(final.dataProcessed)} sent` : '') +
          (relays.length ? `, ${formatBytes(relays.reduce((a, r) => a + r.bytes.toDest, 0))} through the relay` : ''),
      );
      if (result.cancelIgnored) ctx.log('Cancel arrived after the switchover: the VM had already moved', 'warn');
      if (persistent && !undefineSource) ctx.log(`The source keeps ${report.name}'s definition (inactive)`);
      return {
        uuid: req.uuid,
        name: report.name,
        hostId: req.hostId,
        targetHostId: req.targetHostId,
        mode,
        route: report.route,
        totalMs: result.totalMs,
        ...(final?.downtimeMs !== undefined ? { downtimeMs: final.downtimeMs } : {}),
        ...(final?.dataProcessed !== undefined ? { bytes: final.dataProcessed } : {}),
      };
    } catch (e) {
      throw await this.failure(ctx, req, g, e, lost);
    } finally {
      this.lastEmit.delete(ctx.id);
      offClose.forEach((off) => off());
      for (const r of relays) await r.close().catch(() => undefined);
    }
  }

  /**
   * Copies libvirt pre-creates on the target go again if the move does not
   * finish. Returns what to call once it did: the copies are the VM's disks then.
   */
  private undoCopies(ctx: TaskContext, targetHostId: string, copies: DiskFact[]): () => void {
    const keeps = copies
      .filter((x) => x.onTarget === 'missing' && x.path)
      .map((d) =>
        ctx.undo(`delete the partial copy of ${d.target} (${d.path}) on ${targetHostId}`, async () => {
          const c = this.deps.sessions.client(targetHostId);
          // libvirt may have removed it already; volumeAt's refresh makes a file it left visible as a volume.
          const vol = await volumeAt(c, d.path!);
          if (vol) await c.call(P.STORAGE_VOL_DELETE, { vol, flags: 0 });
        }),
      );
    return () => keeps.forEach((k) => k());
  }

  /** Last figures sent per task: the UI needs them once a second, not at the 500 ms poll rate. */
  private readonly lastEmit = new Map<string, number>();

  private progress(ctx: TaskContext, req: MigrationRequest, s: MigrationStats): void {
    const now = Date.now();
    if (now - (this.lastEmit.get(ctx.id) ?? 0) < 1000) return;
    this.lastEmit.set(ctx.id, now);
    const copyingDisks = (s.diskRemaining ?? 0) > 0;
    ctx.phase(s.postCopy ? say('phase.postCopyRunning') : copyingDisks ? say('phase.copyingDisks') : s.iteration ? say('phase.copyingMemoryPass', { pass: s.iteration }) : say('phase.copyingMemory'));
    if (s.dataTotal) ctx.progress({ unit: 'bytes', done: s.dataProcessed ?? 0, total: Math.max(s.dataTotal, s.dataProcessed ?? 0), secondary: { label: 'remaining', done: s.dataRemaining ?? 0 } });
    this.deps.bus.emit('migration.progressed', { taskId: ctx.id, hostId: req.hostId, uuid: req.uuid, targetHostId: req.targetHostId, phase: copyingDisks ? 'disks' : 'memory', stats: s });
  }

  /** What went wrong, and where each side was left. */
  private async failure(ctx: TaskContext, req: MigrationRequest, g: Gathered, e: unknown, lost: ReadonlyMap<string, string>): Promise<AppFailure> {
    const stopped = e instanceof MigrationStopped ? e : undefined;
    const cause = stopped?.cause ?? e;
    // A dropped host usually comes back within seconds (the registry reconnects): ask it then.
    const deadline = Date.now() + 15_000;
    while ([...lost.keys()].some((h) => !this.deps.sessions.has(h)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    const sides = await describeSides(this.deps, req.hostId, req.targetHostId, g.dom.uuid);
    for (const line of sides.lines) ctx.log(line, sides.sourceRunning ? 'info' : 'warn');
    if (stopped?.cancelled || ctx.signal.aborted) {
      return new AppFailure('CANCELLED', `Cancelled: ${sides.summary}`, { hostId: req.hostId, detail: { phase: stopped?.phase, sides: sides.lines } });
    }
    if (lost.size || isDrop(cause)) {
      const who = lost.size ? [...lost.keys()] : [req.hostId, req.targetHostId].filter((h) => !this.deps.sessions.has(h));
      const when = [...lost.values()][0] ?? stopped?.phase ?? 'the move';
      ctx.log(`Lost the connection to ${who.join(' and ') || 'a host'} during ${when}`, 'error');
      return new AppFailure('NOT_CONNECTED', `Lost the connection to ${who.join(' and ') || 'a host'} during ${when}. ${sides.summary}`, {
        hostId: who[0] ?? req.hostId,
        detail: { phase: when, sides: sides.lines },
      });
    }
    const msg = e instanceof AppFailure ? e.message : errText(e);
    return new AppFailure(e instanceof AppFailure ? e.error.code : 'LIBVIRT', `${msg}. ${sides.summary}`, { hostId: req.hostId, detail: { phase: stopped?.phase, sides: sides.lines } });
  }
}

export function refuseIfFailed(report: PreflightReport): void {
  if (report.ok) return;
  const failed = report.checks.filter((c) => c.verdict === 'fail');
  throw new AppFailure('CONFLICT', `Preflight refuses to move ${report.name}: ${failed.map((c) => `${c.label}: ${c.message}`).join('; ')}`, {
    hostId: report.hostId,
    detail: { report },
  });
}
