import { AppFailure } from '../../shared/ipc/result';
import type { RpcClient } from '../libvirt/rpc/client';
import { ErrorCode, RpcClosedError, isLibvirtError } from '../libvirt/rpc/errors';
import { P } from '../libvirt/rpc/procedures/index';
import type { EventBus } from '../ipc/bus';
import type { LibvirtSessions } from '../libvirt/sessions';
import type { TaskContext } from '../tasks/manager';
import { storageFailure, type StorageWhat } from './errors';

/** How often the new volume's allocation is read for progress (virt-manager polls about as often). */
export const POLL_MS = 500;
/** After a cancel, how long we wait for libvirt to let go of a volume it is still filling before giving up. */
export const RELEASE_WAIT_MS = 10 * 60_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const busy = (e: unknown) => isLibvirtError(e) && /still (being allocated|in use)|asynchronous jobs/i.test(e.message);

/** What the bulk helpers need: the sessions, and the bus when pool views should hear of a deleted volume. */
export interface BulkDeps {
  sessions: LibvirtSessions;
  bus?: EventBus;
}

export interface BulkCallSpec {
  hostId: string;
  /** Where the NEW volume appears (progress is its allocation). */
  pool: string;
  name: string;
  /** Bytes the volume will hold when done (the progress bar's end). */
  total: number;
  what: StorageWhat;
  /** Where progress goes (default: the task's own bar); VM clone maps it into its bar over all disks. */
  onProgress?(done: number): void;
  /** The blocking call (VolCreateXML, VolCreateXMLFrom) on the bulk connection. */
  call(bulk: RpcClient, signal: AbortSignal): Promise<unknown>;
}

/**
 * Runs a blocking volume-making call on a bulk session (it never holds a
 * worker of the shared channel for minutes) while the shared channel polls the
 * new volume's allocation for progress, as virt-manager does for clones.
 * Cancel aborts the call and deletes the new volume; libvirt may keep filling
 * it for a while after the client left, and the task says so. Used by volume
 * clone, preallocated creates and VM clone; returns the undo step's "keep"
 * (call it once something else owns the volume).
 */
export async function runOnBulk(deps: BulkDeps, ctx: TaskContext, spec: BulkCallSpec): Promise<() => void> {
  const { hostId } = spec;
  const shared = deps.sessions.client(hostId);
  const report = spec.onProgress ?? ((done: number) => ctx.progress({ unit: 'bytes', done, total: spec.total }));
  let ours = true; // false once libvirt said the name was taken: then the volume is not ours to delete
  const keep = ctx.undo(`delete the new volume “${spec.name}” in pool “${spec.pool}”`, () => deleteVolumeWhenFree(deps, ctx, { hostId, pool: spec.pool, name: spec.name }, () => ours));
  const bulk = await deps.sessions.openBulk(hostId, ctx.signal);
  let polling = true;
  const poller = (async () => {
    report(0);
    while (polling) {
      await sleep(POLL_MS);
      if (!polling) break;
      try {
        const pool = await shared.call(P.STORAGE_POOL_LOOKUP_BY_NAME, { name: spec.pool });
        const vol = await shared.call(P.STORAGE_VOL_LOOKUP_BY_NAME, { pool, name: spec.name });
        const info = await shared.call(P.STORAGE_VOL_GET_INFO, { vol });
        if (polling) report(Math.min(info.allocation, spec.total));
      } catch {
        /* not there yet, or the channel is busy: the next poll will tell */
      }
    }
  })();
  try {
    await spec.call(bulk.client, ctx.signal);
    report(spec.total);
    return keep;
  } catch (e) {
    if (ctx.signal.aborted) throw ctx.signal.reason ?? new AppFailure('CANCELLED', 'Cancelled');
    const failure = storageFailure(e, hostId, spec.what);
    if ((failure.error.detail as { reason?: string } | undefined)?.reason === 'name-taken') ours = false;
    throw failure;
  } finally {
    polling = false;
    await poller;
    await bulk.close();
  }
}

/** How long an undo waits for a host whose connection dropped to come back. */
export const RECONNECT_WAIT_MS = 5 * 60_000;

/**
 * Undo step for a volume a task made: delete it once libvirt lets go of it
 * (it keeps filling a clone after the call was aborted, and holds an upload's
 * volume until the stream is torn down) and once the host is reachable again
 * (a dropped link reconnects by itself). Says in the task log what it waited for.
 */
export async function deleteVolumeWhenFree(deps: BulkDeps, ctx: TaskContext, v: { hostId: string; pool: string; name: string }, ours: () => boolean = () => true): Promise<void> {
  if (!ours()) return;
  const started = Date.now();
  let waitedBusy = false;
  let waitedLink = false;
  for (;;) {
    if (!deps.sessions.has(v.hostId)) {
      if (Date.now() - started > RECONNECT_WAIT_MS) throw new AppFailure('NOT_CONNECTED', `the host stayed unreachable for ${RECONNECT_WAIT_MS / 60_000} min; “${v.name}” is still in pool “${v.pool}” and holds partial data`, { hostId: v.hostId });
      if (!waitedLink) ctx.log(`The host is unreachable; “${v.name}” will be deleted when it is back`, 'warn');
      waitedLink = true;
      await sleep(1000);
      continue;
    }
    const c = deps.sessions.client(v.hostId);
    try {
      const pool = await c.call(P.STORAGE_POOL_LOOKUP_BY_NAME, { name: v.pool });
      const vol = await c.call(P.STORAGE_VOL_LOOKUP_BY_NAME, { pool, name: v.name });
      await c.call(P.STORAGE_VOL_DELETE, { vol, flags: 0 });
      if (waitedBusy) ctx.log(`libvirt kept writing “${v.name}” for ${((Date.now() - started) / 1000).toFixed(1)} s after the cancel; it was deleted once libvirt let go of it`, 'warn');
      deps.bus?.emit('pool.changed', { hostId: v.hostId, pool: v.pool, volumes: true });
      return;
    } catch (e) {
      if (isLibvirtError(e, ErrorCode.NO_STORAGE_VOL)) return; // never made, or already gone
      if (e instanceof RpcClosedError || (e instanceof AppFailure && e.error.code === 'NOT_CONNECTED')) {
        // The link dropped meanwhile: wait for it above (bounded by RECONNECT_WAIT_MS).
        if (Date.now() - started > RECONNECT_WAIT_MS) throw e;
        await sleep(1000);
        continue;
      }
      if (!busy(e) || Date.now() - started > RELEASE_WAIT_MS) throw e;
      if (!waitedBusy) ctx.log(`libvirt is still writing “${v.name}”; waiting for it to finish before deleting it`, 'warn');
      waitedBusy = true;
      await sleep(POLL_MS);
    }
  }
}
