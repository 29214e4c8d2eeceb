import { describe, expect, it } from 'vitest';
import type { SourceInventory } from './discovery';
import { consistencyAdvice, defaultRequest, requestProblems, requestWarnings, volumeName } from './plan';
import { P2vRequestSchema, type P2vTarget } from './schema';

// Pure planning: what the wizard proposes and refuses before anything is copied.

const inv: SourceInventory = {
  hostname: 'db01',
  kernel: '6.1.0',
  os: { prettyName: 'Debian GNU/Linux 12 (bookworm)' },
  firmware: 'bios',
  cpu: { count: 4, model: 'Xeon' },
  memoryBytes: 8 * 1024 ** 3,
  disks: [
    {
      name: 'sda', path: '/dev/sda', size: 20 * 1024 ** 3, type: 'disk', removable: false, readOnly: false, partitionTable: 'dos', inUse: true, holdsRoot: true,
      flags: { lvm: false, raid: false, luks: true },
      partitions: [
        { path: '/dev/sda1', name: 'sda1', size: 1, type: 'part', fstype: 'ext4', mountpoints: ['/'], children: [] },
        { path: '/dev/sda2', name: 'sda2', size: 1, type: 'part', fstype: 'ext4', mountpoints: ['/srv/db'], children: [] },
      ],
    },
    { name: 'sr0', path: '/dev/sr0', size: 1024, type: 'rom', removable: true, readOnly: true, inUse: false, holdsRoot: false, flags: { lvm: false, raid: false, luks: false }, partitions: [] },
  ],
  nics: [{ name: 'eno1', mac: '52:54:00:aa:bb:cc', addresses: ['10.0.0.5/24'], up: true }],
  lvm: [{ vg: 'vg0', lv: 'data', path: '/dev/vg0/data', size: 100, snapshotPossible: true }],
  mode: 'live',
  privilege: 'sudo',
  problems: [],
};
const target: P2vTarget = {
  hostId: 'kvm1',
  pools: [
    { name: 'default', active: true, capacity: 100 * 1024 ** 3, available: 50 * 1024 ** 3, type: 'dir' },
    { name: 'small', active: true, capacity: 1024 ** 3, available: 1024 ** 3, type: 'dir' },
  ],
  networks: [{ name: 'default', active: true }],
  kvm: true,
  uefi: false,
  domainNames: ['db01-p2v'],
};

describe('P2V planning', () => {
  it('defaults follow the source: vCPUs, memory, firmware, SATA + e1000e, new MACs, one raw volume per fixed disk, a free VM name', () => {
    const req = P2vRequestSchema.parse(defaultRequest('src-db01', inv, target));
    expect(req).toMatchObject({ name: 'db01-p2v-2', vcpus: 4, memoryMiB: 8192, firmware: 'bios', diskBus: 'sata', nicModel: 'e1000e', mac: 'new', virtType: 'kvm', network: 'default' });
    expect(req.disks).toEqual([{ device: '/dev/sda', pool: 'default', volume: 'db01-p2v-2-sda.img', format: 'raw' }]);
    expect(requestProblems(req, inv, target)).toEqual([]);
  });

  it('says plainly when a copy is crash-consistent and what can help', () => {
    const a = consistencyAdvice(inv);
    expect(a.level).toBe('crash-consistent');
    expect(a.summary).toMatch(/crash-consistent/);
    expect(a.freezable).toEqual(['/srv/db']); // never "/"
    expect(a.lvmSnapshots).toEqual(['vg0/data']);
    expect(a.recommendations.join(' ')).toMatch(/rescue/);
    expect(consistencyAdvice({ ...inv, mode: 'rescue' }).level).toBe('consistent');
  });

  it('refuses what cannot work, each in words', () => {
    const req = P2vRequestSchema.parse({
      ...defaultRequest('src-db01', inv, target),
      name: 'db01-p2v',
      firmware: 'uefi',
      network: 'lan',
      v2vInPlace: true,
      disks: [
        { device: '/dev/sda', pool: 'small', volume: 'a.img' },
        { device: '/dev/sdz', pool: 'nope', volume: 'a.img' },
      ],
    });
    const p = requestProblems(req, { ...inv, privilege: 'none' }, target).join('\n');
    expect(p).toMatch(/neither root nor allowed "sudo -n"/);
    expect(p).toMatch(/"db01-p2v" already exists/);
    expect(p).toMatch(/no OVMF/);
    expect(p).toMatch(/virt-v2v-in-place is not installed/);
    expect(p).toMatch(/no network "lan"/);
    expect(p).toMatch(/\/dev\/sdz is not a disk of the source/);
    expect(p).toMatch(/no storage pool "nope"/);
    expect(p).toMatch(/Pool "small" has 1.0 GiB free/);
  });

  it('warns about kept MACs, virtio, LUKS and UEFI NVRAM', () => {
    const req = P2vRequestSchema.parse({ ...defaultRequest('src-db01', inv, target), mac: 'keep', diskBus: 'virtio', firmware: 'uefi' });
    const w = requestWarnings(req, inv).join('\n');
    expect(w).toMatch(/never run the source and the copy on one network/);
    expect(w).toMatch(/virtio needs drivers/);
    expect(w).toMatch(/LUKS/);
    expect(w).toMatch(/BOOTX64\.EFI/);
  });

  it('volume names are safe file names whatever the VM is called', () => {
    expect(volumeName('Büro "$(rm -rf /)"; x', '/dev/sda', 'qcow2', 0)).toBe('Buro-rm-rf-x-sda.qcow2');
    expect(volumeName('///', '/dev/mapper/vg-root', 'raw', 1)).toBe('p2v-mapper-vg-root.img');
    expect(() => P2vRequestSchema.parse({ ...defaultRequest('s', inv, target), name: 'a/b' })).toThrow(/cannot contain/);
    expect(() => P2vRequestSchema.parse({ ...defaultRequest('s', inv, target), disks: [{ device: '/dev/sda; reboot', pool: 'default', volume: 'x' }] })).toThrow(/block device path/);
  });
});
