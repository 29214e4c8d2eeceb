import { describe, expect, it } from 'vitest';
import { VM_METRICS, type TopRow } from '../../../shared/model/metrics';
import { lastValue, mergeSeries } from './merge';
import { LIVE_POINTS, freshRows, seriesKey, useMetricsStore } from './store';
import { coresUsed, sortRows } from './TopTable';

const U = '11111111-2222-3333-4444-555555555555';
const row = (cpu: number | null, mem: number | null = null) => VM_METRICS.map((m) => (m === 'cpu' ? cpu : m === 'mem' ? mem : null));

describe('merge of stored history and live points', () => {
  const history = { kind: 'vm' as const, metrics: [...VM_METRICS], step: 1, t: [1000, 2000, 3000], columns: VM_METRICS.map((m) => (m === 'cpu' ? [1, 2, 3] : [null, null, null])) };
  it('appends only live points newer than the history and clips to the window', () => {
    const live = [2000, 3000, 4000, 5000].map((t) => ({ t, v: row(t / 100) }));
    const rows = mergeSeries(history, live, ['cpu', 'mem'], 1500, 4500);
    expect(rows).toEqual([
      { t: 2000, cpu: 2, mem: null },
      { t: 3000, cpu: 3, mem: null },
      { t: 4000, cpu: 40, mem: null },
    ]);
    expect(lastValue(rows, 'cpu')).toBe(40);
    expect(lastValue(rows, 'mem')).toBeNull();
  });
  it('works before the history arrived', () => {
    expect(mergeSeries(undefined, [{ t: 5, v: row(7) }], VM_METRICS, 0, 10)[0]?.cpu).toBe(7);
  });
});

describe('live store', () => {
  it('keeps an hour per series, replaces repeated timestamps and tracks the newest row per VM', () => {
    const st = useMetricsStore.getState();
    for (let i = 0; i < LIVE_POINTS + 5; i++) st.ingest({ hostId: 'h', t: i * 1000, host: [i], vms: [{ uuid: U, name: 'web', vcpus: 2, v: row(i) }] });
    st.ingest({ hostId: 'h', t: (LIVE_POINTS + 4) * 1000, vms: [{ uuid: U, name: 'web', vcpus: 2, v: row(-1) }] });
    const s = useMetricsStore.getState();
    expect(s.series[seriesKey('h', U)]).toHaveLength(LIVE_POINTS);
    expect(s.series[seriesKey('h', U)]!.at(-1)!.v[0]).toBe(-1);
    expect(s.series[seriesKey('h')]).toHaveLength(LIVE_POINTS);
    expect(s.latest[seriesKey('h', U)]?.v[0]).toBe(-1);
    expect(freshRows(s.latest, (LIVE_POINTS + 4) * 1000 + 40_000, 30_000)).toEqual([]);
    // Another VM pushed 10 minutes later: the first one's points (no longer pushed) are dropped.
    st.ingest({ hostId: 'h', t: (LIVE_POINTS + 600) * 1000, vms: [{ uuid: '21111111-2222-3333-4444-555555555555', name: 'db', vcpus: 1, v: row(1) }] });
    expect(useMetricsStore.getState().series[seriesKey('h', U)]).toBeUndefined();
  });
});

describe('top consumers sorting', () => {
  const r = (name: string, cpu: number | null, vcpus: number, mem: number | null): TopRow => ({ hostId: 'h', uuid: U, name, vcpus, t: 0, v: row(cpu, mem) });
  const rows = [r('a', 90, 1, 10), r('b', 50, 8, 30), r('c', null, 1, 20)];
  it('sorts by a metric, unknowns last; cores weigh percent by vCPUs', () => {
    expect(sortRows(rows, 'cpu').map((x) => x.name)).toEqual(['a', 'b', 'c']);
    expect(sortRows(rows, 'cores').map((x) => x.name)).toEqual(['b', 'a', 'c']);
    expect(sortRows(rows, 'mem').map((x) => x.name)).toEqual(['b', 'c', 'a']);
    expect(coresUsed(rows[1]!)).toBe(4);
  });
});
