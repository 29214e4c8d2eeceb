import { z } from 'zod';

// What an operating system needs from its virtual hardware: the defaults the
// wizard fills in when the admin picks an OS (virt-install does the same from
// libosinfo). Entries come from the host's osinfo database when it has one
// (osinfo.ts), otherwise from the curated table below.

export const DiskBusSchema = z.enum(['virtio', 'sata', 'scsi', 'ide']);
export const NicModelSchema = z.enum(['virtio', 'e1000e', 'e1000', 'rtl8139']);
export const VideoModelSchema = z.enum(['virtio', 'qxl', 'vga', 'bochs', 'cirrus']);
export const MachineSchema = z.enum(['q35', 'pc']);
export const FirmwareSchema = z.enum(['bios', 'uefi']);

export const OsProfileSchema = z.object({
  /** osinfo short-id (debian11, win11, linux2022) or the curated table's id. */
  id: z.string(),
  name: z.string(),
  family: z.enum(['linux', 'windows', 'bsd', 'other']),
  vendor: z.string().optional(),
  version: z.string().optional(),
  /** libosinfo's OS URI, stored in the definition as virt-install does. */
  osinfoId: z.string().optional(),
  releaseDate: z.string().optional(),
  eol: z.boolean(),
  machine: MachineSchema,
  /** The firmware the OS prefers; `uefiOnly`: it cannot boot with BIOS. */
  firmware: FirmwareSchema,
  uefiOnly: z.boolean(),
  /** Needs a TPM 2.0 (Windows 11). */
  tpm: z.boolean(),
  /** The installer has virtio drivers for disk and NIC. */
  virtio: z.boolean(),
  diskBus: DiskBusSchema,
  nicModel: NicModelSchema,
  video: VideoModelSchema,
  clock: z.enum(['utc', 'localtime']),
  /** Hyper-V enlightenments (Windows). */
  hyperv: z.boolean(),
  vcpus: z.number().int().min(1),
  minMemoryMiB: z.number().int().min(1),
  memoryMiB: z.number().int().min(1),
  minDiskGiB: z.number().min(0),
  diskGiB: z.number().min(0),
  /** Kernel and initrd paths inside an install tree, when the OS database knows them. */
  tree: z.object({ kernel: z.string(), initrd: z.string() }).optional(),
  source: z.enum(['osinfo', 'curated']),
});
export type OsProfile = z.infer<typeof OsProfileSchema>;

type Curated = Partial<OsProfile> & Pick<OsProfile, 'id' | 'name' | 'family'>;

const LINUX: Omit<OsProfile, 'id' | 'name' | 'family' | 'source'> = {
  eol: false,
  machine: 'q35',
  firmware: 'bios',
  uefiOnly: false,
  tpm: false,
  virtio: true,
  diskBus: 'virtio',
  nicModel: 'virtio',
  video: 'virtio',
  clock: 'utc',
  hyperv: false,
  vcpus: 2,
  minMemoryMiB: 1024,
  memoryMiB: 2048,
  minDiskGiB: 10,
  diskGiB: 20,
};

const WINDOWS: Omit<OsProfile, 'id' | 'name' | 'family' | 'source'> = {
  ...LINUX,
  // Windows installers carry no virtio drivers: SATA and e1000e boot without a driver disk.
  virtio: false,
  diskBus: 'sata',
  nicModel: 'e1000e',
  video: 'qxl',
  clock: 'localtime',
  hyperv: true,
  minMemoryMiB: 2048,
  memoryMiB: 4096,
  minDiskGiB: 32,
  diskGiB: 64,
};

const CURATED: Curated[] = [
  { id: 'linux2022', name: 'Generic Linux (2022 or newer)', family: 'linux', osinfoId: 'http://libosinfo.org/linux/2022' },
  { id: 'linux2020', name: 'Generic Linux (2020)', family: 'linux', osinfoId: 'http://libosinfo.org/linux/2020' },
  { id: 'debian12', name: 'Debian 12', family: 'linux', vendor: 'Debian Project', version: '12', osinfoId: 'http://debian.org/debian/12', tree: { kernel: 'install.amd/vmlinuz', initrd: 'install.amd/initrd.gz' } },
  { id: 'debian11', name: 'Debian 11', family: 'linux', vendor: 'Debian Project', version: '11', osinfoId: 'http://debian.org/debian/11', tree: { kernel: 'install.amd/vmlinuz', initrd: 'install.amd/initrd.gz' } },
  { id: 'ubuntu24.04', name: 'Ubuntu 24.04 LTS', family: 'linux', vendor: 'Canonical Ltd', version: '24.04', osinfoId: 'http://ubuntu.com/ubuntu/24.04', diskGiB: 25, memoryMiB: 4096, tree: { kernel: 'casper/vmlinuz', initrd: 'casper/initrd' } },
  { id: 'ubuntu22.04', name: 'Ubuntu 22.04 LTS', family: 'linux', vendor: 'Canonical Ltd', version: '22.04', osinfoId: 'http://ubuntu.com/ubuntu/22.04', diskGiB: 25, memoryMiB: 4096, tree: { kernel: 'casper/vmlinuz', initrd: 'casper/initrd' } },
  { id: 'fedora40', name: 'Fedora 40', family: 'linux', vendor: 'Fedora Project', version: '40', osinfoId: 'http://fedoraproject.org/fedora/40', tree: { kernel: 'images/pxeboot/vmlinuz', initrd: 'images/pxeboot/initrd.img' } },
  { id: 'rhel9.4', name: 'Red Hat Enterprise Linux 9', family: 'linux', vendor: 'Red Hat, Inc', version: '9', osinfoId: 'http://redhat.com/rhel/9.4', firmware: 'uefi', tree: { kernel: 'images/pxeboot/vmlinuz', initrd: 'images/pxeboot/initrd.img' } },
  { id: 'almalinux9', name: 'AlmaLinux 9', family: 'linux', vendor: 'AlmaLinux OS Foundation', version: '9', osinfoId: 'http://almalinux.org/almalinux/9', tree: { kernel: 'images/pxeboot/vmlinuz', initrd: 'images/pxeboot/initrd.img' } },
  { id: 'rocky9', name: 'Rocky Linux 9', family: 'linux', vendor: 'Rocky Enterprise Software Foundation', version: '9', osinfoId: 'http://rockylinux.org/rocky/9', tree: { kernel: 'images/pxeboot/vmlinuz', initrd: 'images/pxeboot/initrd.img' } },
  { id: 'opensuse15.5', name: 'openSUSE Leap 15.5', family: 'linux', vendor: 'openSUSE', version: '15.5', osinfoId: 'http://opensuse.org/opensuse/15.5', tree: { kernel: 'boot/x86_64/loader/linux', initrd: 'boot/x86_64/loader/initrd' } },
  { id: 'alpinelinux3.19', name: 'Alpine Linux 3.19', family: 'linux', vendor: 'Alpine Linux', version: '3.19', osinfoId: 'http://alpinelinux.org/alpinelinux/3.19', minMemoryMiB: 256, memoryMiB: 512, minDiskGiB: 1, diskGiB: 4, vcpus: 1 },
  { id: 'freebsd14.0', name: 'FreeBSD 14.0', family: 'bsd', vendor: 'FreeBSD Project', version: '14.0', osinfoId: 'http://freebsd.org/freebsd/14.0', video: 'vga', minMemoryMiB: 512, memoryMiB: 2048 },
  { id: 'win11', name: 'Microsoft Windows 11', family: 'windows', vendor: 'Microsoft Corporation', version: '11', osinfoId: 'http://microsoft.com/win/11', firmware: 'uefi', uefiOnly: true, tpm: true, minMemoryMiB: 4096, memoryMiB: 4096 },
  { id: 'win10', name: 'Microsoft Windows 10', family: 'windows', vendor: 'Microsoft Corporation', version: '10', osinfoId: 'http://microsoft.com/win/10' },
  { id: 'win2k22', name: 'Microsoft Windows Server 2022', family: 'windows', vendor: 'Microsoft Corporation', version: '2022', osinfoId: 'http://microsoft.com/win/2k22', firmware: 'uefi' },
  { id: 'win2k19', name: 'Microsoft Windows Server 2019', family: 'windows', vendor: 'Microsoft Corporation', version: '2019', osinfoId: 'http://microsoft.com/win/2k19' },
  // Nothing known: the hardware every OS since the 1990s has drivers for.
  { id: 'unknown', name: 'Other or unknown OS', family: 'other', osinfoId: 'http://libosinfo.org/unknown', machine: 'pc', virtio: false, diskBus: 'ide', nicModel: 'e1000', video: 'vga', vcpus: 1, minMemoryMiB: 256, memoryMiB: 1024, minDiskGiB: 1, diskGiB: 10 },
];

/** The project's own table, used when a host has no osinfo database. */
export const CURATED_OS: readonly OsProfile[] = CURATED.map((c) => ({ ...(c.family === 'windows' ? WINDOWS : LINUX), ...c, source: 'curated' }));

export const UNKNOWN_OS = CURATED_OS.find((o) => o.id === 'unknown')!;

/** The same defaults as the curated table for an OS family, for osinfo entries that say little. */
export function familyDefaults(family: OsProfile['family']): Omit<OsProfile, 'id' | 'name' | 'family' | 'source'> {
  if (family === 'windows') return WINDOWS;
  if (family === 'other') {
    const { id: _i, name: _n, family: _f, source: _s, ...rest } = UNKNOWN_OS;
    return rest;
  }
  return LINUX;
}
