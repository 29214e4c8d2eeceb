import { AppFailure } from '../../shared/ipc/result';
import { buildPoolXml, parsePoolXml } from '../../shared/libvirt/storage-xml';
import { POOL_STATES, type Pool, type PoolDefinition } from '../../shared/model/pool';
import type { EventBus } from '../ipc/bus';
import type { RpcClient } from '../libvirt/rpc/client';
import { ErrorCode, isLibvirtError } from '../libvirt/rpc/errors';
import { ListPools, PoolBuild } from '../libvirt/rpc/procedures/storage';
import { P } from '../libvirt/rpc/procedures/index';
import type { StoragePoolRef } from '../libvirt/rpc/types';
import type { LibvirtSessions } from '../libvirt/sessions';
import type { Logger } from '../util/log';
import { refuse, storageFailure } from './errors';
import { describeUsers, volumeUsage } from './usage';

export interface StorageDeps {
  sessions: LibvirtSessions;
  bus: EventBus;
  log: Logger;
}

export async function lookupPool(c: RpcClient, hostId: string, name: string): Promise<StoragePoolRef> {
  try {
    return await c.call(P.STORAGE_POOL_LOOKUP_BY_NAME, { name });
  } catch (e) {
    throw storageFailure(e, hostId, { what: `Finding pool “${name}”`, pool: name });
  }
}

async function readPool(c: RpcClient, hostId: string, ref: StoragePoolRef, known?: { persistent: boolean; autostart: boolean }): Promise<Pool> {
  const [info, xml, flags] = await Promise.all([
    c.call(P.STORAGE_POOL_GET_INFO, { pool: ref }),
    c.call(P.STORAGE_POOL_GET_XML_DESC, { pool: ref, flags: 0 }),
    known ??
      Promise.all([c.call(P.STORAGE_POOL_IS_PERSISTENT, { pool: ref }), c.call(P.STORAGE_POOL_GET_AUTOSTART, { pool: ref })]).then(([persistent, autostart]) => ({ persistent, autostart })),
  ]);
  const parsed = parsePoolXml(xml);
  const state = POOL_STATES[info.state] ?? 'inaccessible';
  return {
    hostId,
    name: ref.name,
    uuid: ref.uuid,
    type: parsed.type,
    state,
    active: state === 'running' || state === 'degraded',
    persistent: flags.persistent,
    autostart: flags.autostart,
    capacity: info.capacity,
    allocation: info.allocation,
    available: info.available,
    ...(parsed.targetPath ? { targetPath: parsed.targetPath } : {}),
    source: parsed.source,
  };
}

/** Every pool of a host in a constant number of round trips (pipelined per pool). */
export async function poolList({ sessions }: StorageDeps, hostId: string): Promise<Pool[]> {
  const c = sessions.client(hostId);
  try {
    const [all, persistent, autostart] = await Promise.all(
      [0, ListPools.PERSISTENT, ListPools.AUTOSTART].map((flags) => c.call(P.CONNECT_LIST_ALL_STORAGE_POOLS, { need_results: 1, flags })),
    );
    const pers = new Set(persistent!.pools.map((p) => p.uuid));
    const auto = new Set(autostart!.pools.map((p) => p.uuid));
    const pools = await Promise.all(
      all!.pools.map((ref) =>
        readPool(c, hostId, ref, { persistent: pers.has(ref.uuid), autostart: auto.has(ref.uuid) }).catch((e: unknown) => {
          if (isLibvirtError(e, ErrorCode.NO_STORAGE_POOL)) return undefined; // undefined meanwhile
          throw e;
        }),
      ),
    );
    return pools.filter((p): p is Pool => !!p).sort((a, b) => a.name.localeCompare(b.name));
  } catch (e) {
    throw storageFailure(e, hostId, { what: 'Listing storage pools' });
  }
}

export async function poolGet({ sessions }: StorageDeps, hostId: string, name: string): Promise<Pool> {
  const c = sessions.client(hostId);
  const ref = await lookupPool(c, hostId, name);
  try {
    return await readPool(c, hostId, ref);
  } catch (e) {
    throw storageFailure(e, hostId, { what: `Reading pool “${name}”`, pool: name });
  }
}

/** Runs one action on a pool and answers with its fresh state. */
async function poolAction(deps: StorageDeps, hostId: string, name: string, what: string, act: (c: RpcClient, ref: StoragePoolRef) => Promise<unknown>): Promise<Pool> {
  const c = deps.sessions.client(hostId);
  const ref = await lookupPool(c, hostId, name);
  try {
    await act(c, ref);
  } catch (e) {
    throw storageFailure(e, hostId, { what: `${what} pool “${name}”`, pool: name });
  }
  return poolGet(deps, hostId, name);
}

export const poolStart = (deps: StorageDeps, hostId: string, name: string) =>
  poolAction(deps, hostId, name, 'Starting', (c, pool) => c.call(P.STORAGE_POOL_CREATE, { pool, flags: 0 }));

export const poolRefresh = (deps: StorageDeps, hostId: string, name: string) =>
  poolAction(deps, hostId, name, 'Refreshing', (c, pool) => c.call(P.STORAGE_POOL_REFRESH, { pool, flags: 0 }));

export const poolSetAutostart = (deps: StorageDeps, hostId: string, name: string, autostart: boolean) =>
  poolAction(deps, hostId, name, autostart ? 'Enabling autostart of' : 'Disabling autostart of', (c, pool) => c.call(P.STORAGE_POOL_SET_AUTOSTART, { pool, autostart }));

/** VMs using any volume of the pool, in refusal wording; empty when none. */
async function poolUsers(c: RpcClient, pool: string, onlyRunning: boolean): Promise<string> {
  const usage = await volumeUsage(c);
  const users = usage.volumes
    .filter((v) => v.pool === pool)
    .flatMap((v) => usage.usersOf(v.xml.path ?? v.ref.key).map((u) => ({ ...u, vol: v.ref.name })))
    .filter((u) => !onlyRunning || u.active);
  const vms = [...new Map(users.map((u) => [u.uuid, u])).values()];
  return vms.length ? `${describeUsers(vms)} use${vms.length === 1 ? 's' : ''} volume${users.length === 1 ? '' : 's'} ${[...new Set(users.map((u) => `“${u.vol}”`))].join(', ')}` : '';
}

/** Stopping a pool pulls its storage from under running VMs (an NFS unmount, deactivated LVs): refused while one uses it. */
export async function poolStop(deps: StorageDeps, hostId: string, name: string): Promise<Pool> {
  const c = deps.sessions.client(hostId);
  const users = await poolUsers(c, name, true).catch((e: unknown) => {
    throw storageFailure(e, hostId, { what: `Checking who uses pool “${name}”`, pool: name });
  });
  if (users) throw refuse('in-use', `Pool “${name}” cannot be stopped: ${users}. Shut those VMs down first.`, hostId);
  return poolAction(deps, hostId, name, 'Stopping', (cl, pool) => cl.call(P.STORAGE_POOL_DESTROY, { pool }));
}

/** Stops and undefines a pool; its volumes stay on disk. Refused while any VM (running or not) uses one of its volumes. */
export async function poolDelete(deps: StorageDeps, hostId: string, name: string): Promise<{ deleted: true }> {
  const c = deps.sessions.client(hostId);
  const ref = await lookupPool(c, hostId, name);
  try {
    const users = await poolUsers(c, name, false);
    if (users) throw refuse('in-use', `Pool “${name}” cannot be deleted: ${users}. Remove those disks from the VMs first.`, hostId);
    if (await c.call(P.STORAGE_POOL_IS_ACTIVE, { pool: ref })) await c.call(P.STORAGE_POOL_DESTROY, { pool: ref });
    if (await c.call(P.STORAGE_POOL_IS_PERSISTENT, { pool: ref }).catch(() => false)) await c.call(P.STORAGE_POOL_UNDEFINE, { pool: ref });
    return { deleted: true };
  } catch (e) {
    throw storageFailure(e, hostId, { what: `Deleting pool “${name}”`, pool: name });
  }
}

export interface DefineOptions {
  build: boolean;
  start: boolean;
  autostart: boolean;
}

/**
 * Defines a pool from the form, then builds, starts and autostarts it as
 * asked. A later step failing undefines what the earlier ones made, so a
 * half-made pool is never left behind.
 */
export async function poolDefine(deps: StorageDeps, hostId: string, def: PoolDefinition, opts: DefineOptions): Promise<Pool> {
  const c = deps.sessions.client(hostId);
  const existing = await poolList(deps, hostId);
  if (existing.some((p) => p.name === def.name)) throw refuse('name-taken', `A pool named “${def.name}” already exists on this host`, hostId);
  const target = def.type === 'logical' ? `/dev/${def.vgName}` : def.path;
  const clash = existing.find((p) => p.targetPath === target);
  if (clash) throw refuse('name-taken', `Pool “${clash.name}” already uses ${target}`, hostId);
  let ref: StoragePoolRef;
  try {
    ref = await c.call(P.STORAGE_POOL_DEFINE_XML, { xml: buildPoolXml(def), flags: 0 });
  } catch (e) {
    throw storageFailure(e, hostId, { what: `Defining pool “${def.name}”`, pool: def.name });
  }
  let step = 'Building';
  try {
    // dir/netfs: build makes the directory (NO_OVERWRITE never formats). logical:
    // build runs pvcreate/vgcreate on the devices, so only when devices were named.
    if (opts.build && (def.type !== 'logical' || def.devices.length > 0)) {
      await c.call(P.STORAGE_POOL_BUILD, { pool: ref, flags: PoolBuild.NEW });
    }
    step = 'Starting';
    if (opts.start) await c.call(P.STORAGE_POOL_CREATE, { pool: ref, flags: 0 });
    step = 'Enabling autostart of';
    if (opts.autostart) await c.call(P.STORAGE_POOL_SET_AUTOSTART, { pool: ref, autostart: true });
  } catch (e) {
    const failure = storageFailure(e, hostId, { what: `${step} pool “${def.name}”`, pool: def.name });
    try {
      if (await c.call(P.STORAGE_POOL_IS_ACTIVE, { pool: ref })) await c.call(P.STORAGE_POOL_DESTROY, { pool: ref });
      await c.call(P.STORAGE_POOL_UNDEFINE, { pool: ref });
      throw new AppFailure(failure.error.code, `${failure.message}. The new definition was removed again.`, { hostId, detail: failure.error.detail });
    } catch (undo) {
      if (undo instanceof AppFailure && undo.message.endsWith('removed again.')) throw undo;
      throw new AppFailure(failure.error.code, `${failure.message}. The definition of “${def.name}” could not be removed (${String(undo)}); delete it by hand.`, { hostId, detail: failure.error.detail });
    }
  }
  return readPool(c, hostId, ref);
}
