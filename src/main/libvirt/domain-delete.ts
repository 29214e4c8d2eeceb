import { AppFailure } from '../../shared/ipc/result';
import type { DeleteDisk, DeletePlan } from '../../shared/model/delete-plan';
import { toLibvirtFailure } from './errors';
import { Undefine } from './flags';
import type { RpcClient } from './rpc/client';
import { P } from './rpc/procedures/index';
import type { DomainRef, StorageVolRef } from './rpc/types';
import { VolumeLookup, volumeUsage, type ResolvedDisk, type VolumeUsage, type VolumeUser } from './volume-usage';

// Deleting a VM may take only images nobody else needs (issue 8 item 5). The
// core decides, not the dialog: a disk's image goes only if it is the
// domain's own `device='disk'`, writable, not shareable, in a storage pool,
// and no other domain on the host uses it, directly or as a backing file.

const quoteName = (n: string) => `“${n}”`;

/** "Also used by “web-2” (vdb); backing file of “clone-1” (vda)." */
export function describeUsers(users: readonly VolumeUser[]): string {
  const list = (how: VolumeUser['how']) => users.filter((u) => u.how === how).map((u) => `${quoteName(u.name)} (${u.target})`).join(', ');
  const direct = list('disk');
  const backing = list('backing');
  return [direct && `Also used by ${direct}`, backing && `${direct ? 'b' : 'B'}acking file of ${backing}`].filter(Boolean).join('; ') + '.';
}

/**
 * The rules, given the host's usage index and which of the domain's images are
 * pool volumes. Pure, so every rule has a unit test; the lab test proves the
 * index it reads.
 */
export function planDelete(usage: VolumeUsage, uuid: string, inPool: ReadonlySet<string>): DeletePlan {
  const own = usage.domain(uuid);
  if (!own) throw new AppFailure('NOT_FOUND', 'That VM is no longer on the host');
  const unknown = usage.unknownChains(uuid);
  return {
    disks: own.disks.map((d): DeleteDisk => {
      const base = { target: d.target, device: d.device, ...(d.path ? { path: d.path } : {}), ...(d.format ? { format: d.format } : {}) };
      const users = d.path ? usage.usersOf(d.path, uuid) : [];
      const usedBy = users.map((u) => ({ uuid: u.uuid, name: u.name, target: u.target, how: u.how }));
      const no = (reason: string): DeleteDisk => ({ ...base, deletable: false, reason, usedBy });
      if (d.device === 'cdrom') return no('CD-ROM media are never deleted with a VM.');
      if (d.device !== 'disk') return no(`A ${d.device} device is never deleted with a VM.`);
      if (!d.path) return no(d.type === 'network' ? 'A network disk: delete it on its storage system.' : 'Not an image file on this host.');
      if (d.readonly) return no('Attached read-only, as shared images are: never deleted with a VM.');
      if (d.shareable) return no('Marked shareable between VMs: never deleted with a VM.');
      if (users.length) return no(describeUsers(users));
      if (unknown.length) {
        const u = unknown[0]!;
        return no(`${quoteName(u.name)}'s ${u.target} might be based on it: ${u.why}.`);
      }
      if (!inPool.has(d.path)) return no('Not in a storage pool, so libvirt cannot delete it; it stays in place.');
      return { ...base, deletable: true, usedBy };
    }),
  };
}

interface Planned {
  dom: DomainRef;
  plan: DeletePlan;
  vols: Map<string, StorageVolRef>;
}

async function plan(c: RpcClient, hostId: string, uuid: string): Promise<Planned> {
  let dom: DomainRef;
  try {
    dom = await c.call(P.DOMAIN_LOOKUP_BY_UUID, { uuid });
  } catch (e) {
    throw toLibvirtFailure(e, hostId, `Domain ${uuid}`);
  }
  try {
    const lookup = new VolumeLookup(c);
    const usage = await volumeUsage(c, lookup);
    const own = usage.domain(uuid)?.disks ?? [];
    const vols = new Map<string, StorageVolRef>();
    const candidates = own.filter((d): d is ResolvedDisk & { path: string } => d.device === 'disk' && !!d.path);
    await Promise.all(
      candidates.map(async (d) => {
        const v = await lookup.byPath(d.path);
        if (v) vols.set(d.path, v);
      }),
    );
    const p = planDelete(usage, uuid, new Set(vols.keys()));
    return { dom, plan: p, vols };
  } catch (e) {
    if (e instanceof AppFailure) throw new AppFailure(e.error.code, `${dom.name}: ${e.message}`, { hostId });
    throw toLibvirtFailure(e, hostId, `Reading the disks of ${dom.name}`);
  }
}

/** What the delete dialog shows: every disk, whether its image may go, and why not. */
export async function domainDeletePlan(c: RpcClient, hostId: string, uuid: string): Promise<DeletePlan> {
  return (await plan(c, hostId, uuid)).plan;
}

/**
 * Undefines a domain (forcing it off) and deletes the images asked for. Every
 * image is checked before anything changes: one refusal and nothing happens.
 */
export async function domainDelete(c: RpcClient, hostId: string, uuid: string, volumes: readonly string[]) {
  const { dom, plan: p, vols } = await plan(c, hostId, uuid);
  const byPath = new Map(p.disks.filter((d) => d.path).map((d) => [d.path!, d]));
  const foreign = volumes.filter((v) => !byPath.has(v));
  if (foreign.length) throw new AppFailure('VALIDATION', `Not disks of ${dom.name}: ${foreign.join(', ')}. Nothing was deleted.`, { hostId });
  const refused = [...new Set(volumes)].map((v) => byPath.get(v)!).filter((d) => !d.deletable);
  if (refused.length) {
    throw new AppFailure('CONFLICT', `${dom.name} was not deleted. ${refused.map((d) => `${d.path}: ${d.reason}`).join(' ')}`, {
      hostId,
      detail: { refused: refused.map((d) => ({ path: d.path, target: d.target, reason: d.reason, usedBy: d.usedBy })) },
    });
  }
  try {
    if (dom.id >= 0) await c.call(P.DOMAIN_DESTROY_FLAGS, { dom, flags: 0 });
    if (await c.call(P.DOMAIN_IS_PERSISTENT, { dom })) {
      await c.call(P.DOMAIN_UNDEFINE_FLAGS, { dom, flags: Undefine.MANAGED_SAVE | Undefine.SNAPSHOTS_METADATA | Undefine.NVRAM | Undefine.CHECKPOINTS_METADATA });
    }
  } catch (e) {
    throw toLibvirtFailure(e, hostId, `Deleting ${dom.name}`);
  }
  const volumesDeleted: string[] = [];
  const volumeErrors: string[] = [];
  for (const path of new Set(volumes)) {
    try {
      await c.call(P.STORAGE_VOL_DELETE, { vol: vols.get(path)!, flags: 0 });
      volumesDeleted.push(path);
    } catch (e) {
      volumeErrors.push(toLibvirtFailure(e, hostId, `Deleting ${path}`).message);
    }
  }
  return { dom, deleted: true, volumesDeleted, volumeErrors };
}
