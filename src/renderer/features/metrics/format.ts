import { METRIC_UNITS, type MetricUnit } from '../../../shared/model/metrics';

// Value formatting for charts, tables and CSV-less readouts. Binary units for
// bytes (what `free` and the guest say); decimal for rates of packets/ops.

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function formatBytes(n: number): string {
  let v = Math.abs(n);
  let u = 0;
  while (v >= 1024 && u < BYTE_UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  const digits = v >= 100 || u === 0 ? 0 : v >= 10 ? 1 : 2;
  return `${n < 0 ? '-' : ''}${v.toFixed(digits)} ${BYTE_UNITS[u]}`;
}

export function formatCount(n: number): string {
  const a = Math.abs(n);
  if (a >= 1e9) return `${(n / 1e9).toFixed(1)} G`;
  if (a >= 1e6) return `${(n / 1e6).toFixed(1)} M`;
  if (a >= 1e3) return `${(n / 1e3).toFixed(1)} k`;
  return a >= 10 || a === 0 ? n.toFixed(0) : n.toFixed(1);
}

export function formatValue(v: number | null | undefined, unit: MetricUnit): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  switch (unit) {
    case 'percent':
      return `${v === 0 || v >= 10 ? Math.round(v) : v.toFixed(1)} %`;
    case 'bytes':
      return formatBytes(v);
    case 'bytesPerSec':
      return `${formatBytes(v)}/s`;
    case 'perSec':
      return `${formatCount(v)}/s`;
    case 'load':
      return v.toFixed(2);
  }
}

export const formatMetric = (metric: string, v: number | null | undefined): string =>
  formatValue(v, METRIC_UNITS[metric as keyof typeof METRIC_UNITS] ?? 'load');

/** Axis ticks: short clock time for spans within a day, date + time beyond. */
export function formatTick(t: number, spanMs: number): string {
  const d = new Date(t);
  const hm = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
  if (spanMs <= 15 * 60_000) return `${hm}:${String(d.getSeconds()).padStart(2, '0')}`;
  if (spanMs <= 86_400_000) return hm;
  return `${d.getMonth() + 1}/${d.getDate()} ${hm}`;
}
