import { say } from '../../shared/i18n/core-text';
import { buildVolumeXml } from '../../shared/libvirt/storage-xml';
import { VOLUME_TYPES, type NewVolume, type Volume, type VolumeRef } from '../../shared/model/volume';
import type { RpcClient } from '../libvirt/rpc/client';
import { ErrorCode, isLibvirtError } from '../libvirt/rpc/errors';
import { VolCreate, VolResize } from '../libvirt/rpc/procedures/storage';
import { P } from '../libvirt/rpc/procedures/index';
import type { StoragePoolRef, StorageVolRef } from '../libvirt/rpc/types';
import type { TaskManager } from '../tasks/manager';
import { poolFullMessage, refuse, storageFailure } from './errors';
import { lookupPool, type StorageDeps } from './pools';
import { runOnBulk } from './bulk-call';
import { describeUsers, volumeUsage, type HostVolume, type VolumeUsage } from './usage';

// Volume services. libvirt has no volume events, so every change here says
// `pool.changed` itself (pool refresh events cover uploads and outside changes).

export const volumeChanged = (deps: StorageDeps, hostId: string, pool: string) => deps.bus.emit('pool.changed', { hostId, pool, volumes: true });

function toVolume(hostId: string, v: HostVolume, usage: VolumeUsage, info?: { type: number; capacity: number; allocation: number }): Volume {
  const path = v.xml.path ?? v.ref.key;
  const type = info ? (VOLUME_TYPES[info.type] ?? 'file') : ((v.xml.type as Volume['type'] | undefined) ?? 'file');
  return {
    hostId,
    pool: v.pool,
    name: v.ref.name,
    key: v.ref.key,
    path,
    type,
    ...(v.xml.format ? { format: v.xml.format } : {}),
    capacity: info?.capacity ?? v.xml.capacity ?? 0,
    allocation: info?.allocation ?? v.xml.allocation ?? 0,
    ...(v.xml.backing ? { backing: v.xml.backing } : {}),
    usedBy: usage.usersOf(path),
    backingOf: usage.overlaysOf(path),
  };
}

async function activePool(c: RpcClient, hostId: string, name: string): Promise<StoragePoolRef> {
  const pool = await lookupPool(c, hostId, name);
  if (!(await c.call(P.STORAGE_POOL_IS_ACTIVE, { pool }))) throw refuse('pool-inactive', `Pool “${name}” is not running; start it to see and change its volumes`, hostId);
  return pool;
}

/** Volumes of one pool with format, sizes and who uses each (the host-wide usage index). */
export async function volumeList({ sessions }: StorageDeps, hostId: string, pool: string): Promise<Volume[]> {
  const c = sessions.client(hostId);
  try {
    await activePool(c, hostId, pool);
    const usage = await volumeUsage(c);
    return usage.volumes
      .filter((v) => v.pool === pool)
      .map((v) => toVolume(hostId, v, usage))
      .sort((a, b) => a.name.localeCompare(b.name));
  } catch (e) {
    throw storageFailure(e, hostId, { what: `Listing volumes of pool “${pool}”`, pool });
  }
}

export async function lookupVolume(c: RpcClient, ref: VolumeRef): Promise<StorageVolRef> {
  const pool = await lookupPool(c, ref.hostId, ref.pool);
  try {
    return await c.call(P.STORAGE_VOL_LOOKUP_BY_NAME, { pool, name: ref.name });
  } catch (e) {
    throw storageFailure(e, ref.hostId, { what: `Finding volume “${ref.name}”`, pool: ref.pool, volume: ref.name });
  }
}

/** One volume, fresh (info for the live allocation, usage for "used by"). */
export async function volumeGet({ sessions }: StorageDeps, ref: VolumeRef): Promise<Volume> {
  const c = sessions.client(ref.hostId);
  const vol = await lookupVolume(c, ref);
  try {
    const [usage, info] = await Promise.all([volumeUsage(c), c.call(P.STORAGE_VOL_GET_INFO, { vol })]);
    const v = usage.volumes.find((x) => x.pool === ref.pool && x.ref.name === ref.name);
    if (!v) throw storageFailure(new Error('vanished'), ref.hostId, { what: `Reading volume “${ref.name}”` });
    return toVolume(ref.hostId, v, usage, info);
  } catch (e) {
    throw storageFailure(e, ref.hostId, { what: `Reading volume “${ref.name}”`, pool: ref.pool, volume: ref.name });
  }
}

async function ensureNameFree(c: RpcClient, hostId: string, pool: StoragePoolRef, name: string): Promise<void> {
  try {
    await c.call(P.STORAGE_VOL_LOOKUP_BY_NAME, { pool, name });
  } catch (e) {
    if (isLibvirtError(e, ErrorCode.NO_STORAGE_VOL)) return;
    throw storageFailure(e, hostId, { what: `Checking the name “${name}”`, pool: pool.name });
  }
  throw refuse('name-taken', `A volume named “${name}” already exists in pool “${pool.name}”`, hostId);
}

/** Checks that a new volume's name is free and that the pool can hold `needed` bytes now. */
export async function preflightNewVolume(c: RpcClient, hostId: string, poolName: string, name: string, needed: number): Promise<StoragePoolRef> {
  const pool = await activePool(c, hostId, poolName);
  await ensureNameFree(c, hostId, pool, name);
  if (needed > 0) {
    const info = await c.call(P.STORAGE_POOL_GET_INFO, { pool });
    if (needed > info.available) throw refuse('pool-full', `${poolFullMessage(poolName, info.available, needed)}`, hostId, { available: info.available, needed });
  }
  return pool;
}

/**
 * Creates a volume. Sparse and metadata-only volumes come back at once; full
 * preallocation writes every byte (minutes on big volumes), so it runs as a
 * task on a bulk session and can be cancelled (the half-made volume is deleted).
 */
export async function volumeCreate(deps: StorageDeps, tasks: TaskManager, v: NewVolume): Promise<{ volume?: Volume; taskId?: string }> {
  const c = deps.sessions.client(v.hostId);
  const full = v.preallocation === 'full';
  const pool = await preflightNewVolume(c, v.hostId, v.pool, v.name, full ? v.capacity : 0).catch((e: unknown) => {
    throw storageFailure(e, v.hostId, { what: `Creating volume “${v.name}”`, pool: v.pool, volume: v.name });
  });
  const xml = buildVolumeXml({ name: v.name, capacity: v.capacity, allocation: full ? v.capacity : 0, format: v.format });
  const flags = v.preallocation === 'metadata' ? VolCreate.PREALLOC_METADATA : 0;
  const what = { what: `Creating volume “${v.name}”`, pool: v.pool, volume: v.name };
  if (!full) {
    try {
      await c.call(P.STORAGE_VOL_CREATE_XML, { pool, xml, flags });
    } catch (e) {
      throw storageFailure(e, v.hostId, what);
    }
    volumeChanged(deps, v.hostId, v.pool);
    return { volume: await volumeGet(deps, v) };
  }
  const { taskId } = tasks.start(
    { kind: 'volume.create', title: say('title.volumeCreate', { name: v.name, format: v.format, pool: v.pool }), hostId: v.hostId, target: { kind: 'volume', hostId: v.hostId, id: `${v.pool}/${v.name}`, name: v.name } },
    async (ctx) => {
      ctx.phase(say('phase.allocating'));
      await runOnBulk(deps, ctx, {
        hostId: v.hostId,
        pool: v.pool,
        name: v.name,
        total: v.capacity,
        what,
        call: (bulk, signal) => bulk.call(P.STORAGE_VOL_CREATE_XML, { pool, xml, flags }, { signal }),
      });
      volumeChanged(deps, v.hostId, v.pool);
      return { pool: v.pool, name: v.name };
    },
  );
  return { taskId };
}

export async function volumeResize(deps: StorageDeps, ref: VolumeRef, capacity: number, shrink: boolean): Promise<Volume> {
  const c = deps.sessions.client(ref.hostId);
  const vol = await lookupVolume(c, ref);
  const what = { what: `Resizing volume “${ref.name}”`, pool: ref.pool, volume: ref.name };
  try {
    const [info, path] = await Promise.all([c.call(P.STORAGE_VOL_GET_INFO, { vol }), c.call(P.STORAGE_VOL_GET_PATH, { vol })]);
    if (capacity < info.capacity && !shrink) {
      throw refuse('in-use', `Shrinking “${ref.name}” cuts data off its end; confirm the shrink to go ahead`, ref.hostId);
    }
    // A running guest must grow its disk through QEMU (BlockResize), or it keeps the old size and may corrupt it.
    const running = (await volumeUsage(c)).usersOf(path).filter((u) => u.active && u.how === 'disk');
    if (running.length) throw refuse('in-use', `“${ref.name}” is open by running VM ${describeUsers(running)}; resize it from the VM’s disk settings, or shut the VM down`, ref.hostId);
    await c.call(P.STORAGE_VOL_RESIZE, { vol, capacity, flags: capacity < info.capacity ? VolResize.SHRINK : 0 });
  } catch (e) {
    throw storageFailure(e, ref.hostId, what);
  }
  volumeChanged(deps, ref.hostId, ref.pool);
  return volumeGet(deps, ref);
}

/** Deletes a volume unless a VM uses it (directly or as a backing file) or another image sits on it. */
export async function volumeDelete(deps: StorageDeps, ref: VolumeRef): Promise<{ deleted: true }> {
  const c = deps.sessions.client(ref.hostId);
  const vol = await lookupVolume(c, ref);
  try {
    const [path, usage] = await Promise.all([c.call(P.STORAGE_VOL_GET_PATH, { vol }), volumeUsage(c)]);
    const users = usage.usersOf(path);
    if (users.length) {
      throw refuse('in-use', `“${ref.name}” is in use by ${describeUsers(users)}; detach it from ${users.length === 1 ? 'that VM' : 'those VMs'} first`, ref.hostId, { users });
    }
    const overlays = usage.overlaysOf(path);
    if (overlays.length) {
      throw refuse('backing-file', `“${ref.name}” is the backing file of ${overlays.join(', ')}; deleting it would break ${overlays.length === 1 ? 'that image' : 'those images'}`, ref.hostId, { overlays });
    }
    await c.call(P.STORAGE_VOL_DELETE, { vol, flags: 0 });
  } catch (e) {
    throw storageFailure(e, ref.hostId, { what: `Deleting volume “${ref.name}”`, pool: ref.pool, volume: ref.name });
  }
  volumeChanged(deps, ref.hostId, ref.pool);
  return { deleted: true };
}
