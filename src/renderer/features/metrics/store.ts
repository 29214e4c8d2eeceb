import { create } from 'zustand';
import type { Sampled, TopRow } from '../../../shared/model/metrics';

// Streaming metrics pushed by the core (`metrics.sampled`), fed by the one
// event bridge. Server-side history stays in react-query; this holds only the
// last hour of what this window subscribed to, plus the newest row per VM.

export interface LivePoint {
  t: number;
  v: (number | null)[];
}

/** 1 h at 1 s: what the longest live window shows. */
export const LIVE_POINTS = 3600;
/** Series nobody pushed for this long are dropped (their charts refetch history when shown again). */
export const LIVE_IDLE_MS = 5 * 60_000;

export const seriesKey = (hostId: string, uuid?: string) => `${hostId}/${uuid ?? 'host'}`;

interface MetricsState {
  series: Record<string, LivePoint[]>;
  prunedAt: number;
  latest: Record<string, TopRow>;
  ingest(s: Sampled): void;
  seedLatest(rows: TopRow[]): void;
}

function appendPoint(list: LivePoint[] | undefined, p: LivePoint): LivePoint[] {
  const out = list ? [...list] : [];
  // Ticks arrive in order per host; a repeated timestamp replaces.
  if (out.length && out[out.length - 1]!.t >= p.t) out.splice(out.findIndex((x) => x.t >= p.t));
  out.push(p);
  if (out.length > LIVE_POINTS) out.splice(0, out.length - LIVE_POINTS);
  return out;
}

export const useMetricsStore = create<MetricsState>((set) => ({
  series: {},
  prunedAt: 0,
  latest: {},
  ingest: (s) =>
    set((st) => {
      const series = { ...st.series };
      const latest = { ...st.latest };
      let prunedAt = st.prunedAt;
      if (s.t - prunedAt > 60_000) {
        // Charts closed minutes ago: their points would only pile up.
        for (const [k, pts] of Object.entries(series)) if ((pts.at(-1)?.t ?? 0) < s.t - LIVE_IDLE_MS) delete series[k];
        prunedAt = s.t;
      }
      if (s.host) series[seriesKey(s.hostId)] = appendPoint(series[seriesKey(s.hostId)], { t: s.t, v: s.host });
      for (const vm of s.vms) {
        const k = seriesKey(s.hostId, vm.uuid);
        series[k] = appendPoint(series[k], { t: s.t, v: vm.v });
        latest[k] = { hostId: s.hostId, uuid: vm.uuid, name: vm.name, vcpus: vm.vcpus, t: s.t, v: vm.v };
      }
      return { series, latest, prunedAt };
    }),
  seedLatest: (rows) =>
    set((st) => {
      const latest = { ...st.latest };
      for (const r of rows) {
        const k = seriesKey(r.hostId, r.uuid);
        if (!latest[k] || latest[k].t < r.t) latest[k] = r;
      }
      return { latest };
    }),
}));

/** Drops rows not refreshed within `maxAgeMs` (stopped VMs, gone hosts). */
export const freshRows = (latest: Record<string, TopRow>, now: number, maxAgeMs: number): TopRow[] => Object.values(latest).filter((r) => now - r.t <= maxAgeMs);
