import { HOST_METRICS, VM_METRICS, type HostMetric, type VmMetric } from '../../shared/model/metrics';
import type { TypedParamScalar } from '../libvirt/rpc/types';
import type { VmCgroupFiles } from './cgroups';
import { counterDelta, cpuPercent, hostCpuPercent, parseProcStatCpu, rate, type CpuTimes } from './counters';
import type { VcpuThread } from './discovery';
import { firstNumber, keyedNumbers, type RawTick, type WorkItem } from './sampler-protocol';

// Pure glue between what the host answered and metric rows: which files a VM
// needs, what the numbers in them mean, and rates between two readings.
// Per-second figures come from the kernel (cgroup, /proc, /proc/net/dev);
// libvirt's GET_ALL_DOMAIN_STATS only adds what the kernel cannot say (the
// guest's own view of each disk, vCPU count) at a low rate, and stands in for
// a kernel source this host or user can't give us.

export interface VmSources {
  slot: number;
  files: VmCgroupFiles;
  /** Host-side tap devices from the live XML (<interface><target dev=...>). */
  taps: string[];
  /** The QEMU process (libvirt's pidfile). */
  pid?: number;
  /** /proc/<pid>/io is readable by this SSH user. */
  ioReadable?: boolean;
  vcpuThreads?: VcpuThread[];
}

export const HOST_ITEMS: WorkItem[] = [
  { tag: 'hs', kind: 1, path: '/proc/stat' },
  // MemTotal, MemFree, MemAvailable, Buffers, Cached: the first five lines since Linux 3.14.
  { tag: 'hm', kind: 5, path: '/proc/meminfo' },
  { tag: 'hl', kind: 1, path: '/proc/loadavg' },
];

export function vmItems(s: VmSources): WorkItem[] {
  const items: WorkItem[] = [];
  if (s.files.cpu) items.push({ tag: `${s.slot}c`, kind: 1, path: s.files.cpu.path });
  // v1 memory.stat opens with cache and rss; v2 with anon and file.
  if (s.files.memory) items.push({ tag: `${s.slot}m`, kind: 2, path: s.files.memory.stat });
  if (s.files.memory?.version === 2) items.push({ tag: `${s.slot}M`, kind: 1, path: s.files.memory.current });
  // Lines 5-6 are read_bytes and write_bytes (the order is fixed since Linux 2.6.20).
  if (s.pid !== undefined && s.ioReadable) items.push({ tag: `${s.slot}i`, kind: '5-6', path: `/proc/${s.pid}/io` });
  for (const t of s.vcpuThreads ?? []) {
    // First field: time on CPU in ns (sum_exec_runtime), exact where /proc/<pid>/stat counts 10 ms ticks.
    if (s.pid !== undefined) items.push({ tag: `${s.slot}v${t.vcpu}`, kind: 1, path: `/proc/${s.pid}/task/${t.tid}/schedstat` });
  }
  // A device name, looked up in /proc/net/dev (read once per tick for every tap).
  s.taps.forEach((dev, i) => items.push({ tag: `${s.slot}n${i}`, kind: 'n', path: dev }));
  return items;
}

/** Guest's view of one NIC (the host's tap counters swapped). */
export interface NetCounters {
  dev: string;
  rxBytes: number;
  txBytes: number;
  rxPackets: number;
  txPackets: number;
}

/** libvirt's view of one guest disk (QEMU's block layer as the guest sees it). */
export interface BlockCounters {
  dev: string;
  rdBytes: number;
  wrBytes: number;
  rdReqs: number;
  wrReqs: number;
}

/** Cumulative counters and gauges of one VM at one instant. */
export interface VmRaw {
  cpuNs?: number;
  vcpuNs?: number;
  /** Per vCPU, for the Prometheus export. */
  vcpuEachNs?: { vcpu: number; ns: number }[];
  vcpus?: number;
  mem?: number;
  memRss?: number;
  memCache?: number;
  /** Bytes read/written by the VM's QEMU at the host's block layer (/proc/<pid>/io), or libvirt's guest numbers as fallback. */
  diskRd?: number;
  diskWr?: number;
  /** Where diskRd/diskWr came from. */
  diskSource?: 'host' | 'guest';
  /** Guest disk requests (libvirt); present only in ticks that carried libvirt stats. */
  diskRdOps?: number;
  diskWrOps?: number;
  blocks?: BlockCounters[];
  netRx?: number;
  netTx?: number;
  netRxPkts?: number;
  netTxPkts?: number;
  nets?: NetCounters[];
}

const num = (v: TypedParamScalar | undefined): number | undefined => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined);

/** Reads a VM's kernel counters from one sampler tick. */
export function kernelRaw(s: VmSources, tick: RawTick): VmRaw {
  const raw: VmRaw = {};
  const cpu = firstNumber(tick.items.get(`${s.slot}c`));
  if (cpu !== undefined && s.files.cpu) raw.cpuNs = s.files.cpu.unit === 'ns' ? cpu : cpu * 1000;
  const mstat = keyedNumbers(tick.items.get(`${s.slot}m`));
  if (s.files.memory?.version === 1 && mstat.size) {
    // Kernel docs (cgroup-v1/memory.rst 5.5): usage_in_bytes is fuzzy; rss + cache is exact.
    raw.memRss = mstat.get('rss');
    raw.memCache = mstat.get('cache');
    if (raw.memRss !== undefined && raw.memCache !== undefined) raw.mem = raw.memRss + raw.memCache;
  } else if (s.files.memory?.version === 2) {
    raw.memRss = mstat.get('anon');
    raw.memCache = mstat.get('file');
    raw.mem = firstNumber(tick.items.get(`${s.slot}M`));
  }
  const io = keyedNumbers(tick.items.get(`${s.slot}i`));
  if (io.has('read_bytes') && io.has('write_bytes')) {
    raw.diskRd = io.get('read_bytes');
    raw.diskWr = io.get('write_bytes');
    raw.diskSource = 'host';
  }
  const threads = s.vcpuThreads ?? [];
  if (threads.length) {
    const each = threads.map((t) => ({ vcpu: t.vcpu, ns: firstNumber(tick.items.get(`${s.slot}v${t.vcpu}`)) }));
    // All or nothing: a sum missing a thread would read as a drop, then a spike.
    if (each.every((e) => e.ns !== undefined)) {
      raw.vcpuEachNs = each as { vcpu: number; ns: number }[];
      raw.vcpuNs = raw.vcpuEachNs.reduce((a, e) => a + e.ns, 0);
    }
  }
  const nets: NetCounters[] = [];
  s.taps.forEach((dev, i) => {
    const f = tick.items.get(`${s.slot}n${i}`)?.[0]?.split(' ');
    if (!f || f[0] !== 'n') return;
    const [rxB, txB, rxP, txP] = f.slice(1, 5).map(Number);
    if ([rxB, txB, rxP, txP].some((x) => x === undefined || !Number.isFinite(x))) return;
    // The host's tap transmits what the guest receives: swap to the guest's view.
    nets.push({ dev, rxBytes: txB!, txBytes: rxB!, rxPackets: txP!, txPackets: rxP! });
  });
  if (nets.length) {
    raw.nets = nets;
    raw.netRx = nets.reduce((a, n) => a + n.rxBytes, 0);
    raw.netTx = nets.reduce((a, n) => a + n.txBytes, 0);
    raw.netRxPkts = nets.reduce((a, n) => a + n.rxPackets, 0);
    raw.netTxPkts = nets.reduce((a, n) => a + n.txPackets, 0);
  }
  return raw;
}

/** What one GET_ALL_DOMAIN_STATS record says about a VM. */
export function libvirtRaw(stats: Record<string, TypedParamScalar>): VmRaw {
  const raw: VmRaw = {};
  raw.vcpus = num(stats['vcpu.current']);
  const maxVcpu = num(stats['vcpu.maximum']) ?? 0;
  const each: { vcpu: number; ns: number }[] = [];
  for (let i = 0; i < maxVcpu; i++) {
    const t = num(stats[`vcpu.${i}.time`]);
    if (t !== undefined) each.push({ vcpu: i, ns: t });
  }
  if (each.length) {
    raw.vcpuEachNs = each;
    raw.vcpuNs = each.reduce((a, e) => a + e.ns, 0);
  }
  const nBlocks = num(stats['block.count']);
  if (nBlocks !== undefined) {
    const blocks: BlockCounters[] = [];
    for (let i = 0; i < nBlocks; i++) {
      const dev = stats[`block.${i}.name`];
      const f = (k: string) => num(stats[`block.${i}.${k}`]) ?? 0;
      if (typeof dev === 'string') blocks.push({ dev, rdBytes: f('rd.bytes'), wrBytes: f('wr.bytes'), rdReqs: f('rd.reqs'), wrReqs: f('wr.reqs') });
    }
    raw.blocks = blocks;
    raw.diskRdOps = blocks.reduce((a, b) => a + b.rdReqs, 0);
    raw.diskWrOps = blocks.reduce((a, b) => a + b.wrReqs, 0);
    raw.diskRd = blocks.reduce((a, b) => a + b.rdBytes, 0);
    raw.diskWr = blocks.reduce((a, b) => a + b.wrBytes, 0);
  }
  raw.cpuNs = num(stats['cpu.time']);
  const rssKiB = num(stats['balloon.rss']);
  if (rssKiB !== undefined) raw.mem = rssKiB * 1024;
  return raw;
}

/**
 * The kernel's numbers, with libvirt's (when this tick carried them) filling
 * what the kernel could not give and adding the guest-side disk view.
 */
export function mergeRaw(kernel: VmRaw, lv: VmRaw | undefined): VmRaw {
  if (!lv) return kernel;
  const out: VmRaw = { ...kernel, vcpus: lv.vcpus, blocks: lv.blocks, diskRdOps: lv.diskRdOps, diskWrOps: lv.diskWrOps };
  if (out.cpuNs === undefined) out.cpuNs = lv.cpuNs;
  if (out.vcpuNs === undefined && lv.vcpuNs !== undefined) {
    out.vcpuNs = lv.vcpuNs;
    out.vcpuEachNs = lv.vcpuEachNs;
  }
  if (out.mem === undefined) out.mem = lv.mem;
  if (out.diskRd === undefined && lv.diskRd !== undefined) {
    out.diskRd = lv.diskRd;
    out.diskWr = lv.diskWr;
    out.diskSource = 'guest';
  }
  return out;
}

/** The VM needs libvirt's numbers every tick: some kernel source is out of reach (no cgroup, no threads, /proc/<pid>/io not readable). */
export const needsLibvirtEachTick = (s: VmSources): boolean => !s.files.cpu || !s.files.memory || !s.ioReadable || !s.vcpuThreads?.length;

const idx = <M extends string>(list: readonly M[]) => Object.fromEntries(list.map((m, i) => [m, i])) as Record<M, number>;
const VI = idx<VmMetric>(VM_METRICS);
const HI = idx<HostMetric>(HOST_METRICS);

/** A reading and the host uptime it was taken at. */
export interface Reading<R> {
  raw: R;
  uptime: number;
}

/**
 * One row in VM_METRICS order. Kernel counters are rated against the previous
 * tick; disk requests (libvirt, low rate) against the last tick that carried
 * libvirt's numbers.
 */
export function vmValues(prev: Reading<VmRaw> | undefined, prevOps: Reading<VmRaw> | undefined, cur: Reading<VmRaw>, vcpus: number): (number | null)[] {
  const v: (number | null)[] = new Array<number | null>(VM_METRICS.length).fill(null);
  const dt = prev ? cur.uptime - prev.uptime : 0;
  const p = dt > 0 ? prev?.raw : undefined;
  const c = cur.raw;
  v[VI.cpu] = cpuPercent(p?.cpuNs, c.cpuNs, dt, vcpus);
  v[VI.vcpu] = cpuPercent(p?.vcpuNs, c.vcpuNs, dt, vcpus);
  v[VI.mem] = c.mem ?? null;
  v[VI.memRss] = c.memRss ?? null;
  v[VI.memCache] = c.memCache ?? null;
  // Disk bytes from two different sources (host block layer vs libvirt) never make a rate.
  if (p?.diskSource === c.diskSource) {
    v[VI.diskRd] = rate(p?.diskRd, c.diskRd, dt);
    v[VI.diskWr] = rate(p?.diskWr, c.diskWr, dt);
  }
  for (const k of ['netRx', 'netTx', 'netRxPkts', 'netTxPkts'] as const) v[VI[k]] = rate(p?.[k], c[k], dt);
  if (c.diskRdOps !== undefined && prevOps && cur.uptime > prevOps.uptime) {
    const odt = cur.uptime - prevOps.uptime;
    v[VI.diskRdOps] = rate(prevOps.raw.diskRdOps, c.diskRdOps, odt);
    v[VI.diskWrOps] = rate(prevOps.raw.diskWrOps, c.diskWrOps, odt);
  }
  return v;
}

export interface HostRaw {
  cpu?: CpuTimes;
  memTotal?: number;
  memAvailable?: number;
  memCache?: number;
  load?: number[];
}

export function hostRaw(tick: RawTick): HostRaw {
  const mi = keyedNumbers(tick.items.get('hm'));
  const kib = (k: string) => (mi.has(k) ? mi.get(k)! * 1024 : undefined);
  const load = (tick.items.get('hl')?.[0] ?? '').split(' ').slice(0, 3).map(Number);
  const buffers = kib('Buffers');
  const cached = kib('Cached');
  return {
    cpu: parseProcStatCpu(tick.items.get('hs')?.[0]),
    memTotal: kib('MemTotal'),
    memAvailable: kib('MemAvailable') ?? kib('MemFree'),
    memCache: buffers !== undefined && cached !== undefined ? buffers + cached : undefined,
    load: load.length === 3 && load.every(Number.isFinite) ? load : undefined,
  };
}

export function hostValues(prev: HostRaw | undefined, cur: HostRaw): (number | null)[] {
  const v: (number | null)[] = new Array<number | null>(HOST_METRICS.length).fill(null);
  const { cpu, iowait } = hostCpuPercent(prev?.cpu, cur.cpu);
  v[HI.cpu] = cpu;
  v[HI.iowait] = iowait;
  v[HI.mem] = cur.memTotal !== undefined && cur.memAvailable !== undefined ? cur.memTotal - cur.memAvailable : null;
  v[HI.memTotal] = cur.memTotal ?? null;
  v[HI.memCache] = cur.memCache ?? null;
  v[HI.load1] = cur.load?.[0] ?? null;
  v[HI.load5] = cur.load?.[1] ?? null;
  v[HI.load15] = cur.load?.[2] ?? null;
  return v;
}

export { counterDelta };
