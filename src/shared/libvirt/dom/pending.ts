import type { Section, VmConfig } from '../../model/vm-settings';
import { formatKiB } from '../units';

// "Pending until restart": what the persistent definition says differs from
// what runs now. Comparing the two definitions (rather than remembering what
// we changed) also catches changes made by virsh or another tool.

type Diff = string[];

const show = (v: unknown): string => (v === undefined || v === '' ? 'none' : typeof v === 'object' ? JSON.stringify(v) : String(v));

function field(out: Diff, label: string, next: unknown, now: unknown, fmt: (v: unknown) => string = show): void {
  if (JSON.stringify(next ?? null) !== JSON.stringify(now ?? null)) out.push(`${label}: ${fmt(next)} at next boot (now ${fmt(now)})`);
}

const kib = (v: unknown) => (typeof v === 'number' ? formatKiB(v) : 'none');

function cpu(c: VmConfig['cpu'], l: VmConfig['cpu']): Diff {
  const d: Diff = [];
  field(d, 'vCPUs', c.vcpus, l.vcpus);
  field(d, 'Maximum vCPUs', c.maxVcpus, l.maxVcpus);
  // A running host-model CPU is expanded to a custom model in the live XML: that is not a change.
  if (!(c.mode === 'host-model' && l.mode === 'custom')) {
    field(d, 'CPU mode', c.mode, l.mode);
    if (c.mode === 'custom') field(d, 'CPU model', c.model, l.model);
  }
  field(d, 'Topology', c.topology && `${c.topology.sockets}×${c.topology.cores}×${c.topology.threads}`, l.topology && `${l.topology.sockets}×${l.topology.cores}×${l.topology.threads}`);
  field(d, 'vCPU pinning', c.pins.map((p) => `${p.vcpu}:${p.cpuset}`).join(' '), l.pins.map((p) => `${p.vcpu}:${p.cpuset}`).join(' '));
  field(d, 'Emulator pinning', c.emulatorPin, l.emulatorPin);
  field(d, 'CPU shares', c.shares, l.shares);
  field(d, 'CPU period', c.period, l.period);
  field(d, 'CPU quota', c.quota, l.quota);
  return d;
}

function memory(c: VmConfig['memory'], l: VmConfig['memory']): Diff {
  const d: Diff = [];
  field(d, 'Maximum memory', c.maxKiB, l.maxKiB, kib);
  field(d, 'Memory', c.currentKiB, l.currentKiB, kib);
  field(d, 'Hard limit', c.hardLimitKiB, l.hardLimitKiB, kib);
  field(d, 'Soft limit', c.softLimitKiB, l.softLimitKiB, kib);
  field(d, 'Swap hard limit', c.swapHardLimitKiB, l.swapHardLimitKiB, kib);
  field(d, 'NUMA memory', c.numa && `${c.numa.mode} ${c.numa.nodeset}`, l.numa && `${l.numa.mode} ${l.numa.nodeset}`);
  return d;
}

function boot(c: VmConfig['boot'], l: VmConfig['boot']): Diff {
  const d: Diff = [];
  field(d, 'Boot order', c.order.map((b) => b.key).join(', ') || c.legacy.join(', '), l.order.map((b) => b.key).join(', ') || l.legacy.join(', '));
  field(d, 'Boot menu', c.menu ? 'on' : 'off', l.menu ? 'on' : 'off');
  field(d, 'Firmware', c.firmware, l.firmware);
  field(d, 'Kernel', c.kernel, l.kernel);
  field(d, 'Initrd', c.initrd, l.initrd);
  field(d, 'Kernel arguments', c.cmdline, l.cmdline);
  return d;
}

function disks(c: VmConfig['disks'], l: VmConfig['disks']): Diff {
  const d: Diff = [];
  const live = new Map(l.map((x) => [x.target, x]));
  for (const x of c) {
    const y = live.get(x.target);
    if (!y) {
      d.push(`Disk ${x.target}: added at next boot`);
      continue;
    }
    live.delete(x.target);
    field(d, `Disk ${x.target} bus`, x.bus, y.bus);
    field(d, `Disk ${x.target} source`, x.source, y.source);
    field(d, `Disk ${x.target} cache`, x.cache, y.cache);
    field(d, `Disk ${x.target} I/O mode`, x.io, y.io);
    field(d, `Disk ${x.target} discard`, x.discard, y.discard);
    field(d, `Disk ${x.target} I/O limits`, x.iotune, y.iotune);
  }
  for (const y of live.values()) d.push(`Disk ${y.target}: removed at next boot`);
  return d;
}

function nics(c: VmConfig['nics'], l: VmConfig['nics']): Diff {
  const d: Diff = [];
  const live = new Map(l.map((x) => [x.mac, x]));
  for (const x of c) {
    const y = live.get(x.mac);
    if (!y) {
      d.push(`NIC ${x.mac}: added at next boot`);
      continue;
    }
    live.delete(x.mac);
    field(d, `NIC ${x.mac} model`, x.model, y.model);
    field(d, `NIC ${x.mac} source`, x.source, y.source);
    field(d, `NIC ${x.mac} link`, x.linkUp ? 'up' : 'down', y.linkUp ? 'up' : 'down');
    field(d, `NIC ${x.mac} bandwidth`, { in: x.inbound, out: x.outbound }, { in: y.inbound, out: y.outbound });
  }
  for (const y of live.values()) d.push(`NIC ${y.mac}: removed at next boot`);
  return d;
}

function display(c: VmConfig['display'], l: VmConfig['display']): Diff {
  const d: Diff = [];
  c.graphics.forEach((g, i) => {
    const h = l.graphics[i];
    if (!h) return d.push(`${g.type.toUpperCase()} display: added at next boot`);
    field(d, `${g.type.toUpperCase()} listen address`, g.listen, h.listen);
    field(d, `${g.type.toUpperCase()} password`, g.hasPassword ? 'set' : 'none', h.hasPassword ? 'set' : 'none');
  });
  if (l.graphics.length > c.graphics.length) d.push('A graphical display is removed at next boot');
  field(d, 'Video model', c.video.map((v) => v.model).join(', '), l.video.map((v) => v.model).join(', '));
  field(d, 'Serial ports', c.chars.filter((x) => x.kind === 'serial').length, l.chars.filter((x) => x.kind === 'serial').length);
  return d;
}

/** Per section, what waits for the next boot (empty lists when config and live agree). */
export function pendingChanges(config: VmConfig, live: VmConfig | undefined): Record<Section, string[]> {
  if (!live) return { cpu: [], memory: [], boot: [], disks: [], nics: [], display: [] };
  return {
    cpu: cpu(config.cpu, live.cpu),
    memory: memory(config.memory, live.memory),
    boot: boot(config.boot, live.boot),
    disks: disks(config.disks, live.disks),
    nics: nics(config.nics, live.nics),
    display: display(config.display, live.display),
  };
}
