import type { Disk, Graphics, Nic } from '../model/domain';
import { DOMAIN_STATES, type DomainState } from '../model/domain';
import { toKiB } from './units';
import { attr, buildXml, child, children, num, parseXml, text, type XmlNode } from './xml';

/** Our namespace inside <metadata>: tags and other VirtDeck data live here. */
export const VIRTDECK_NS = 'https://virtdeck.dev/xmlns/domain/1';
export const VIRTDECK_NS_KEY = 'virtdeck';

export interface ParsedDomain {
  uuid: string;
  name: string;
  title?: string;
  description?: string;
  virtType: string;
  arch?: string;
  machine?: string;
  osType?: string;
  boot: string[];
  kernel?: string;
  vcpu: { current: number; max: number };
  topology?: { sockets: number; cores: number; threads: number };
  cpuMode?: string;
  memory: { currentKiB: number; maxKiB: number };
  disks: Disk[];
  nics: Nic[];
  graphics: Graphics[];
  consoles: { type: string; target?: string }[];
  /** A qemu-guest-agent channel is defined (IPs can then come from inside the guest). */
  hasGuestAgent: boolean;
  tags: string[];
}

const memKiB = (n: XmlNode | undefined): number | undefined => {
  const v = num(text(n));
  return v === undefined ? undefined : toKiB(v, attr(n, 'unit') ?? 'KiB');
};

function parseDisk(d: XmlNode): Disk {
  const src = child(d, 'source');
  const type = attr(d, 'type') ?? 'file';
  const source = attr(src, 'file') ?? attr(src, 'dev') ?? attr(src, 'name') ?? attr(src, 'volume') ?? attr(src, 'dir');
  return {
    device: attr(d, 'device') ?? 'disk',
    type,
    target: attr(child(d, 'target'), 'dev') ?? '',
    bus: attr(child(d, 'target'), 'bus'),
    source,
    format: attr(child(d, 'driver'), 'type'),
    readonly: child(d, 'readonly') !== undefined,
    pool: type === 'volume' ? attr(src, 'pool') : undefined,
    volume: type === 'volume' ? attr(src, 'volume') : undefined,
  };
}

function parseNic(i: XmlNode): Nic {
  const src = child(i, 'source');
  return {
    type: attr(i, 'type') ?? 'network',
    mac: attr(child(i, 'mac'), 'address'),
    source: attr(src, 'network') ?? attr(src, 'bridge') ?? attr(src, 'dev'),
    model: attr(child(i, 'model'), 'type'),
    target: attr(child(i, 'target'), 'dev'),
  };
}

function parseGraphics(g: XmlNode): Graphics {
  const listen = children(g, 'listen')[0];
  const port = num(attr(g, 'port'));
  return {
    type: attr(g, 'type') ?? 'vnc',
    // libvirt reports port -1 while an autoport display is not allocated yet.
    port: port !== undefined && port > 0 ? port : undefined,
    autoport: attr(g, 'autoport') === 'yes',
    listen: attr(listen, 'address') ?? attr(g, 'listen'),
    socket: attr(listen, 'socket') ?? attr(g, 'socket'),
    hasPassword: attr(g, 'passwd') !== undefined,
  };
}

/** Finds our element in <metadata> by namespace URI, whatever prefix it was stored with. */
function ourMetadata(metadata: XmlNode | undefined): { node: XmlNode; prefix: string } | undefined {
  if (!metadata) return undefined;
  for (const [key, value] of Object.entries(metadata)) {
    const nodes = Array.isArray(value) ? value : [value];
    for (const n of nodes) {
      if (!n || typeof n !== 'object') continue;
      const prefix = key.includes(':') ? key.slice(0, key.indexOf(':')) : '';
      if (attr(n, prefix ? `xmlns:${prefix}` : 'xmlns') === VIRTDECK_NS) return { node: n as XmlNode, prefix };
    }
  }
  return undefined;
}

export function parseTags(metadata: XmlNode | undefined): string[] {
  const ours = ourMetadata(metadata);
  if (!ours) return [];
  const tag = ours.prefix ? `${ours.prefix}:tag` : 'tag';
  return children(ours.node, tag)
    .map((t) => text(t))
    .filter((t): t is string => !!t && t.trim() !== '');
}

export function parseDomainXml(xml: string): ParsedDomain {
  const root = child(parseXml(xml), 'domain');
  if (!root) throw new Error('not a libvirt domain XML document');
  const os = child(root, 'os');
  const osType = child(os, 'type');
  const vcpuNode = child(root, 'vcpu');
  const vcpuMax = num(text(vcpuNode)) ?? 1;
  const cpu = child(root, 'cpu');
  const topo = child(cpu, 'topology');
  const maxKiB = memKiB(child(root, 'memory')) ?? 0;
  const devices = child(root, 'devices') ?? {};
  return {
    uuid: text(root, 'uuid') ?? '',
    name: text(root, 'name') ?? '',
    title: text(root, 'title'),
    description: text(root, 'description'),
    virtType: attr(root, 'type') ?? 'kvm',
    arch: attr(osType, 'arch'),
    machine: attr(osType, 'machine'),
    osType: text(osType),
    boot: children(os, 'boot').map((b) => attr(b, 'dev') ?? '').filter(Boolean),
    kernel: text(os, 'kernel'),
    vcpu: { current: num(attr(vcpuNode, 'current')) ?? vcpuMax, max: vcpuMax },
    topology: topo
      ? { sockets: num(attr(topo, 'sockets')) ?? 1, cores: num(attr(topo, 'cores')) ?? 1, threads: num(attr(topo, 'threads')) ?? 1 }
      : undefined,
    cpuMode: attr(cpu, 'mode'),
    memory: { currentKiB: memKiB(child(root, 'currentMemory')) ?? maxKiB, maxKiB },
    disks: children(devices, 'disk').map(parseDisk),
    nics: children(devices, 'interface').map(parseNic),
    graphics: children(devices, 'graphics').map(parseGraphics),
    consoles: children(devices, 'console').map((c) => ({ type: attr(c, 'type') ?? 'pty', target: attr(child(c, 'target'), 'type') })),
    hasGuestAgent: children(devices, 'channel').some((c) => attr(child(c, 'target'), 'name') === 'org.qemu.guest_agent.0'),
    tags: parseTags(child(root, 'metadata')),
  };
}

/** The element we hand to SET_METADATA (libvirt adds our prefix and namespace). */
export function buildTagsMetadata(tags: readonly string[]): string {
  const unique = [...new Set(tags.map((t) => t.trim()).filter(Boolean))];
  return buildXml({ tags: { tag: unique } });
}

export const domainStateName = (n: number): DomainState => DOMAIN_STATES[n] ?? 'nostate';
