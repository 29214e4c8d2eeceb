import { describe, expect, it } from 'vitest';
import { parseDiscovery } from './discovery';

// A machine as seen by the script: a SATA disk with an LVM root, a second disk
// with md RAID + LUKS, UEFI, two NICs (one down), sudo (not root).
const sample = [
  '==VD id',
  '1000',
  'sudo-ok',
  '==VD hostname',
  'db01',
  '==VD uname',
  '6.1.0-13-amd64',
  '==VD osrelease',
  'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"',
  'ID=debian',
  'VERSION_ID="12"',
  '==VD efi',
  'yes',
  '==VD nproc',
  '4',
  '==VD cpuinfo',
  'processor\t: 0',
  'model name\t: Intel(R) Xeon(R) CPU E5-2630 v4 @ 2.20GHz',
  '==VD meminfo',
  'MemTotal:        8049408 kB',
  '==VD lsblk',
  JSON.stringify({
    blockdevices: [
      {
        name: 'sda', path: '/dev/sda', size: 500107862016, type: 'disk', ro: false, rm: false, fstype: null, pttype: 'gpt', label: null, mountpoints: [null], model: 'Samsung SSD 860', tran: 'sata',
        children: [
          { name: 'sda1', path: '/dev/sda1', size: 536870912, type: 'part', ro: false, rm: false, fstype: 'vfat', label: null, mountpoints: ['/boot/efi'] },
          {
            name: 'sda2', path: '/dev/sda2', size: 499570991104, type: 'part', ro: false, rm: false, fstype: 'LVM2_member', label: null, mountpoints: [null],
            children: [{ name: 'vg0-root', path: '/dev/mapper/vg0-root', size: 107374182400, type: 'lvm', ro: false, rm: false, fstype: 'ext4', label: null, mountpoints: ['/'] }],
          },
        ],
      },
      {
        name: 'sdb', path: '/dev/sdb', size: 1000204886016, type: 'disk', ro: false, rm: false, fstype: 'linux_raid_member', pttype: null, mountpoints: [null], tran: 'sata',
        children: [{ name: 'md0', path: '/dev/md0', size: 1000070709248, type: 'raid1', fstype: 'crypto_LUKS', mountpoints: [null], children: [{ name: 'data', path: '/dev/mapper/data', size: 1000053932032, type: 'crypt', fstype: 'xfs', mountpoints: ['/srv'] }] }],
      },
      { name: 'sr0', path: '/dev/sr0', size: 1073741312, type: 'rom', ro: false, rm: true, mountpoints: [null] },
    ],
  }),
  '==VD mountinfo',
  '22 1 253:0 / / rw,relatime shared:1 - ext4 /dev/mapper/vg0-root rw',
  '==VD ipaddr',
  JSON.stringify([
    { ifname: 'lo', link_type: 'loopback', address: '00:00:00:00:00:00', flags: ['UP'], addr_info: [{ local: '127.0.0.1', prefixlen: 8 }] },
    { ifname: 'eno1', link_type: 'ether', address: '3C:EC:EF:00:11:22', flags: ['BROADCAST', 'UP'], addr_info: [{ local: '10.0.0.5', prefixlen: 24 }] },
    { ifname: 'eno2', link_type: 'ether', address: '3c:ec:ef:00:11:23', flags: ['BROADCAST'], addr_info: [] },
  ]),
  '==VD vgs',
  JSON.stringify({ report: [{ vg: [{ vg_name: 'vg0', vg_size: '499570991104B', vg_free: '20000000000B' }] }] }),
  '==VD lvs',
  JSON.stringify({ report: [{ lv: [{ lv_name: 'root', vg_name: 'vg0', lv_size: '107374182400B', lv_path: '/dev/vg0/root', lv_attr: '-wi-ao----' }] }] }),
  '==VD end',
].join('\n');

describe('parseDiscovery', () => {
  it('reads disks with their partitions and flags, firmware, CPU, memory, NICs, OS and privilege', () => {
    const inv = parseDiscovery(sample);
    expect(inv).toMatchObject({
      hostname: 'db01',
      os: { prettyName: 'Debian GNU/Linux 12 (bookworm)', id: 'debian', versionId: '12' },
      firmware: 'uefi',
      cpu: { count: 4, model: 'Intel(R) Xeon(R) CPU E5-2630 v4 @ 2.20GHz' },
      memoryBytes: 8049408 * 1024,
      privilege: 'sudo',
      rootSource: '/dev/mapper/vg0-root',
      mode: 'live',
      problems: [],
    });
    expect(inv.disks.map((d) => [d.path, d.partitionTable, d.holdsRoot, d.inUse, d.flags])).toEqual([
      ['/dev/sda', 'gpt', true, true, { lvm: true, raid: false, luks: false }],
      ['/dev/sdb', undefined, false, true, { lvm: false, raid: true, luks: true }],
    ]); // the CD-ROM is not a disk to copy
    expect(inv.nics).toEqual([
      { name: 'eno1', mac: '3c:ec:ef:00:11:22', addresses: ['10.0.0.5/24'], up: true },
      { name: 'eno2', mac: '3c:ec:ef:00:11:23', addresses: [], up: false },
    ]);
    expect(inv.lvm).toEqual([{ vg: 'vg0', lv: 'root', path: '/dev/vg0/root', size: 107374182400, snapshotPossible: true }]);
  });

  it('a system running from none of its disks is a rescue boot; garbage sections become problems, not exceptions', () => {
    const text = sample.replace('22 1 253:0 / / rw,relatime shared:1 - ext4 /dev/mapper/vg0-root rw', '22 1 0:20 / / rw - tmpfs tmpfs rw')
      .replace(/"mountpoints":\["\/boot\/efi"\]/, '"mountpoints":[null]')
      .replace(/"mountpoints":\["\/"\]/, '"mountpoints":[null]')
      .replace(/"mountpoints":\["\/srv"\]/, '"mountpoints":[null]');
    expect(parseDiscovery(text).mode).toBe('rescue');
    const broken = parseDiscovery('==VD lsblk\n{nope\n==VD ipaddr\n[oops\n==VD id\n1000');
    expect(broken.disks).toEqual([]);
    expect(broken.privilege).toBe('none');
    expect(broken.problems).toEqual([
      'lsblk gave no readable JSON (util-linux too old?): disks are unknown',
      'memory size unknown (no MemTotal in /proc/meminfo)',
      'network interfaces unknown (ip -j addr gave no JSON)',
    ]);
  });

  it('fills partition table, filesystem and label from blkid when lsblk had no udev database (the lab source, rescue systems)', () => {
    const lsblk = { blockdevices: [{ name: 'loop0', path: '/dev/loop0', size: 2147483648, type: 'loop', ro: false, rm: false, fstype: null, pttype: null, mountpoints: [null], children: [{ name: 'loop0p1', path: '/dev/loop0p1', size: 2146435072, type: 'part', fstype: null, label: null, mountpoints: [null] }] }] };
    const text = ['==VD lsblk', JSON.stringify(lsblk), '==VD blkid', 'DEVNAME=/dev/loop0', 'PTTYPE=dos', 'DEVNAME=/dev/loop0p1', 'LABEL=vdsource', 'TYPE=ext4', '==VD end'].join('\n');
    const disk = parseDiscovery(text).disks[0]!;
    expect(disk.partitionTable).toBe('dos');
    expect(disk.partitions[0]).toMatchObject({ fstype: 'ext4', label: 'vdsource' });
    // lsblk's own answer wins when it has one.
    const withUdev = text.replace('"pttype":null', '"pttype":"gpt"');
    expect(parseDiscovery(withUdev).disks[0]!.partitionTable).toBe('gpt');
  });
});
