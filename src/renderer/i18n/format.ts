import { METRIC_UNITS, type MetricUnit } from '../../shared/model/metrics';
import { currentLanguage, i18n } from './instance';

// The one place the UI turns numbers, sizes, rates, dates and durations into
// text, in the chosen language's conventions (Intl). Sizes use binary units
// (KiB, MiB...) because that is what libvirt, `virsh dominfo` and the guest say;
// units stay in Latin script in Chinese too, as virt-manager's zh_CN does.

const nf = new Map<string, Intl.NumberFormat>();
function numberFormat(digits: number, min = 0): Intl.NumberFormat {
  const key = `${currentLanguage()}|${digits}|${min}`;
  let f = nf.get(key);
  if (!f) nf.set(key, (f = new Intl.NumberFormat(currentLanguage(), { maximumFractionDigits: digits, minimumFractionDigits: min })));
  return f;
}

/** A plain number in the locale (grouping, decimal mark). */
export const formatNumber = (n: number, digits = 0): string => numberFormat(digits).format(n);
const fixed = (n: number, digits: number) => numberFormat(digits, digits).format(n);

const DASH = '—';
const KIB_UNITS = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
const BYTE_UNITS = ['B', ...KIB_UNITS];

/** libvirt memory/disk amounts (KiB): "512 KiB", "1.5 GiB". */
export function formatKiB(kib: number | undefined): string {
  if (kib === undefined || !Number.isFinite(kib)) return DASH;
  let v = kib;
  let u = 0;
  while (v >= 1024 && u < KIB_UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return `${formatNumber(v, v >= 100 || Number.isInteger(v) ? 0 : 1)} ${KIB_UNITS[u]}`;
}

/** Sizes for readouts where a fixed width reads better: "1.50 KiB", "12.3 MiB". */
export function formatBytes(n: number): string {
  let v = Math.abs(n);
  let u = 0;
  while (v >= 1024 && u < BYTE_UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  const digits = v >= 100 || u === 0 ? 0 : v >= 10 ? 1 : 2;
  return `${n < 0 ? '-' : ''}${fixed(v, digits)} ${BYTE_UNITS[u]}`;
}

/** Short counts for rates of packets/ops: "12.3 k". SI letters, as in `sar`. */
export function formatCount(n: number): string {
  const a = Math.abs(n);
  if (a >= 1e9) return `${fixed(n / 1e9, 1)} G`;
  if (a >= 1e6) return `${fixed(n / 1e6, 1)} M`;
  if (a >= 1e3) return `${fixed(n / 1e3, 1)} k`;
  return fixed(n, a >= 10 || a === 0 ? 0 : 1);
}

export function formatValue(v: number | null | undefined, unit: MetricUnit): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  switch (unit) {
    case 'percent':
      return `${v === 0 || v >= 10 ? formatNumber(Math.round(v)) : fixed(v, 1)} %`;
    case 'bytes':
      return formatBytes(v);
    case 'bytesPerSec':
      return `${formatBytes(v)}/s`;
    case 'perSec':
      return `${formatCount(v)}/s`;
    case 'load':
      return fixed(v, 2);
  }
}

export const formatMetric = (metric: string, v: number | null | undefined): string =>
  formatValue(v, METRIC_UNITS[metric as keyof typeof METRIC_UNITS] ?? 'load');

const dtf = (o: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(currentLanguage(), o);

/** Date and time of an event (audit records, snapshots, leases). */
export const formatDateTime = (t: number): string => dtf({ dateStyle: 'medium', timeStyle: 'medium' }).format(t);
export const formatTime = (t: number): string => dtf({ timeStyle: 'medium' }).format(t);

/** Axis ticks: clock time with seconds for short spans, without within a day, date + time beyond. */
export function formatTick(t: number, spanMs: number): string {
  if (spanMs <= 15 * 60_000) return dtf({ hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(t);
  if (spanMs <= 86_400_000) return dtf({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(t);
  return dtf({ month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(t);
}

/** A span of seconds in words: "45 s", "3 min 10 s", "2 h 5 min". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const t = i18n.t.bind(i18n);
  if (s < 60) return t('format.sec', { n: formatNumber(s) });
  if (s < 3600) {
    const m = Math.floor(s / 60);
    return s % 60 ? t('format.minSec', { m: formatNumber(m), s: formatNumber(s % 60) }) : t('format.min', { n: formatNumber(m) });
  }
  const h = Math.floor(s / 3600);
  const m = Math.round((s % 3600) / 60);
  return t('format.hourMin', { h: formatNumber(h), m: formatNumber(m) });
}

/** A countdown to a future epoch-ms time: "12 s", "3 min 10 s". */
export const formatIn = (at: number, now: number): string => formatDuration(Math.max(0, Math.ceil((at - now) / 1000)));

/** Lease expiry in words: "in 53 min", "10 min ago", "never". Minutes are rounded past 90 s. */
export function expiryText(at: number | null, now: number): string {
  if (at === null) return i18n.t('format.never');
  const s = Math.round((at - now) / 1000);
  const abs = Math.abs(s);
  const span = abs < 90 ? abs : abs < 5400 ? Math.round(abs / 60) * 60 : abs;
  const d = formatDuration(span);
  return s >= 0 ? i18n.t('format.inTime', { d }) : i18n.t('format.ago', { d });
}

/** Names in a notification: a few in the locale's list style, then "and N more". */
export function nameList(names: readonly string[], max = 8): string {
  // Intl.ListFormat's zh "unit" style drops the separator entirely, so the separator is a string of ours.
  const sep = i18n.t('format.listSep');
  if (names.length <= max) return names.join(sep);
  return i18n.t('format.andMore', { list: names.slice(0, max).join(sep), count: names.length - max, n: formatNumber(names.length - max) });
}
