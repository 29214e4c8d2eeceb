// Turning cumulative counters into rates. Counters go backwards for two
// reasons: a 32-bit counter wrapped (old kernels' net stats on 32-bit hosts),
// or the thing was recreated (VM restarted, new cgroup, tap re-created). A wrap
// is only believed when it explains the jump; otherwise the point is dropped
// rather than drawing a giant negative or positive spike.

const TWO_32 = 2 ** 32;

export function counterDelta(prev: number | undefined, cur: number | undefined): number | null {
  if (prev === undefined || cur === undefined || !Number.isFinite(prev) || !Number.isFinite(cur)) return null;
  if (cur >= prev) return cur - prev;
  if (prev < TWO_32 && cur < TWO_32 && prev - cur > TWO_32 / 2) return cur + TWO_32 - prev;
  return null; // reset
}

export function rate(prev: number | undefined, cur: number | undefined, dtSec: number): number | null {
  const d = counterDelta(prev, cur);
  return d === null || !(dtSec > 0) ? null : d / dtSec;
}

/** /proc/stat `cpu` line: user nice system idle iowait irq softirq steal (guest is already in user). */
export interface CpuTimes {
  busy: number;
  iowait: number;
  total: number;
  /** USER_HZ ticks (1/100 s on Linux) per mode, in CPU_MODES order, summed over all CPUs. */
  modes: number[];
}

export const CPU_MODES = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'] as const;
/** /proc/stat counts in USER_HZ, which Linux fixes at 100 for userspace on every architecture. */
export const USER_HZ = 100;

export function parseProcStatCpu(line: string | undefined): CpuTimes | undefined {
  if (!line?.startsWith('cpu ')) return undefined;
  const f = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if (f.length < 4 || f.some((n) => !Number.isFinite(n))) return undefined;
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = f;
  const total = user + nice + system + idle + iowait + irq + softirq + steal;
  return { busy: total - idle - iowait, iowait, total, modes: [user, nice, system, idle, iowait, irq, softirq, steal] };
}

/** Host CPU busy and iowait percent between two /proc/stat readings. */
export function hostCpuPercent(prev: CpuTimes | undefined, cur: CpuTimes | undefined): { cpu: number | null; iowait: number | null } {
  if (!prev || !cur) return { cpu: null, iowait: null };
  const dt = cur.total - prev.total;
  if (!(dt > 0)) return { cpu: null, iowait: null };
  const busy = counterDelta(prev.busy, cur.busy);
  const io = counterDelta(prev.iowait, cur.iowait);
  return { cpu: busy === null ? null : (busy / dt) * 100, iowait: io === null ? null : (io / dt) * 100 };
}

/** Seconds of CPU per second of wall time, as percent of `vcpus` CPUs. */
export function cpuPercent(prevNs: number | undefined, curNs: number | undefined, dtSec: number, vcpus: number): number | null {
  const r = rate(prevNs, curNs, dtSec);
  return r === null || !(vcpus > 0) ? null : (r / 1e9 / vcpus) * 100;
}
