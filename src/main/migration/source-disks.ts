import type { RpcClient } from '../libvirt/rpc/client';
import { P } from '../libvirt/rpc/procedures/index';
import type { StorageVolRef } from '../libvirt/rpc/types';
import type { TaskContext } from '../tasks/manager';
import { dirOf } from './checks';
import { errText } from './v3';

/** The volume at `path`, after a refresh of its pool (a file made outside libvirt is not a volume until then). */
export async function volumeAt(c: RpcClient, path: string): Promise<StorageVolRef | null> {
  const pool = await c.call(P.STORAGE_POOL_LOOKUP_BY_TARGET_PATH, { path: dirOf(path) }).catch(() => null);
  if (pool) await c.call(P.STORAGE_POOL_REFRESH, { pool, flags: 0 }).catch(() => undefined);
  return c.call(P.STORAGE_VOL_LOOKUP_BY_PATH, { path }).catch(() => null);
}

/**
 * After a move that copied disks, the source's files are stale copies of
 * what the VM now runs from. Left in place they use space and make a move
 * back refuse ("the target already has a different file"); the admin may
 * have them deleted (Proxmox does by default). Either way the task log says
 * which files and what happened to each.
 */
export async function settleSourceDisks(
  ctx: TaskContext,
  c: RpcClient,
  hostId: string,
  disks: ReadonlyArray<{ path: string; vol?: StorageVolRef }>,
  remove: boolean,
  why: string,
): Promise<void> {
  if (!disks.length) return;
  if (!remove) {
    ctx.log(`The source's disk files stay on ${hostId}: ${disks.map((d) => d.path).join(', ')}`);
    return;
  }
  for (const d of disks) {
    const vol = d.vol ?? (await volumeAt(c, d.path));
    if (!vol) {
      ctx.log(`Could not delete ${d.path} on ${hostId}: it is in no active storage pool`, 'warn');
      continue;
    }
    await c.call(P.STORAGE_VOL_DELETE, { vol, flags: 0 }).then(
      () => ctx.log(`Deleted ${d.path} on ${hostId} (${why})`),
      (e: unknown) => ctx.log(`Could not delete ${d.path} on ${hostId}: ${errText(e)}`, 'warn'),
    );
  }
}
