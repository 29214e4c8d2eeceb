import { HOST_METRICS, VM_METRICS, type HostMetric, type VmMetric } from '../../shared/model/metrics';
import type { TypedParamScalar } from '../libvirt/rpc/types';
import type { VmCgroupFiles } from './cgroups';
import { counterDelta, cpuPercent, hostCpuPercent, parseProcStatCpu, rate, type CpuTimes } from './counters';
import { firstNumber, keyedNumbers, type RawTick, type WorkItem } from './sampler-protocol';

// Pure glue between what the host answered and metric rows: which files a VM
// needs, what the numbers in them mean, and rates between two readings.

export interface VmSources {
  slot: number;
  files: VmCgroupFiles;
  /** Host-side tap devices from the live XML (<interface><target dev=...>). */
  taps: string[];
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
  s.taps.forEach((dev, i) => {
    // Interface names can't hold '/', so the path can't leave /sys/class/net.
    if (dev && !dev.includes('/') && dev !== '.' && dev !== '..') items.push({ tag: `${s.slot}n${i}`, kind: 'n', path: `/sys/class/net/${dev}/statistics` });
  });
  return items;
}

/** Cumulative counters and gauges of one VM at one instant (guest's view for network). */
export interface VmRaw {
  cpuNs?: number;
  vcpuNs?: number;
  vcpus?: number;
  mem?: number;
  memRss?: number;
  memCache?: number;
  diskRd?: number;
  diskWr?: number;
  diskRdOps?: number;
  diskWrOps?: number;
  netRx?: number;
  netTx?: number;
  netRxPkts?: number;
  netTxPkts?: number;
}

const num = (v: TypedParamScalar | undefined): number | undefined => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined);

function sumIndexed(stats: Record<string, TypedParamScalar>, prefix: string, countKey: string, field: string): number | undefined {
  const n = num(stats[countKey]);
  if (n === undefined) return undefined;
  let sum = 0;
  let seen = false;
  for (let i = 0; i < n; i++) {
    const v = num(stats[`${prefix}.${i}.${field}`]);
    if (v !== undefined) {
      sum += v;
      seen = true;
    }
  }
  return seen ? sum : n === 0 ? 0 : undefined;
}

/** Reads a VM's counters from a sampler tick and (optionally) its GET_ALL_DOMAIN_STATS record. */
export function vmRaw(s: VmSources, tick: RawTick, stats: Record<string, TypedParamScalar> | undefined): VmRaw {
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
  let seenNet = false;
  const net = [0, 0, 0, 0];
  s.taps.forEach((_, i) => {
    const f = tick.items.get(`${s.slot}n${i}`)?.[0]?.split(' ');
    if (!f || f[0] !== 'n') return;
    // The host's tap transmits what the guest receives: swap to the guest's view.
    const [rxB, txB, rxP, txP] = f.slice(1, 5).map(Number);
    if ([rxB, txB, rxP, txP].some((x) => x === undefined || !Number.isFinite(x))) return;
    net[0]! += txB!;
    net[1]! += rxB!;
    net[2]! += txP!;
    net[3]! += rxP!;
    seenNet = true;
  });
  if (seenNet) [raw.netRx, raw.netTx, raw.netRxPkts, raw.netTxPkts] = net;
  if (stats) {
    raw.vcpus = num(stats['vcpu.current']);
    raw.vcpuNs = sumIndexed(stats, 'vcpu', 'vcpu.maximum', 'time');
    raw.diskRd = sumIndexed(stats, 'block', 'block.count', 'rd.bytes');
    raw.diskWr = sumIndexed(stats, 'block', 'block.count', 'wr.bytes');
    raw.diskRdOps = sumIndexed(stats, 'block', 'block.count', 'rd.reqs');
    raw.diskWrOps = sumIndexed(stats, 'block', 'block.count', 'wr.reqs');
    // Without a cgroup (session daemons, odd layouts) libvirt's own numbers stand in.
    if (raw.cpuNs === undefined) raw.cpuNs = num(stats['cpu.time']);
    if (raw.mem === undefined) {
      const rssKiB = num(stats['balloon.rss']);
      if (rssKiB !== undefined) raw.mem = rssKiB * 1024;
    }
  }
  return raw;
}

const idx = <M extends string>(list: readonly M[]) => Object.fromEntries(list.map((m, i) => [m, i])) as Record<M, number>;
const VI = idx<VmMetric>(VM_METRICS);
const HI = idx<HostMetric>(HOST_METRICS);

/** One row in VM_METRICS order from two readings `dt` host-seconds apart. */
export function vmValues(prev: VmRaw | undefined, cur: VmRaw, dt: number, vcpus: number): (number | null)[] {
  const v: (number | null)[] = new Array<number | null>(VM_METRICS.length).fill(null);
  v[VI.cpu] = cpuPercent(prev?.cpuNs, cur.cpuNs, dt, vcpus);
  v[VI.vcpu] = cpuPercent(prev?.vcpuNs, cur.vcpuNs, dt, vcpus);
  v[VI.mem] = cur.mem ?? null;
  v[VI.memRss] = cur.memRss ?? null;
  v[VI.memCache] = cur.memCache ?? null;
  for (const k of ['diskRd', 'diskWr', 'diskRdOps', 'diskWrOps', 'netRx', 'netTx', 'netRxPkts', 'netTxPkts'] as const) {
    v[VI[k]] = rate(prev?.[k], cur[k], dt);
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
