// What a physical (SSH-only) source machine is made of, parsed from the
// sectioned output of one discovery script (src/main/sources/discovery-script.ts):
// lsblk JSON, firmware, CPU, memory, NICs, OS release, mounts, LVM, md RAID,
// privilege. Pure: the parser never trusts the text and never throws on odd
// input; what it cannot read is reported in `problems`.

export interface SourcePartition {
  path: string;
  name: string;
  size: number;
  type: string;
  fstype?: string;
  label?: string;
  mountpoints: string[];
  /** Under this device: LVM logical volumes, LUKS mappings, md arrays. */
  children: SourcePartition[];
}

export interface SourceDisk {
  name: string;
  path: string;
  size: number;
  /** 'disk' on real machines; 'loop' for an image-backed disk (the lab's "physical" machine). */
  type: string;
  model?: string;
  transport?: string;
  removable: boolean;
  readOnly: boolean;
  partitionTable?: string;
  partitions: SourcePartition[];
  /** Something on this disk is mounted by the running system. */
  inUse: boolean;
  /** The running system's root filesystem lives on this disk. */
  holdsRoot: boolean;
  flags: { lvm: boolean; raid: boolean; luks: boolean };
}

export interface SourceNic {
  name: string;
  mac: string;
  addresses: string[];
  up: boolean;
}

export interface LvmVolume {
  vg: string;
  lv: string;
  path: string;
  size: number;
  /** Free extents in the VG could hold a snapshot of 10% of this LV (a useful minimum for a short copy). */
  snapshotPossible: boolean;
}

export interface SourceInventory {
  hostname: string;
  kernel: string;
  os: { prettyName: string; id?: string; versionId?: string };
  firmware: 'bios' | 'uefi';
  cpu: { count: number; model?: string };
  memoryBytes: number;
  disks: SourceDisk[];
  nics: SourceNic[];
  lvm: LvmVolume[];
  /** Root filesystem's device, e.g. /dev/sda2 or /dev/mapper/vg-root. */
  rootSource?: string;
  /**
   * 'live': the system runs from the disks being copied, so a copy is only
   * crash-consistent; 'rescue': it runs from elsewhere (live USB, rescue
   * system), so the disks are quiescent.
   */
  mode: 'live' | 'rescue';
  privilege: 'root' | 'sudo' | 'none';
  problems: string[];
}

type Sections = Map<string, string>;

/** Splits "==VD name\n...". */
export function splitSections(text: string): Sections {
  const out: Sections = new Map();
  let name: string | null = null;
  let buf: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^==VD ([a-z0-9-]+)$/.exec(line);
    if (m) {
      if (name) out.set(name, buf.join('\n'));
      name = m[1] as string;
      buf = [];
    } else if (name) buf.push(line);
  }
  if (name) out.set(name, buf.join('\n'));
  return out;
}

interface LsblkNode {
  name?: string;
  path?: string;
  size?: number | string;
  type?: string;
  ro?: boolean | string;
  rm?: boolean | string;
  fstype?: string | null;
  pttype?: string | null;
  label?: string | null;
  mountpoints?: (string | null)[];
  mountpoint?: string | null;
  model?: string | null;
  tran?: string | null;
  children?: LsblkNode[];
}

const bool = (v: unknown) => v === true || v === '1' || v === 1;
const num = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : 0);
const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

function mounts(n: LsblkNode): string[] {
  const list = n.mountpoints ?? (n.mountpoint !== undefined ? [n.mountpoint] : []);
  return list.filter((m): m is string => typeof m === 'string' && m.length > 0);
}

function partition(n: LsblkNode): SourcePartition {
  const fstype = str(n.fstype);
  const label = str(n.label);
  return {
    path: str(n.path) ?? `/dev/${n.name ?? '?'}`,
    name: str(n.name) ?? '?',
    size: num(n.size),
    type: str(n.type) ?? 'part',
    ...(fstype ? { fstype } : {}),
    ...(label ? { label } : {}),
    mountpoints: mounts(n),
    children: (n.children ?? []).map(partition),
  };
}

function walk(p: SourcePartition[], f: (p: SourcePartition) => void): void {
  for (const x of p) {
    f(x);
    walk(x.children, f);
  }
}

export function parseDiscovery(text: string): SourceInventory {
  const s = splitSections(text);
  const problems: string[] = [];

  let tree: LsblkNode[] = [];
  try {
    tree = (JSON.parse(s.get('lsblk') || '{}') as { blockdevices?: LsblkNode[] }).blockdevices ?? [];
  } catch {
    problems.push('lsblk gave no readable JSON (util-linux too old?): disks are unknown');
  }
  fillFromBlkid(tree, blkid(s.get('blkid') ?? ''));
  const rootSource = rootDevice(s.get('mountinfo') ?? '');
  const disks: SourceDisk[] = tree
    .filter((d) => ['disk', 'loop'].includes(String(d.type)) && num(d.size) > 0)
    .map((d) => {
      const parts = (d.children ?? []).map(partition);
      const self = partition({ ...d, children: [] });
      const flags = { lvm: false, raid: false, luks: false };
      let inUse = self.mountpoints.length > 0;
      let holdsRoot = self.mountpoints.includes('/');
      walk(parts, (p) => {
        if (p.type === 'lvm' || p.fstype === 'LVM2_member') flags.lvm = true;
        if (p.type.startsWith('raid') || p.fstype === 'linux_raid_member') flags.raid = true;
        if (p.type === 'crypt' || p.fstype === 'crypto_LUKS') flags.luks = true;
        if (p.mountpoints.length) inUse = true;
        if (p.mountpoints.includes('/')) holdsRoot = true;
      });
      const model = str(d.model);
      const transport = str(d.tran);
      const pt = str(d.pttype);
      return {
        name: self.name,
        path: self.path,
        size: self.size,
        type: String(d.type),
        ...(model ? { model } : {}),
        ...(transport ? { transport } : {}),
        removable: bool(d.rm),
        readOnly: bool(d.ro),
        ...(pt ? { partitionTable: pt } : {}),
        partitions: parts,
        inUse,
        holdsRoot,
        flags,
      };
    });

  const os = osRelease(s.get('osrelease') ?? '');
  const idLines = (s.get('id') ?? '').split('\n').map((l) => l.trim());
  const privilege = idLines[0] === '0' ? 'root' : idLines.includes('sudo-ok') ? 'sudo' : 'none';
  const cpuinfo = s.get('cpuinfo') ?? '';
  const cpuCount = num((s.get('nproc') ?? '').trim()) || (cpuinfo.match(/^processor\s*:/gm) ?? []).length || 1;
  const cpuModel = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim();
  const memKiB = num(/^MemTotal:\s+(\d+)\s*kB/m.exec(s.get('meminfo') ?? '')?.[1]);
  if (!memKiB) problems.push('memory size unknown (no MemTotal in /proc/meminfo)');

  return {
    hostname: (s.get('hostname') ?? '').trim() || 'unknown',
    kernel: (s.get('uname') ?? '').trim(),
    os,
    firmware: (s.get('efi') ?? '').trim() === 'yes' ? 'uefi' : 'bios',
    cpu: { count: cpuCount, ...(cpuModel ? { model: cpuModel } : {}) },
    memoryBytes: memKiB * 1024,
    disks,
    nics: nics(s.get('ipaddr') ?? '', problems),
    lvm: lvm(s.get('lvs') ?? '', s.get('vgs') ?? ''),
    ...(rootSource ? { rootSource } : {}),
    mode: disks.some((d) => d.holdsRoot || d.inUse) ? 'live' : 'rescue',
    privilege,
    problems,
  };
}

function osRelease(text: string): SourceInventory['os'] {
  const kv = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) kv.set(m[1] as string, (m[2] as string).replace(/^(["'])(.*)\1$/, '$2'));
  }
  const id = kv.get('ID');
  const versionId = kv.get('VERSION_ID');
  return { prettyName: kv.get('PRETTY_NAME') ?? kv.get('NAME') ?? 'unknown Linux', ...(id ? { id } : {}), ...(versionId ? { versionId } : {}) };
}

/** The source of the "/" mount in /proc/self/mountinfo. */
function rootDevice(mountinfo: string): string | undefined {
  for (const line of mountinfo.split('\n')) {
    const f = line.split(' ');
    if (f[4] !== '/') continue;
    const dash = f.indexOf('-');
    const source = dash >= 0 ? f[dash + 2] : undefined;
    if (source && source.startsWith('/dev/')) return source;
  }
  return undefined;
}

function nics(json: string, problems: string[]): SourceNic[] {
  let list: { ifname?: string; address?: string; link_type?: string; flags?: string[]; addr_info?: { local?: string; prefixlen?: number }[] }[] = [];
  try {
    list = JSON.parse(json || '[]');
  } catch {
    problems.push('network interfaces unknown (ip -j addr gave no JSON)');
    return [];
  }
  return list
    .filter((n) => n.link_type === 'ether' && n.ifname && n.address)
    .map((n) => ({
      name: n.ifname as string,
      mac: (n.address as string).toLowerCase(),
      addresses: (n.addr_info ?? []).filter((a) => a.local).map((a) => `${a.local}/${a.prefixlen ?? ''}`),
      up: (n.flags ?? []).includes('UP'),
    }));
}

function lvm(lvsJson: string, vgsJson: string): LvmVolume[] {
  type Report<T> = { report?: { lv?: T[]; vg?: T[] }[] };
  try {
    const lvs = ((JSON.parse(lvsJson || '{}') as Report<Record<string, string>>).report?.[0]?.lv ?? []) as Record<string, string>[];
    const vgs = ((JSON.parse(vgsJson || '{}') as Report<Record<string, string>>).report?.[0]?.vg ?? []) as Record<string, string>[];
    const free = new Map(vgs.map((v) => [v.vg_name, num(String(v.vg_free ?? '').replace(/B$/, ''))]));
    return lvs
      .filter((l) => !String(l.lv_attr ?? '').startsWith('s')) // skip existing snapshots
      .map((l) => {
        const size = num(String(l.lv_size ?? '').replace(/B$/, ''));
        return { vg: l.vg_name ?? '', lv: l.lv_name ?? '', path: l.lv_path ?? '', size, snapshotPossible: (free.get(l.vg_name ?? '') ?? 0) >= size * 0.1 && size > 0 };
      });
  } catch {
    return [];
  }
}

/** `blkid -p -o export` per device, after a DEVNAME= line of ours. */
function blkid(text: string): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  let cur: Record<string, string> | undefined;
  for (const line of text.split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (!m) continue;
    if (m[1] === 'DEVNAME') out.set(m[2] as string, (cur = {}));
    else if (cur) cur[m[1] as string] = m[2] as string;
  }
  return out;
}

/** What lsblk left empty (no udev database) and blkid probed. */
function fillFromBlkid(nodes: LsblkNode[], probed: Map<string, Record<string, string>>): void {
  for (const n of nodes) {
    const p = probed.get(n.path ?? `/dev/${n.name ?? ''}`);
    if (p) {
      if (!str(n.fstype) && p.TYPE) n.fstype = p.TYPE;
      if (!str(n.pttype) && p.PTTYPE) n.pttype = p.PTTYPE;
      if (!str(n.label) && p.LABEL) n.label = p.LABEL;
    }
    fillFromBlkid(n.children ?? [], probed);
  }
}
