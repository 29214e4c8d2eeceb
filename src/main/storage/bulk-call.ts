import { AppFailure } from '../../shared/ipc/result';
import type { RpcClient } from '../libvirt/rpc/client';
import { ErrorCode, isLibvirtError } from '../libvirt/rpc/errors';
import { P } from '../libvirt/rpc/procedures/index';
import type { TaskContext } from '../tasks/manager';
import { storageFailure, type StorageWhat } from './errors';
import type { StorageDeps } from './pools';

/** How often the new volume's allocation is read for progress (virt-manager polls about as often). */
export const POLL_MS = 500;
/** After a cancel, how long we wait for libvirt to let go of a volume it is still filling before giving up. */
export const RELEASE_WAIT_MS = 10 * 60_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const busy = (e: unknown) => isLibvirtError(e) && /still (being allocated|in use)|asynchronous jobs/i.test(e.message);

export interface BulkCallSpec {
  hostId: string;
  /** Where the NEW volume appears (progress is its allocation). */
  pool: string;
  name: string;
  /** Bytes the volume will hold when done (the progress bar's end). */
  total: number;
  what: StorageWhat;
  /** The blocking call (VolCreateXML, VolCreateXMLFrom) on the bulk connection. */
  call(bulk: RpcClient, signal: AbortSignal): Promise<unknown>;
}

/**
 * Runs a blocking volume-making call on a bulk session (it never holds a
 * worker of the shared channel for minutes) while the shared channel polls the
 * new volume's allocation for progress, as virt-manager does for clones.
 * Cancel aborts the call and deletes the new volume; libvirt may keep filling
 * it for a while after the client left, and the task says so.
 */
export async function runOnBulk(deps: StorageDeps, ctx: TaskContext, spec: BulkCallSpec): Promise<void> {
  const { hostId } = spec;
  const shared = deps.sessions.client(hostId);
  let ours = true; // false once libvirt said the name was taken: then the volume is not ours to delete
  ctx.undo(`delete the new volume “${spec.name}” in pool “${spec.pool}”`, () => deleteWhenReleased(deps, ctx, spec, () => ours));
  const bulk = await deps.sessions.openBulk(hostId, ctx.signal);
  let polling = true;
  const poller = (async () => {
    ctx.progress({ unit: 'bytes', done: 0, total: spec.total });
    while (polling) {
      await sleep(POLL_MS);
      if (!polling) break;
      try {
        const pool = await shared.call(P.STORAGE_POOL_LOOKUP_BY_NAME, { name: spec.pool });
        const vol = await shared.call(P.STORAGE_VOL_LOOKUP_BY_NAME, { pool, name: spec.name });
        const info = await shared.call(P.STORAGE_VOL_GET_INFO, { vol });
        if (polling) ctx.progress({ unit: 'bytes', done: Math.min(info.allocation, spec.total), total: spec.total });
      } catch {
        /* not there yet, or the channel is busy: the next poll will tell */
      }
    }
  })();
  try {
    await spec.call(bulk.client, ctx.signal);
    ctx.progress({ unit: 'bytes', done: spec.total, total: spec.total });
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

/** Undo step: delete the volume once libvirt stops filling it (it keeps going after an aborted call). */
async function deleteWhenReleased(deps: StorageDeps, ctx: TaskContext, spec: BulkCallSpec, ours: () => boolean): Promise<void> {
  if (!ours()) return;
  const started = Date.now();
  let waited = false;
  for (;;) {
    const c = deps.sessions.client(spec.hostId);
    try {
      const pool = await c.call(P.STORAGE_POOL_LOOKUP_BY_NAME, { name: spec.pool });
      const vol = await c.call(P.STORAGE_VOL_LOOKUP_BY_NAME, { pool, name: spec.name });
      await c.call(P.STORAGE_VOL_DELETE, { vol, flags: 0 });
      if (waited) ctx.log(`libvirt kept writing “${spec.name}” for ${((Date.now() - started) / 1000).toFixed(1)} s after the call was cancelled; it was deleted once libvirt let go of it`, 'warn');
      deps.bus.emit('pool.changed', { hostId: spec.hostId, pool: spec.pool, volumes: true });
      return;
    } catch (e) {
      if (isLibvirtError(e, ErrorCode.NO_STORAGE_VOL)) return; // never made, or already gone
      if (!busy(e) || Date.now() - started > RELEASE_WAIT_MS) throw e;
      if (!waited) ctx.log(`libvirt is still writing “${spec.name}” after the cancel; waiting for it to finish before deleting it`, 'warn');
      waited = true;
      await sleep(POLL_MS);
    }
  }
}
