import { useMemo } from 'react';
import { useNow } from '../../ui/useNow';
import { mergeSeries, type ChartRow } from './merge';
import { useHistory } from './queries';
import { seriesKey, useMetricsStore, type LivePoint } from './store';
import { windowById } from './windows';

const NO_POINTS: LivePoint[] = [];

/** History + live points of one series for a window, re-cut as time passes. */
export function useSeriesRows(hostId: string, uuid: string | undefined, windowId: string, metrics: readonly string[]) {
  const w = windowById(windowId);
  const history = useHistory(hostId, uuid, w);
  const live = useMetricsStore((s) => s.series[seriesKey(hostId, uuid)] ?? NO_POINTS);
  // Live windows slide every second; long ones follow their minute refetch.
  const now = useNow(true, w.live ? 1000 : 60_000);
  const to = Math.max(now, live.length ? live[live.length - 1]!.t : 0);
  const from = to - w.spanMs;
  const rows: ChartRow[] = useMemo(() => mergeSeries(history.data, w.live ? live : NO_POINTS, metrics, from, to), [history.data, live, metrics, from, to, w.live]);
  return { rows, from, to, history, window: w };
}
