import type { SourceDisk, SourceInventory } from './discovery';
import type { P2vRequest, P2vRequestInput, P2vTarget } from './schema';

// What the wizard proposes and says before anything is copied: defaults taken
// from the source (vCPUs, memory, firmware, one raw volume per disk), what a
// copy will be worth (crash-consistent or not) and the warnings an admin must
// read. Pure, so the UI and the core say the same thing.

export interface ConsistencyAdvice {
  /** The copy as it stands: consistent (quiescent disks) or crash-consistent (running system). */
  level: 'consistent' | 'crash-consistent';
  summary: string;
  /** Filesystems fsfreeze could hold still while their disk is read (never "/"). */
  freezable: string[];
  /** Logical volumes whose VG has room for a snapshot (admins can snapshot them by hand). */
  lvmSnapshots: string[];
  recommendations: string[];
}

export function consistencyAdvice(inv: SourceInventory): ConsistencyAdvice {
  const mounted = inv.disks.flatMap((d) => mountsOf(d));
  const freezable = [...new Set(mounted.filter((m) => m !== '/' && !m.startsWith('[')))];
  const lvmSnapshots = inv.lvm.filter((l) => l.snapshotPossible).map((l) => `${l.vg}/${l.lv}`);
  if (inv.mode === 'rescue') {
    return {
      level: 'consistent',
      summary: 'The source does not run from the disks being copied (rescue or live system): the copy is consistent.',
      freezable,
      lvmSnapshots,
      recommendations: [],
    };
  }
  const recommendations = [
    'Databases and mail servers: boot the source from a rescue or live system first, or stop those services, so the copy is consistent.',
  ];
  if (freezable.length) recommendations.push(`fsfreeze can hold ${freezable.join(', ')} still while their disk is read (writes to them wait meanwhile).`);
  if (lvmSnapshots.length) recommendations.push(`Free extents allow an LVM snapshot of ${lvmSnapshots.join(', ')}.`);
  return {
    level: 'crash-consistent',
    summary: 'The source is running from these disks: the copy will be crash-consistent, like pulling the power plug. Files being written during the copy may be damaged in the VM.',
    freezable,
    lvmSnapshots,
    recommendations,
  };
}

function mountsOf(d: SourceDisk): string[] {
  const out: string[] = [];
  const walk = (ps: SourceDisk['partitions']) => {
    for (const p of ps) {
      out.push(...p.mountpoints);
      walk(p.children);
    }
  };
  walk(d.partitions);
  return out;
}

/** Disks worth copying: not removable, not read-only optical media, with a size. */
export function copyableDisks(inv: SourceInventory): SourceDisk[] {
  return inv.disks.filter((d) => d.size > 0 && !d.removable && !/^(sr|fd)\d/.test(d.name));
}

/** Safe volume names: the VM name's letters, digits and dashes, then the disk. */
export function volumeName(vmName: string, disk: string, format: 'raw' | 'qcow2', index: number): string {
  const base =
    vmName
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/-{2,}/g, '-')
      .replace(/^[-.]+|-+$/g, '')
      .slice(0, 60) || 'p2v';
  const dev = disk.replace(/^\/dev\//, '').replace(/[^A-Za-z0-9]+/g, '-') || `disk${index}`;
  return `${base}-${dev}.${format === 'qcow2' ? 'qcow2' : 'img'}`;
}

/** The request the wizard starts from. */
export function defaultRequest(sourceId: string, inv: SourceInventory, target: P2vTarget): P2vRequestInput {
  const pool = target.pools.find((p) => p.active && p.name === 'default') ?? target.pools.find((p) => p.active);
  const network = target.networks.find((n) => n.active && n.name === 'default') ?? target.networks.find((n) => n.active);
  let name = inv.hostname && inv.hostname !== 'unknown' ? `${inv.hostname}-p2v` : 'p2v-copy';
  for (let i = 2; target.domainNames.includes(name); i++) name = `${inv.hostname}-p2v-${i}`;
  return {
    sourceId,
    hostId: target.hostId,
    name,
    vcpus: Math.max(1, Math.min(inv.cpu.count, 512)),
    memoryMiB: Math.max(256, Math.round(inv.memoryBytes / 1048576)),
    firmware: inv.firmware,
    diskBus: 'sata',
    nicModel: 'e1000e',
    network: network?.name ?? 'default',
    mac: 'new',
    virtType: target.kvm ? 'kvm' : 'qemu',
    consistency: 'as-is',
    disks: copyableDisks(inv).map((d, i) => ({ device: d.path, pool: pool?.name ?? 'default', volume: volumeName(name, d.path, 'raw', i), format: 'raw' })),
    start: false,
    v2vInPlace: false,
  };
}

/** Problems that block a request (before anything is copied), in words. */
export function requestProblems(req: P2vRequest, inv: SourceInventory, target: P2vTarget): string[] {
  const out: string[] = [];
  if (inv.privilege === 'none') out.push('The source user is neither root nor allowed "sudo -n": reading its disks needs one of them.');
  if (target.domainNames.includes(req.name)) out.push(`A VM named "${req.name}" already exists on the target host.`);
  if (req.firmware === 'uefi' && !target.uefi) out.push('The source boots with UEFI but the target host has no OVMF firmware.');
  if (req.virtType === 'kvm' && !target.kvm) out.push('The target host cannot run KVM-accelerated guests: choose emulation (qemu).');
  if (req.v2vInPlace && !target.v2vInPlace) out.push('virt-v2v-in-place is not installed on the target host (Debian package virt-v2v).');
  if (!target.networks.some((n) => n.name === req.network)) out.push(`The target host has no network "${req.network}".`);
  const seen = new Set<string>();
  const needByPool = new Map<string, number>();
  for (const d of req.disks) {
    const disk = inv.disks.find((x) => x.path === d.device);
    if (!disk) out.push(`${d.device} is not a disk of the source.`);
    if (seen.has(d.device)) out.push(`${d.device} is listed twice.`);
    seen.add(d.device);
    const key = `${d.pool}\0${d.volume}`;
    if (seen.has(key)) out.push(`Two disks would be written to volume ${d.volume} in pool ${d.pool}.`);
    seen.add(key);
    const pool = target.pools.find((p) => p.name === d.pool);
    if (!pool) out.push(`The target host has no storage pool "${d.pool}".`);
    else if (!pool.active) out.push(`Storage pool "${d.pool}" is not active.`);
    if (disk) needByPool.set(d.pool, (needByPool.get(d.pool) ?? 0) + disk.size);
  }
  for (const [name, need] of needByPool) {
    const pool = target.pools.find((p) => p.name === name);
    // Sparse volumes may need far less; a full disk needs all of it.
    if (pool && pool.available < need) out.push(`Pool "${name}" has ${gib(pool.available)} free; the disks can need up to ${gib(need)} (less when they are mostly empty).`);
  }
  return out;
}

/** Warnings the admin must read (not blocking). */
export function requestWarnings(req: P2vRequest, inv: SourceInventory): string[] {
  const out: string[] = [];
  if (req.mac === 'keep') out.push('The copy keeps the source MAC addresses: never run the source and the copy on one network at once (same MAC and the same IP address).');
  if (req.diskBus === 'virtio' || req.nicModel === 'virtio') out.push('virtio needs drivers in the source initramfs; SATA and e1000e boot a stock system without them.');
  if (req.diskBus !== 'virtio') out.push('Network interface names may change in the VM (e.g. eno1 becomes enp1s0): check its network configuration after the first boot.');
  for (const d of inv.disks.filter((x) => req.disks.some((r) => r.device === x.path))) {
    if (d.flags.luks) out.push(`${d.path} holds LUKS encryption: the VM will ask for its passphrase at boot, as the source does.`);
    if (d.flags.raid) out.push(`${d.path} is a member of an md RAID: copy every member disk, or the array will be degraded in the VM.`);
  }
  if (req.firmware === 'uefi') out.push('UEFI copies start with empty NVRAM: they boot only from \\EFI\\BOOT\\BOOTX64.EFI (the fallback path) until an entry is added.');
  return out;
}

const gib = (n: number) => `${(n / 1073741824).toFixed(1)} GiB`;
