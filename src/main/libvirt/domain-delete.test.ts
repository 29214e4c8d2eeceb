import { describe, expect, it } from 'vitest';
import { AppFailure } from '../../shared/ipc/result';
import { planDelete } from './domain-delete';
import { VolumeUsage, type DomainDisks, type ResolvedDisk } from './volume-usage';

// The rules alone, on a hand-built usage index (pure logic: the lab test
// `domain-delete.lab.test.ts` proves the index libvirt gives us).

const U = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;
const disk = (target: string, path: string | undefined, more: Partial<ResolvedDisk> = {}): ResolvedDisk => ({
  device: 'disk', type: 'file', target, ...(path ? { path } : {}), format: 'qcow2', readonly: false, shareable: false, chain: [], ...more,
});
const dom = (n: number, name: string, disks: ResolvedDisk[]): DomainDisks => ({ uuid: U(n), name, active: false, disks });

const IMG = '/var/lib/libvirt/images';
const usage = new VolumeUsage([
  dom(1, 'victim', [
    disk('vda', `${IMG}/victim.qcow2`, { chain: [`${IMG}/base.qcow2`] }),
    disk('vdb', `${IMG}/shared-data.qcow2`),
    disk('vdc', `${IMG}/base.qcow2`),
    disk('vdd', '/srv/loose.qcow2'),
    disk('vde', `${IMG}/ro.qcow2`, { readonly: true }),
    disk('vdf', `${IMG}/sh.raw`, { shareable: true, format: 'raw' }),
    disk('sda', `${IMG}/install.iso`, { device: 'cdrom', format: 'raw', readonly: true }),
    disk('vdg', undefined, { type: 'network', network: 'rbd:rbd/x' }),
  ]),
  dom(2, 'other "vm"', [disk('vdb', `${IMG}/shared-data.qcow2`)]),
  dom(3, 'clone', [disk('vda', `${IMG}/clone.qcow2`, { chain: [`${IMG}/base.qcow2`] })]),
]);
const inPool = new Set([`${IMG}/victim.qcow2`, `${IMG}/shared-data.qcow2`, `${IMG}/base.qcow2`, `${IMG}/ro.qcow2`, `${IMG}/sh.raw`, `${IMG}/install.iso`]);

describe('planDelete', () => {
  const plan = planDelete(usage, U(1), inPool);
  const by = (t: string) => plan.disks.find((d) => d.target === t)!;

  it('offers only the images nobody else needs', () => {
    expect(plan.disks.filter((d) => d.deletable).map((d) => d.target)).toEqual(['vda']);
  });

  it('names the other VM that uses an image directly', () => {
    expect(by('vdb')).toMatchObject({ deletable: false, reason: 'Also used by “other "vm"” (vdb).', usedBy: [{ uuid: U(2), name: 'other "vm"', target: 'vdb', how: 'disk' }] });
  });

  it('names the VM whose disk sits on the image as its backing file', () => {
    expect(by('vdc')).toMatchObject({ deletable: false, reason: 'Backing file of “clone” (vda).', usedBy: [{ uuid: U(3), how: 'backing' }] });
  });

  it('lists direct users and backing users together', () => {
    const both = new VolumeUsage([...usage.domains, dom(5, 'also', [disk('vdz', `${IMG}/base.qcow2`)])]);
    expect(planDelete(both, U(1), inPool).disks.find((d) => d.target === 'vdc')!.reason).toBe('Also used by “also” (vdz); backing file of “clone” (vda).');
  });

  it('never takes CD-ROM media, read-only, shareable or network disks, or images outside a pool', () => {
    expect(by('sda').reason).toBe('CD-ROM media are never deleted with a VM.');
    expect(by('vde').reason).toMatch(/read-only/);
    expect(by('vdf').reason).toMatch(/shareable/);
    expect(by('vdg')).toMatchObject({ deletable: false, reason: 'A network disk: delete it on its storage system.' });
    expect(by('vdd')).toMatchObject({ deletable: false, reason: expect.stringMatching(/^Not in a storage pool/) });
  });

  it('refuses everything while another VM has a chain nobody can read', () => {
    const blind = new VolumeUsage([
      ...usage.domains,
      dom(4, 'loose', [disk('vda', '/srv/other.qcow2', { chain: undefined, unknownWhy: '/srv/other.qcow2 is outside every storage pool, so libvirt cannot read what it is based on' })]),
    ]);
    const p = planDelete(blind, U(1), inPool);
    expect(p.disks.find((d) => d.target === 'vda')).toMatchObject({
      deletable: false,
      reason: "“loose”'s vda might be based on it: /srv/other.qcow2 is outside every storage pool, so libvirt cannot read what it is based on.",
    });
    // …but not for the domain whose own chain is unknown.
    expect(planDelete(blind, U(4), new Set(['/srv/other.qcow2'])).disks[0]).toMatchObject({ deletable: true });
  });

  it('says when the domain vanished', () => {
    expect(() => planDelete(usage, U(9), inPool)).toThrow(AppFailure);
  });
});
