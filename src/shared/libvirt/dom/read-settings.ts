import type { BootDevice, CpuConfig, DiskConfig, DisplayConfig, IoTune, MemoryConfig, NicConfig, VmConfig } from '../../model/vm-settings';
import { IOTUNE_KEYS } from '../../model/vm-settings';
import { toKiB } from '../units';
import { attr, child, children, domainRoot, path, textOf, type XmlDocument, type XmlElement } from './xml-dom';

// Reads the settings pages' model from a parsed definition. Pure; the same
// code reads the persistent and the live XML, so comparing them is exact.

const int = (s: string | undefined): number | undefined => {
  if (s === undefined || s.trim() === '') return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? Math.trunc(n) : undefined;
};

export const memKiB = (el: XmlElement | undefined): number | undefined => {
  const v = int(textOf(el));
  return v === undefined ? undefined : toKiB(v, attr(el, 'unit') ?? 'KiB');
};

function readCpu(root: XmlElement): CpuConfig {
  const vcpu = child(root, 'vcpu');
  const max = int(textOf(vcpu)) ?? 1;
  const cpu = child(root, 'cpu');
  const topo = cpu && child(cpu, 'topology');
  const tune = child(root, 'cputune');
  const mode = attr(cpu, 'mode') ?? (cpu && child(cpu, 'model') ? 'custom' : 'default');
  return {
    vcpus: int(attr(vcpu, 'current')) ?? max,
    maxVcpus: max,
    mode: (['host-passthrough', 'host-model', 'custom', 'maximum'].includes(mode) ? mode : 'default') as CpuConfig['mode'],
    model: textOf(cpu && child(cpu, 'model'))?.trim() || undefined,
    topology: topo
      ? { sockets: int(attr(topo, 'sockets')) ?? 1, cores: int(attr(topo, 'cores')) ?? 1, threads: int(attr(topo, 'threads')) ?? 1 }
      : undefined,
    pins: tune
      ? children(tune, 'vcpupin').map((p) => ({ vcpu: int(attr(p, 'vcpu')) ?? 0, cpuset: attr(p, 'cpuset') ?? '' })).filter((p) => p.cpuset)
      : [],
    emulatorPin: attr(tune && child(tune, 'emulatorpin'), 'cpuset'),
    shares: int(textOf(tune && child(tune, 'shares'))),
    period: int(textOf(tune && child(tune, 'period'))),
    quota: int(textOf(tune && child(tune, 'quota'))),
  };
}

function readMemory(root: XmlElement): MemoryConfig {
  const maxKiB = memKiB(child(root, 'memory')) ?? 0;
  const tune = child(root, 'memtune');
  const numaMem = path(root, 'numatune', 'memory');
  const balloon = path(root, 'devices', 'memballoon');
  return {
    maxKiB,
    currentKiB: memKiB(child(root, 'currentMemory')) ?? maxKiB,
    hardLimitKiB: memKiB(tune && child(tune, 'hard_limit')),
    softLimitKiB: memKiB(tune && child(tune, 'soft_limit')),
    swapHardLimitKiB: memKiB(tune && child(tune, 'swap_hard_limit')),
    numa: numaMem && attr(numaMem, 'nodeset') ? { mode: (attr(numaMem, 'mode') ?? 'strict') as 'strict', nodeset: attr(numaMem, 'nodeset')! } : undefined,
    balloon: !!balloon && attr(balloon, 'model') !== 'none',
  };
}

/** Disks and NICs that carry a per-device <boot order>, sorted. */
function bootOrder(disks: DiskConfig[], nics: NicConfig[]): BootDevice[] {
  const list: Array<BootDevice & { n: number }> = [
    ...disks.filter((d) => d.bootOrder !== undefined).map((d) => ({ kind: 'disk' as const, key: d.target, label: `${d.device} ${d.target}`, n: d.bootOrder! })),
    ...nics.filter((x) => x.bootOrder !== undefined).map((x) => ({ kind: 'nic' as const, key: x.mac, label: `NIC ${x.mac}`, n: x.bootOrder! })),
  ];
  return list.sort((a, b) => a.n - b.n).map(({ kind, key, label }) => ({ kind, key, label }));
}

function readIoTune(el: XmlElement | undefined): IoTune {
  const out: IoTune = {};
  if (!el) return out;
  for (const k of IOTUNE_KEYS) {
    const v = int(textOf(child(el, k)));
    if (v !== undefined && v > 0) out[k] = v;
  }
  return out;
}

export function readDisk(d: XmlElement): DiskConfig {
  const src = child(d, 'source');
  const drv = child(d, 'driver');
  const type = attr(d, 'type') ?? 'file';
  return {
    target: attr(child(d, 'target'), 'dev') ?? '',
    bus: attr(child(d, 'target'), 'bus'),
    device: attr(d, 'device') ?? 'disk',
    type,
    source: attr(src, 'file') ?? attr(src, 'dev') ?? attr(src, 'dir') ?? attr(src, 'name') ?? (type === 'volume' ? `${attr(src, 'pool') ?? ''}/${attr(src, 'volume') ?? ''}` : undefined),
    pool: type === 'volume' ? attr(src, 'pool') : undefined,
    volume: type === 'volume' ? attr(src, 'volume') : undefined,
    format: attr(drv, 'type'),
    cache: attr(drv, 'cache'),
    io: attr(drv, 'io'),
    discard: attr(drv, 'discard'),
    readonly: !!child(d, 'readonly'),
    bootOrder: int(attr(child(d, 'boot'), 'order')),
    iotune: readIoTune(child(d, 'iotune')),
    alias: attr(child(d, 'alias'), 'name'),
  };
}

const bw = (el: XmlElement | undefined) => {
  const average = int(attr(el, 'average'));
  return el && average ? { average, peak: int(attr(el, 'peak')), burst: int(attr(el, 'burst')) } : undefined;
};

export function readNic(i: XmlElement): NicConfig {
  const src = child(i, 'source');
  const band = child(i, 'bandwidth');
  return {
    mac: (attr(child(i, 'mac'), 'address') ?? '').toLowerCase(),
    type: attr(i, 'type') ?? 'network',
    source: attr(src, 'network') ?? attr(src, 'bridge') ?? attr(src, 'dev'),
    model: attr(child(i, 'model'), 'type'),
    linkUp: attr(child(i, 'link'), 'state') !== 'down',
    inbound: bw(band && child(band, 'inbound')),
    outbound: bw(band && child(band, 'outbound')),
    bootOrder: int(attr(child(i, 'boot'), 'order')),
    hostDev: attr(child(i, 'target'), 'dev'),
    alias: attr(child(i, 'alias'), 'name'),
  };
}

function readDisplay(devices: XmlElement | undefined): DisplayConfig {
  if (!devices) return { graphics: [], video: [], chars: [] };
  return {
    graphics: children(devices, 'graphics').map((g) => {
      const listen = child(g, 'listen');
      const port = int(attr(g, 'port'));
      return {
        type: attr(g, 'type') ?? 'vnc',
        listen: attr(listen, 'address') ?? attr(g, 'listen') ?? (attr(listen, 'type') === 'socket' ? 'socket' : undefined),
        autoport: attr(g, 'autoport') === 'yes',
        port: port !== undefined && port > 0 ? port : undefined,
        hasPassword: attr(g, 'passwd') !== undefined,
      };
    }),
    video: children(devices, 'video').map((v) => ({ model: attr(child(v, 'model'), 'type') ?? 'default' })),
    chars: [
      ...children(devices, 'serial').map((s) => ({ kind: 'serial' as const, type: attr(s, 'type') ?? 'pty', port: int(attr(child(s, 'target'), 'port')) })),
      ...children(devices, 'console').map((s) => ({
        kind: 'console' as const,
        type: attr(s, 'type') ?? 'pty',
        port: int(attr(child(s, 'target'), 'port')),
        targetType: attr(child(s, 'target'), 'type'),
      })),
    ],
  };
}

export function readConfig(doc: XmlDocument): VmConfig {
  const root = domainRoot(doc);
  const os = child(root, 'os');
  const osType = os && child(os, 'type');
  const devices = child(root, 'devices');
  const disks = devices ? children(devices, 'disk').map(readDisk) : [];
  const nics = devices ? children(devices, 'interface').map(readNic) : [];
  const loader = os && child(os, 'loader');
  const uefi = attr(os, 'firmware') === 'efi' || attr(loader, 'type') === 'pflash' || /ovmf|edk2|efi/i.test(textOf(loader) ?? '');
  const menu = os && child(os, 'bootmenu');
  return {
    name: textOf(child(root, 'name')) ?? '',
    uuid: textOf(child(root, 'uuid')) ?? '',
    virtType: attr(root, 'type') ?? 'kvm',
    arch: attr(osType, 'arch'),
    machine: attr(osType, 'machine'),
    cpu: readCpu(root),
    memory: readMemory(root),
    boot: {
      order: bootOrder(disks, nics),
      legacy: os ? children(os, 'boot').map((b) => attr(b, 'dev') ?? '').filter(Boolean) : [],
      menu: attr(menu, 'enable') === 'yes',
      menuTimeoutMs: int(attr(menu, 'timeout')),
      firmware: uefi ? 'uefi' : 'bios',
      pflash: attr(loader, 'type') === 'pflash',
      secureBoot: attr(loader, 'secure') === 'yes' ? true : undefined,
      kernel: textOf(os && child(os, 'kernel')),
      initrd: textOf(os && child(os, 'initrd')),
      cmdline: textOf(os && child(os, 'cmdline')),
    },
    disks,
    nics,
    display: readDisplay(devices),
  };
}
