// Deleting a VM never destroys a disk another VM needs (issue 8 item 5),
// against lab-1's real libvirtd: a shared base image with linked clones on it
// (one running, whose chain libvirt probed; one made by qemu-img behind
// libvirt's back, which only a pool refresh reveals), a data disk attached to
// two VMs, and an ISO in two CD-ROM drives.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppFailure } from '../../shared/ipc/result';
import { harness, inHost, waitForLab, type Harness, type LabHost } from '../hosts/lab-harness';
import { silentLogger } from '../util/log';
import { DomainActions } from './domain-actions';
import { DomainInventory } from './domain-inventory';
import { P } from './rpc/procedures/index';
import type { DomainRef } from './rpc/types';
import { LibvirtSessions } from './sessions';
import { volumeUsage } from './volume-usage';

const run = `vdt-del-${process.pid}`;
let h: Harness;
let host: LabHost;
let hostId: string;
let dir: string;
const sessions = new LibvirtSessions(silentLogger);
let actions: DomainActions;
const doms: DomainRef[] = [];
const paths = { base: '', clone: '', clone2: '', own: '', shared: '', iso: '' };

const c = () => sessions.client(hostId);
const exists = async (p: string) => (await inHost(host, ['sh', '-c', 'test -e "$1" && echo yes || echo no', 'sh', p])).trim() === 'yes';

function domainXml(name: string, disks: string): string {
  const esc = name.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/'/g, '&apos;');
  return `<domain type='qemu'><name>${esc}</name><memory unit='MiB'>32</memory><vcpu>1</vcpu><os><type arch='x86_64' machine='pc'>hvm</type></os><devices>${disks}<memballoon model='none'/></devices></domain>`;
}
const qcow = (dev: string, p: string) => `<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${p}'/><target dev='${dev}' bus='virtio'/></disk>`;
const cdrom = (dev: string, p: string) => `<disk type='file' device='cdrom'><driver name='qemu' type='raw'/><source file='${p}'/><target dev='${dev}' bus='ide'/><readonly/></disk>`;

async function define(name: string, disks: string, start = false): Promise<DomainRef> {
  const dom = await c().call(P.DOMAIN_DEFINE_XML, { xml: domainXml(name, disks) });
  doms.push(dom);
  // START_PAUSED: QEMU opens every image (and libvirt probes the chain) without booting anything.
  if (start) await c().call(P.DOMAIN_CREATE_WITH_FLAGS, { dom, flags: 1 });
  return dom;
}

async function volume(name: string, format: 'qcow2' | 'raw', backing?: string): Promise<string> {
  const pool = await c().call(P.STORAGE_POOL_LOOKUP_BY_NAME, { name: 'default' });
  const xml = `<volume><name>${name}</name><capacity unit='M'>16</capacity><target><format type='${format}'/></target>${
    backing ? `<backingStore><path>${backing}</path><format type='qcow2'/></backingStore>` : ''
  }</volume>`;
  const vol = await c().call(P.STORAGE_VOL_CREATE_XML, { pool, xml, flags: 0 });
  return c().call(P.STORAGE_VOL_GET_PATH, { vol });
}

beforeAll(async () => {
  const lab = await waitForLab();
  host = lab.hosts[0]!;
  h = await harness({ knownHostsLines: [`${host.ip} ${host.hostKey}`] });
  actions = new DomainActions(sessions, new DomainInventory(sessions, silentLogger), silentLogger);
  h.registry.addAttachment((id, t, signal, ctx) => sessions.attach(id, t, signal, (r) => ctx.drop(r)));
  const added = await h.registry.add({ name: 'delete', target: { transport: 'ssh', hostname: host.ip, user: 'root', identityFiles: [lab.ssh.key] } });
  hostId = added.config.id;
  await h.waitState(hostId, (s) => s.status === 'connected', 30_000);

  paths.base = await volume(`${run}-base.qcow2`, 'qcow2');
  dir = paths.base.slice(0, paths.base.lastIndexOf('/'));
  paths.clone = await volume(`${run}-clone.qcow2`, 'qcow2', paths.base);
  paths.own = await volume(`${run}-own.qcow2`, 'qcow2');
  paths.shared = await volume(`${run}-shared.qcow2`, 'qcow2');
  paths.iso = await volume(`${run}.iso`, 'raw');
  // Made behind libvirt's back: the pool does not know this file until refreshed.
  paths.clone2 = `${dir}/${run}-clone2.qcow2`;
  await h.registry.transport(hostId).exec(['qemu-img', 'create', '-q', '-f', 'qcow2', '-b', paths.base, '-F', 'qcow2', paths.clone2]);

  // The template whose disk became the base; it also has its own disk, a shared data disk and the ISO.
  await define(`${run} "victim"`, qcow('vda', paths.own) + qcow('vdb', paths.base) + qcow('vdc', paths.shared) + cdrom('hdc', paths.iso));
  await define(`${run} clone`, qcow('vda', paths.clone), true);
  await define(`${run} clone2`, qcow('vda', paths.clone2));
  await define(`${run} other`, qcow('vdb', paths.shared) + cdrom('hdc', paths.iso));
});

afterAll(async () => {
  for (const dom of doms) {
    await c().call(P.DOMAIN_DESTROY_FLAGS, { dom, flags: 0 }).catch(() => undefined);
    await c().call(P.DOMAIN_UNDEFINE_FLAGS, { dom, flags: 0 }).catch(() => undefined);
  }
  if (dir) await h.registry.transport(hostId).execScript('rm -f "$1"/"$2"*', [dir, run]).catch(() => undefined);
  await c().call(P.STORAGE_POOL_REFRESH, { pool: await c().call(P.STORAGE_POOL_LOOKUP_BY_NAME, { name: 'default' }), flags: 0 }).catch(() => undefined);
  await h?.dispose();
});

describe('deleting a VM keeps every image another VM needs', () => {
  const victim = () => doms[0]!;

  it('the core refuses, naming the other VM, and changes nothing', async () => {
    const refuse = async (volumes: string[], why: RegExp) => {
      const e = await actions.domainDelete(hostId, victim().uuid, volumes).then(() => undefined, (x: unknown) => x);
      expect(e).toBeInstanceOf(AppFailure);
      expect((e as AppFailure).error).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(why) });
    };
    // Refused as a whole even with a deletable image in the same request.
    await refuse([paths.own, paths.base], /base\.qcow2: Backing file of “vdt-del-\d+ clone” \(vda\), “vdt-del-\d+ clone2” \(vda\)\./);
    await refuse([paths.shared], /shared\.qcow2: Also used by “vdt-del-\d+ other” \(vdb\)\./);
    await refuse([paths.iso], /\.iso: CD-ROM media are never deleted with a VM\./);
    // Nothing was changed: the VM and every image are still there.
    expect((await c().call(P.DOMAIN_LOOKUP_BY_UUID, { uuid: victim().uuid })).name).toBe(victim().name);
    for (const p of Object.values(paths)) expect(await exists(p)).toBe(true);
  });

  it('the plan the dialog shows says which images may go and why the others stay', async () => {
    const plan = await actions.domainDeletePlan(hostId, victim().uuid);
    expect(plan.disks.map((d) => [d.target, d.deletable])).toEqual([['vda', true], ['vdb', false], ['vdc', false], ['hdc', false]]);
    expect(plan.disks[1]).toMatchObject({ path: paths.base, usedBy: [{ uuid: doms[1]!.uuid, how: 'backing' }, { uuid: doms[2]!.uuid, how: 'backing' }] });
    expect(plan.disks[2]!.usedBy).toEqual([{ uuid: doms[3]!.uuid, name: `${run} other`, target: 'vdb', how: 'disk' }]);
  });

  it('the usage index sees chains from live XML and from volume XML alike', async () => {
    const usage = await volumeUsage(c());
    const users = usage.usersOf(paths.base).map((u) => `${u.name}/${u.target}/${u.how}`).sort();
    expect(users).toEqual([`${run} "victim"/vdb/disk`, `${run} clone/vda/backing`, `${run} clone2/vda/backing`]);
    expect(usage.usersOf(paths.iso).map((u) => u.name).sort()).toEqual([`${run} "victim"`, `${run} other`]);
    expect(usage.unknownChains()).toEqual([]);
  });

  it('deletes the VM with its own image and leaves every shared one in place', async () => {
    const r = await actions.domainDelete(hostId, victim().uuid, [paths.own]);
    expect(r).toEqual({ deleted: true, volumesDeleted: [paths.own], volumeErrors: [] });
    await expect(c().call(P.DOMAIN_LOOKUP_BY_UUID, { uuid: victim().uuid })).rejects.toMatchObject({ code: 42 /* NO_DOMAIN */ });
    expect(await exists(paths.own)).toBe(false);
    for (const p of [paths.base, paths.clone, paths.clone2, paths.shared, paths.iso]) expect(await exists(p)).toBe(true);
    // The running clone still reads its base.
    expect((await c().call(P.DOMAIN_GET_XML_DESC, { dom: doms[1]!, flags: 0 })).includes(paths.base)).toBe(true);
  });
});
