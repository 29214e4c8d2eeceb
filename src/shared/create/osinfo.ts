import { attr, child, children, parseXmlDoc, type XmlElement } from '../libvirt/dom/index';
import { familyDefaults, type OsProfile } from './os';

// Reads a host's osinfo database (osinfo-db, the data behind libosinfo and
// virt-install) into OS profiles. The core sends the host one script that
// keeps only the lines of os/*.xml we use (OSINFO_KEEP) and gzips them, so a
// whole database is ~40 KB on the wire; this parses those lines per <os>.
// Devices, resources and firmware are inherited along <derives-from>, as
// libosinfo does.

/** Line starts the host keeps (grep -E): each is a one-line element or a container's open/close tag. */
export const OSINFO_KEEP =
  '^[[:space:]]*(<os id=|</os>|<short-id>|<name>|<version>|<vendor>|<family>|<distro>|<derives-from |<release-date>|<eol-date>|<release-status>|' +
  '<resources|</resources>|<minimum>|</minimum>|<recommended>|</recommended>|<n-cpus>|<ram>|<storage>|<devices>|</devices>|<device id=|<firmware |<tree[ >]|</tree>|<kernel>|<initrd>)';

const DEV = {
  virtioBlk: ['http://pcisig.com/pci/1af4/1001', 'http://pcisig.com/pci/1af4/1042'],
  virtioNet: ['http://pcisig.com/pci/1af4/1000', 'http://pcisig.com/pci/1af4/1041'],
  virtioGpu: ['http://pcisig.com/pci/1af4/1050'],
  qxl: ['http://pcisig.com/pci/1b36/0100'],
  q35: ['http://qemu.org/chipset/x86/q35'],
  e1000e: ['http://pcisig.com/pci/8086/10d3'],
  ahci: ['http://pcisig.com/pci/8086/2922'],
};

interface RawOs {
  id: string;
  shortId?: string;
  name?: string;
  vendor?: string;
  version?: string;
  family?: string;
  distro?: string;
  derivesFrom?: string;
  releaseDate?: string;
  eolDate?: string;
  releaseStatus?: string;
  /** Device ids listed, with supported="false" ones as `!id`. */
  devices: string[];
  res?: { minRam?: number; recRam?: number; minStorage?: number; recStorage?: number; minCpus?: number; recCpus?: number };
  efi?: boolean;
  biosUnsupported?: boolean;
  tree?: { kernel: string; initrd: string };
}

const text = (el: XmlElement | undefined) => (el?.textContent ?? '').trim() || undefined;
const numOf = (el: XmlElement | undefined) => {
  const n = Number(text(el));
  return Number.isFinite(n) && n > 0 ? n : undefined;
};

function readOs(os: XmlElement): RawOs | undefined {
  const id = attr(os, 'id');
  if (!id) return undefined;
  const raw: RawOs = {
    id,
    shortId: text(child(os, 'short-id')),
    // The first <name> is the OS's own (variants and media come later).
    name: text(child(os, 'name')),
    vendor: text(child(os, 'vendor')),
    version: text(child(os, 'version')),
    family: text(child(os, 'family')),
    distro: text(child(os, 'distro')),
    derivesFrom: attr(child(os, 'derives-from'), 'id'),
    releaseDate: text(child(os, 'release-date')),
    eolDate: text(child(os, 'eol-date')),
    releaseStatus: text(child(os, 'release-status')),
    devices: children(os, 'devices').flatMap((d) => children(d, 'device').map((x) => (attr(x, 'supported') === 'false' ? `!${attr(x, 'id')}` : (attr(x, 'id') ?? '')))),
  };
  // resources for x86_64 win over arch="all"
  const res = children(os, 'resources').sort((a, b) => Number(attr(b, 'arch') === 'x86_64') - Number(attr(a, 'arch') === 'x86_64'));
  const pick = (kind: 'minimum' | 'recommended', what: string) => {
    for (const r of res) {
      const k = child(r, kind);
      const v = k && numOf(child(k, what));
      if (v !== undefined) return v;
    }
    return undefined;
  };
  if (res.length) {
    raw.res = {
      minRam: pick('minimum', 'ram'),
      recRam: pick('recommended', 'ram'),
      minStorage: pick('minimum', 'storage'),
      recStorage: pick('recommended', 'storage'),
      minCpus: pick('minimum', 'n-cpus'),
      recCpus: pick('recommended', 'n-cpus'),
    };
  }
  for (const fw of children(os, 'firmware')) {
    if (attr(fw, 'arch') !== 'x86_64') continue;
    const unsupported = attr(fw, 'supported') === 'false';
    if (attr(fw, 'type') === 'efi' && !unsupported) raw.efi = true;
    if (attr(fw, 'type') === 'bios' && unsupported) raw.biosUnsupported = true;
  }
  const tree = children(os, 'tree').find((t) => (attr(t, 'arch') ?? 'x86_64') === 'x86_64' && child(t, 'kernel') && child(t, 'initrd'));
  if (tree) raw.tree = { kernel: text(child(tree, 'kernel'))!, initrd: text(child(tree, 'initrd'))! };
  return raw;
}

/** Splits the kept lines into <os> fragments and parses each alone: one odd file never costs the rest. */
export function parseOsinfoLines(textIn: string): RawOs[] {
  const out: RawOs[] = [];
  for (const chunk of textIn.split('</os>')) {
    const at = chunk.indexOf('<os id=');
    if (at < 0) continue;
    try {
      const os = readOs(parseXmlDoc(`${chunk.slice(at)}</os>`).documentElement!);
      if (os) out.push(os);
    } catch {
      // a malformed fragment (an unexpected layout): skipped
    }
  }
  return out;
}

const MiB = (bytes: number | undefined) => (bytes === undefined ? undefined : Math.round(bytes / 1048576));
const GiB = (bytes: number | undefined) => (bytes === undefined ? undefined : Math.round(bytes / 1073741824));

/** OS profiles from a host's osinfo database; `today` decides what is past its end of life. */
export function osProfilesFromOsinfo(textIn: string, today = new Date()): OsProfile[] {
  const raws = parseOsinfoLines(textIn);
  const byId = new Map(raws.map((r) => [r.id, r]));
  const chain = (r: RawOs): RawOs[] => {
    const seen = new Set<string>();
    const out: RawOs[] = [];
    for (let cur: RawOs | undefined = r; cur && !seen.has(cur.id); cur = cur.derivesFrom ? byId.get(cur.derivesFrom) : undefined) {
      seen.add(cur.id);
      out.push(cur);
    }
    return out;
  };
  const iso = today.toISOString().slice(0, 10);
  const profiles: OsProfile[] = [];
  for (const r of raws) {
    if (!r.shortId || !r.name) continue;
    const c = chain(r);
    // The nearest entry that says something wins; a "!id" there hides the id from ancestors.
    const devices = new Set<string>();
    const hidden = new Set<string>();
    for (const x of c) {
      for (const d of x.devices) {
        if (d.startsWith('!')) hidden.add(d.slice(1));
        else if (!hidden.has(d)) devices.add(d);
      }
    }
    const has = (ids: string[]) => ids.some((i) => devices.has(i));
    const res = c.find((x) => x.res)?.res;
    const family: OsProfile['family'] = r.family === 'winnt' || r.family === 'win9x' || r.family === 'msdos' ? 'windows' : /bsd/i.test(r.family ?? '') ? 'bsd' : r.family === 'linux' ? 'linux' : 'other';
    const base = familyDefaults(family === 'windows' ? 'windows' : has(DEV.virtioBlk) ? 'linux' : 'other');
    const virtio = family !== 'windows' && has(DEV.virtioBlk);
    const modern = (r.releaseDate ?? '9999') >= '2009';
    const uefiOnly = c.some((x) => x.biosUnsupported);
    const minMemoryMiB = MiB(res?.minRam) ?? base.minMemoryMiB;
    const minDiskGiB = GiB(res?.minStorage) ?? base.minDiskGiB;
    profiles.push({
      id: r.shortId,
      name: r.name,
      family,
      ...(r.vendor ? { vendor: r.vendor } : {}),
      ...(r.version ? { version: r.version } : {}),
      osinfoId: r.id,
      ...(r.releaseDate ? { releaseDate: r.releaseDate } : {}),
      eol: !!r.eolDate && r.eolDate < iso,
      machine: has(DEV.q35) || ((virtio || family === 'windows') && modern) ? 'q35' : 'pc',
      // EFI support is a capability, not a preference: BIOS stays the default unless the OS cannot boot with it.
      firmware: uefiOnly ? 'uefi' : 'bios',
      uefiOnly,
      tpm: /^win11|^win2k25/.test(r.shortId),
      virtio,
      diskBus: virtio ? 'virtio' : family === 'windows' || has(DEV.ahci) ? 'sata' : base.diskBus,
      nicModel: has(DEV.virtioNet) && family !== 'windows' ? 'virtio' : has(DEV.e1000e) || family === 'windows' ? 'e1000e' : base.nicModel,
      video: has(DEV.virtioGpu) && family !== 'windows' ? 'virtio' : has(DEV.qxl) ? 'qxl' : base.video,
      clock: family === 'windows' ? 'localtime' : 'utc',
      hyperv: family === 'windows',
      vcpus: Math.max(1, res?.recCpus ?? res?.minCpus ?? base.vcpus),
      minMemoryMiB,
      memoryMiB: Math.max(minMemoryMiB, MiB(res?.recRam) ?? base.memoryMiB),
      minDiskGiB,
      diskGiB: Math.max(minDiskGiB, GiB(res?.recStorage) ?? base.diskGiB),
      ...(r.tree ? { tree: r.tree } : {}),
      source: 'osinfo',
    });
  }
  return profiles.sort(compareOs);
}

/** Families first (Linux, Windows, BSD, other), then by name with newer versions first. */
export function compareOs(a: OsProfile, b: OsProfile): number {
  const rank = { linux: 0, windows: 1, bsd: 2, other: 3 } as const;
  return rank[a.family] - rank[b.family] || (a.vendor ?? '').localeCompare(b.vendor ?? '') || b.name.localeCompare(a.name, undefined, { numeric: true });
}
