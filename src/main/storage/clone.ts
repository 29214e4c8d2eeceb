import { say } from '../../shared/i18n/core-text';
import { buildVolumeXml, parseVolumeXml } from '../../shared/libvirt/storage-xml';
import type { TaskRef } from '../../shared/model/task';
import { formatBytes } from '../../shared/libvirt/units';
import { P } from '../libvirt/rpc/procedures/index';
import type { TaskContext, TaskManager } from '../tasks/manager';
import { runOnBulk } from './bulk-call';
import { refuse, storageFailure } from './errors';
import type { StorageDeps } from './pools';
import { describeUsers, volumeUsage } from './usage';
import { lookupVolume, preflightNewVolume, volumeChanged } from './volumes';

export interface CloneSpec {
  hostId: string;
  pool: string;
  name: string;
  newName: string;
  /** Default: the source's pool. */
  targetPool?: string;
  /** Default: the source's format (raw when libvirt does not say). */
  format?: 'qcow2' | 'raw';
}

/**
 * Copies a volume with VolCreateXMLFrom (libvirt copies raw bytes itself and
 * runs qemu-img for other formats), as a step of the caller's task: progress
 * is the new volume's allocation, cancel deletes the copy. Reused by VM clone
 * and the create wizard, which run it inside their own tasks (or ctx.child).
 */
export async function volumeClone(deps: StorageDeps, ctx: TaskContext, spec: CloneSpec): Promise<{ pool: string; name: string; path: string }> {
  const { hostId } = spec;
  const c = deps.sessions.client(hostId);
  const targetPool = spec.targetPool ?? spec.pool;
  const what = { what: `Cloning “${spec.name}” to “${spec.newName}”`, pool: targetPool, volume: spec.newName };
  ctx.phase(say('phase.checking'));
  const src = await lookupVolume(c, { hostId, pool: spec.pool, name: spec.name });
  const [info, xml, usage] = await Promise.all([
    c.call(P.STORAGE_VOL_GET_INFO, { vol: src }),
    c.call(P.STORAGE_VOL_GET_XML_DESC, { vol: src, flags: 0 }),
    volumeUsage(c),
  ]).catch((e: unknown) => {
    throw storageFailure(e, hostId, what);
  });
  const parsed = parseVolumeXml(xml);
  // A running guest changes the image while we copy it: the copy would be torn.
  const writers = usage.usersOf(parsed.path ?? src.key).filter((u) => u.active && u.how === 'disk' && u.device === 'disk');
  if (writers.length) throw refuse('in-use', `“${spec.name}” is open by running VM ${describeUsers(writers)}; shut it down to get a consistent copy`, hostId);
  const format = spec.format ?? (parsed.format === 'qcow2' ? 'qcow2' : 'raw');
  const pool = await preflightNewVolume(c, hostId, targetPool, spec.newName, info.allocation);
  ctx.log(`Source: ${parsed.path ?? spec.name} (${parsed.format ?? 'raw'}, ${formatBytes(info.capacity)} capacity, ${formatBytes(info.allocation)} allocated) -> ${format} in pool “${targetPool}”`);
  ctx.phase(say('phase.copying'));
  await runOnBulk(deps, ctx, {
    hostId,
    pool: targetPool,
    name: spec.newName,
    // The copy's allocation grows towards the source's (libvirt skips holes).
    total: Math.max(info.allocation, 1),
    what,
    call: (bulk, signal) =>
      bulk.call(P.STORAGE_VOL_CREATE_XML_FROM, { pool, xml: buildVolumeXml({ name: spec.newName, capacity: info.capacity, allocation: 0, format }), clonevol: src, flags: 0 }, { signal }),
  });
  volumeChanged(deps, hostId, targetPool);
  const made = await lookupVolume(c, { hostId, pool: targetPool, name: spec.newName });
  return { pool: targetPool, name: spec.newName, path: await c.call(P.STORAGE_VOL_GET_PATH, { vol: made }) };
}

/** `volumes.clone`: the clone as a task of its own, retryable with the same input. */
export function startVolumeClone(deps: StorageDeps, tasks: TaskManager, spec: CloneSpec): TaskRef {
  return tasks.start(
    {
      kind: 'volume.clone',
      title: spec.targetPool && spec.targetPool !== spec.pool ? say('title.volumeCloneInPool', { name: spec.name, newName: spec.newName, pool: spec.targetPool }) : say('title.volumeClone', { name: spec.name, newName: spec.newName }),
      hostId: spec.hostId,
      target: { kind: 'volume', hostId: spec.hostId, id: `${spec.pool}/${spec.name}`, name: spec.name },
      retry: { call: 'volumes.clone', input: spec },
    },
    (ctx) => volumeClone(deps, ctx, spec),
  );
}
