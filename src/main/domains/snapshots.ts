import { say } from '../../shared/i18n/core-text';
import { AppFailure } from '../../shared/ipc/result';
import { parseXmlDoc, readConfig } from '../../shared/libvirt/dom/index';
import { buildSnapshotXml, parseSnapshotXml, snapshotTree } from '../../shared/libvirt/snapshot-xml';
import type { Snapshot } from '../../shared/model/snapshot';
import type { TaskRef } from '../../shared/model/task';
import { toLibvirtFailure } from '../libvirt/errors';
import { ErrorCode, LibvirtError } from '../libvirt/rpc/errors';
import { P } from '../libvirt/rpc/procedures/index';
import { SnapshotCreateFlags, SnapshotDeleteFlags, type SnapshotRef } from '../libvirt/rpc/procedures/domain-settings';
import type { TaskManager } from '../tasks/manager';
import { fail, inactiveXml, liveXml, type DomainHandle } from './definition';

// Snapshots on libvirt 9.0 (LIBVIRT-NEXT.md §3): internal snapshots need every
// disk in qcow2 and no pflash firmware (until 10.9); a running VM's internal
// snapshot always includes its memory; external snapshots are disk-only here
// and cannot be reverted before 9.9. We check these first and refuse with the
// reason, instead of passing on a generic failure.

const V = (major: number, minor: number) => major * 1_000_000 + minor * 1000;
/** libvirt versions that lift 9.0's limits (libvirt NEWS; virt-manager issue #851). */
export const EXTERNAL_REVERT_SINCE = V(9, 9);
export const PFLASH_INTERNAL_SINCE = V(10, 9);

export type SnapshotRefusal = 'raw-disk' | 'pflash' | 'external-revert' | 'disk-only-running-internal' | 'no-disks';

const refuse = (h: DomainHandle, reason: SnapshotRefusal, message: string) => new AppFailure('UNSUPPORTED', message, { hostId: h.hostId, detail: { reason } });

async function libVersion(h: DomainHandle): Promise<number> {
  return h.c.call(P.CONNECT_GET_LIB_VERSION).catch(fail(h, 'Reading the libvirt version'));
}

export async function snapshotList(h: DomainHandle): Promise<Snapshot[]> {
  const { snapshots } = await h.c.call(P.DOMAIN_LIST_ALL_SNAPSHOTS, { dom: h.dom, need_results: 1, flags: 0 }).catch(fail(h, `Listing snapshots of ${h.dom.name}`));
  const parsed = await Promise.all(snapshots.map((snap) => h.c.call(P.DOMAIN_SNAPSHOT_GET_XML_DESC, { snap, flags: 0 }).then(parseSnapshotXml)));
  const current = snapshots.length
    ? await h.c
        .call(P.DOMAIN_SNAPSHOT_CURRENT, { dom: h.dom, flags: 0 })
        .then((s) => s.name)
        .catch(() => undefined) // "no current snapshot" is a normal answer
    : undefined;
  return snapshotTree(parsed, current);
}

export interface SnapshotCreateSpec {
  name: string;
  description?: string;
  kind: 'internal' | 'external-disk';
}

/** Checks libvirt 9.0's rules before anything is created; throws the reason in words. */
export async function snapshotPreflight(h: DomainHandle, kind: SnapshotCreateSpec['kind']): Promise<void> {
  const cfg = readConfig(parseXmlDoc(h.active ? await liveXml(h) : await inactiveXml(h)));
  const disks = cfg.disks.filter((d) => d.device === 'disk' && !d.readonly);
  if (!disks.length) throw refuse(h, 'no-disks', `${h.dom.name} has no writable disk to snapshot`);
  if (kind === 'internal') {
    const notQcow = disks.filter((d) => (d.format ?? 'raw') !== 'qcow2');
    if (notQcow.length) {
      throw refuse(h, 'raw-disk', `Internal snapshots keep their data inside qcow2 images, and ${notQcow.map((d) => `${d.target} is ${d.format ?? 'raw'}`).join(', ')}. Take an external (disk-only) snapshot instead, or convert the disk to qcow2.`);
    }
    if (cfg.boot.pflash && (await libVersion(h)) < PFLASH_INTERNAL_SINCE) {
      throw refuse(h, 'pflash', `${h.dom.name} boots UEFI firmware from pflash, and this host's libvirt takes internal snapshots of such VMs only from version 10.9. Take an external (disk-only) snapshot instead.`);
    }
  } else {
    const bad = disks.filter((d) => d.type !== 'file' && d.type !== 'block' && d.type !== 'volume');
    if (bad.length) throw refuse(h, 'raw-disk', `External snapshots need file or block disks; ${bad.map((d) => `${d.target} is ${d.type}`).join(', ')}`);
  }
}

function snapshotFailure(h: DomainHandle, e: unknown, what: string): AppFailure {
  if (e instanceof LibvirtError) {
    const m = e.message;
    if (/unsupported for storage type (\w+)/.test(m)) return refuse(h, 'raw-disk', `${what}: libvirt refused: ${m}`);
    if (/pflash/.test(m)) return refuse(h, 'pflash', `${what}: libvirt refused: ${m}`);
    if (/revert to external snapshot not supported/.test(m)) return refuse(h, 'external-revert', `${what}: this host's libvirt cannot revert to external snapshots (supported from 9.9)`);
    if (e.code === 77 /* SNAPSHOT_REVERT_RISKY */) return new AppFailure('CONFLICT', `${what}: libvirt considers this revert risky (${m}); it was not done`, { hostId: h.hostId });
    if (e.code === ErrorCode.OPERATION_INVALID || e.code === ErrorCode.CONFIG_UNSUPPORTED) return new AppFailure('UNSUPPORTED', `${what}: ${m}`, { hostId: h.hostId });
  }
  return toLibvirtFailure(e, h.hostId, what);
}

/** Creates a snapshot as a Task (a memory snapshot of a running VM takes a while). */
export async function snapshotCreate(tasks: TaskManager, h: DomainHandle, spec: SnapshotCreateSpec): Promise<TaskRef & { result: Promise<string> }> {
  await snapshotPreflight(h, spec.kind);
  const withMemory = spec.kind === 'internal' && h.active;
  const flags = spec.kind === 'external-disk' ? SnapshotCreateFlags.DISK_ONLY | SnapshotCreateFlags.ATOMIC : 0;
  const { taskId, result } = tasks.run(
    {
      kind: 'snapshot.create',
      title: say(withMemory ? 'title.snapshotCreateWithMemory' : 'title.snapshotCreate', { name: spec.name, vm: h.dom.name }),
      hostId: h.hostId,
      target: { kind: 'domain', hostId: h.hostId, id: h.dom.uuid, name: h.dom.name },
      // libvirt has no way to stop a snapshot midway (savevm runs to the end).
      cancellable: false,
    },
    async (ctx) => {
      ctx.phase(say(withMemory ? 'phase.savingMemoryAndDisks' : spec.kind === 'external-disk' ? 'phase.creatingOverlayFiles' : 'phase.savingDisks'));
      const snap = await h.c.call(P.DOMAIN_SNAPSHOT_CREATE_XML, { dom: h.dom, xml_desc: buildSnapshotXml(spec.name, spec.description), flags }).catch((e) => Promise.reject(snapshotFailure(h, e, `Snapshot of ${h.dom.name}`)));
      ctx.log(`Created ${spec.kind} snapshot ${snap.name}`);
      return snap.name;
    },
  );
  result.catch(() => {}); // recorded by the task; callers that care await it
  return { taskId, result };
}

async function lookup(h: DomainHandle, name: string): Promise<SnapshotRef> {
  return h.c.call(P.DOMAIN_SNAPSHOT_LOOKUP_BY_NAME, { dom: h.dom, name, flags: 0 }).catch(fail(h, `Snapshot ${name}`));
}

/** Reverts to a snapshot (as a Task: loading a memory image takes a while); the VM ends in the snapshot's state. */
export async function snapshotRevert(tasks: TaskManager, h: DomainHandle, name: string): Promise<TaskRef & { result: Promise<void> }> {
  const snap = await lookup(h, name);
  const info = parseSnapshotXml(await h.c.call(P.DOMAIN_SNAPSHOT_GET_XML_DESC, { snap, flags: 0 }).catch(fail(h, `Snapshot ${name}`)));
  if (info.kind === 'external' && (await libVersion(h)) < EXTERNAL_REVERT_SINCE) {
    throw refuse(h, 'external-revert', `“${name}” is an external snapshot, and this host's libvirt can revert to external snapshots only from version 9.9. Its overlay files are intact; revert by hand or delete it.`);
  }
  const { taskId, result } = tasks.run(
    { kind: 'snapshot.revert', title: say('title.snapshotRevert', { vm: h.dom.name, name }), hostId: h.hostId, target: { kind: 'domain', hostId: h.hostId, id: h.dom.uuid, name: h.dom.name }, cancellable: false },
    async (ctx) => {
      ctx.phase(say(info.memory ? 'phase.loadingMemoryAndDisks' : 'phase.restoringDisks'));
      await h.c.call(P.DOMAIN_REVERT_TO_SNAPSHOT, { snap, flags: 0 }).catch((e) => Promise.reject(snapshotFailure(h, e, `Reverting to ${name}`)));
    },
  );
  result.catch(() => {});
  return { taskId, result };
}

export async function snapshotDelete(h: DomainHandle, name: string, withChildren: boolean): Promise<{ deleted: string[] }> {
  const all = await snapshotList(h);
  const target = all.find((s) => s.name === name);
  if (!target) throw new AppFailure('NOT_FOUND', `${h.dom.name} has no snapshot “${name}”`, { hostId: h.hostId });
  const deleted = [name];
  if (withChildren) {
    const walk = (n: string) => all.find((s) => s.name === n)?.children.forEach((c) => (deleted.push(c), walk(c)));
    walk(name);
  }
  if (target.kind === 'external' && (withChildren ? deleted.length > 1 : target.children.length > 0)) {
    throw refuse(h, 'external-revert', `“${name}” is an external snapshot with children; libvirt 9.0 cannot delete such a chain (merge or delete the children first)`);
  }
  const snap = await lookup(h, name);
  await h.c.call(P.DOMAIN_SNAPSHOT_DELETE, { snap, flags: withChildren ? SnapshotDeleteFlags.CHILDREN : 0 }).catch((e) => Promise.reject(snapshotFailure(h, e, `Deleting ${name}`)));
  return { deleted };
}
