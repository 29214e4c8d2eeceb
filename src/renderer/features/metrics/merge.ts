import type { History } from '../../../shared/model/metrics';
import type { LivePoint } from './store';

/** One chart row: time plus a value per metric name. */
export type ChartRow = { t: number } & Record<string, number | null>;

/**
 * Stored history, then live points newer than its last point, clipped to the
 * window. Pure, so the seam between fetched and pushed data is testable.
 */
export function mergeSeries(history: History | undefined, live: readonly LivePoint[], metrics: readonly string[], from: number, to: number): ChartRow[] {
  const rows: ChartRow[] = [];
  const names = history?.metrics ?? metrics;
  const idx = metrics.map((m) => names.indexOf(m));
  let last = -Infinity;
  if (history) {
    history.t.forEach((t, i) => {
      if (t < from || t > to) return;
      const row: ChartRow = { t };
      metrics.forEach((m, k) => {
        const c = idx[k]!;
        row[m] = c >= 0 ? (history.columns[c]?.[i] ?? null) : null;
      });
      rows.push(row);
      last = Math.max(last, t);
    });
  }
  for (const p of live) {
    if (p.t <= last || p.t < from || p.t > to) continue;
    const row: ChartRow = { t: p.t };
    metrics.forEach((m, k) => {
      const c = idx[k]!;
      row[m] = c >= 0 ? (p.v[c] ?? null) : null;
    });
    rows.push(row);
  }
  return rows;
}

/** Newest non-null value of a metric in chart rows. */
export function lastValue(rows: readonly ChartRow[], metric: string): number | null {
  for (let i = rows.length - 1; i >= 0; i--) {
    const v = rows[i]![metric];
    if (v !== null && v !== undefined) return v;
  }
  return null;
}
