import { describe, expect, it } from 'vitest';
import { VM_METRICS } from '../../shared/model/metrics';
import { AlertEngine } from './alerts';
import { historyCsv } from './export';

const U = '11111111-2222-3333-4444-555555555555';
const cpu = (v: number | null) => [v, ...Array.from({ length: VM_METRICS.length - 1 }, () => null)];

describe('alerts', () => {
  it('fires after the condition held forSec, judged on sample times, and clears on recovery', () => {
    const e = new AlertEngine([{ id: 'r', name: 'hot', scope: 'vm', metric: 'cpu', op: '>', threshold: 90, forSec: 120, enabled: true }]);
    const t0 = 1_000_000;
    expect(e.observe('h', U, 'web', cpu(95), t0).fired).toEqual([]);
    expect(e.observe('h', U, 'web', cpu(null), t0 + 60_000).fired).toEqual([]); // unknown keeps the clock
    expect(e.observe('h', U, 'web', cpu(99), t0 + 110_000).fired).toEqual([]);
    const f = e.observe('h', U, 'web', cpu(97), t0 + 120_000).fired;
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ ruleId: 'r', hostId: 'h', uuid: U, value: 97, since: t0 });
    expect(e.active()).toHaveLength(1);
    expect(e.observe('h', U, 'web', cpu(98), t0 + 130_000).fired).toEqual([]); // no repeat
    expect(e.observe('h', U, 'web', cpu(10), t0 + 140_000).cleared).toHaveLength(1);
    expect(e.active()).toEqual([]);
  });

  it('a dip resets the clock; host rules ignore VMs; forget clears a stopped VM', () => {
    const e = new AlertEngine([
      { id: 'r', name: 'hot', scope: 'vm', metric: 'cpu', op: '>', threshold: 90, forSec: 0, enabled: true },
      { id: 'h', name: 'host', scope: 'host', metric: 'cpu', op: '>', threshold: 1, forSec: 0, enabled: true },
    ]);
    expect(e.observe('h', U, 'web', cpu(91), 0).fired.map((a) => a.ruleId)).toEqual(['r']);
    expect(e.forget('h', U)).toHaveLength(1);
    expect(e.active()).toEqual([]);
  });
});

describe('exports', () => {
  it('CSV: header with units, empty cells for gaps, formula-looking text quoted', () => {
    const csv = historyCsv({ kind: 'host', metrics: ['cpu', 'mem'], step: 1, t: [0, 1000], columns: [[1.23456, null], [2, 3]] });
    expect(csv.split('\r\n')).toEqual(['time,unix_ms,cpu (percent),mem (bytes)', '1970-01-01T00:00:00.000Z,0,1.235,2', '1970-01-01T00:00:01.000Z,1000,,3', '']);
  });
});
