import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HOST_METRICS, VM_METRICS } from '../../shared/model/metrics';
import { parseMountinfo, parseProcCgroup, resolveVmFiles } from './cgroups';
import { counterDelta, cpuPercent, parseProcStatCpu, rate } from './counters';
import { hostRaw, hostValues, vmItems, vmRaw, vmValues, type VmSources } from './readings';
import { encodeList, TickParser } from './sampler-protocol';

const fx = (layout: string, file: string) => fs.readFileSync(path.join(__dirname, 'fixtures', layout, file), 'utf8');
const col = (m: string) => VM_METRICS.indexOf(m as never);

describe('counters', () => {
  it('deltas, 32-bit wraps and resets', () => {
    expect(counterDelta(100, 250)).toBe(150);
    expect(counterDelta(undefined, 5)).toBeNull();
    expect(counterDelta(2 ** 32 - 10, 20)).toBe(30); // a 32-bit counter wrapped
    expect(counterDelta(5_000_000, 1_000)).toBeNull(); // reset: VM restarted, tap re-created
    expect(counterDelta(2 ** 40, 5)).toBeNull(); // 64-bit counters don't wrap in our lifetime: reset
    expect(rate(0, 3000, 2)).toBe(1500);
    expect(rate(0, 3000, 0)).toBeNull();
  });

  it('CPU percent of the vCPUs', () => {
    expect(cpuPercent(0, 1.5e9, 1, 2)).toBeCloseTo(75);
    expect(cpuPercent(0, 1e9, 10, 1)).toBeCloseTo(10);
  });

  it('/proc/stat cpu line (recorded)', () => {
    const c = parseProcStatCpu(fx('v1', 'proc-stat').split('\n')[0]);
    expect(c).toBeDefined();
    expect(c!.total).toBeGreaterThan(c!.busy);
  });
});

describe('ticks from the recorded v1 sampler output', () => {
  const ticks = new TickParser().push(fx('v1', 'sampler-output'));
  const files = resolveVmFiles(parseMountinfo(fx('v1', 'mountinfo')), parseProcCgroup(fx('v1', 'pid-cgroup')));

  it('splits ticks and notices missing files', () => {
    expect(ticks).toHaveLength(2);
    expect(ticks[0]!.missing).toEqual(new Set(['6']));
    expect(ticks[0]!.items.get('0')).toHaveLength(6);
  });

  it('parser survives arbitrary chunking', () => {
    const text = fx('v1', 'sampler-output');
    const p = new TickParser();
    const got = [];
    for (let i = 0; i < text.length; i += 7) got.push(...p.push(text.slice(i, i + 7)));
    expect(got).toEqual(ticks);
  });

  it('VM values: cpu from ns, memory rss + cache, net swapped to the guest view', () => {
    // The recorded output used numeric tags; map them onto a slot's tags.
    const retag = (t: (typeof ticks)[number]) => ({
      ...t,
      items: new Map([
        ['1c', t.items.get('2')!],
        ['1m', t.items.get('3')!],
        ['1n0', t.items.get('5')!],
      ]),
    });
    const vm: VmSources = { slot: 1, files, taps: ['vnet0'] };
    const a = vmRaw(vm, retag(ticks[0]!), undefined);
    expect(a.cpuNs).toBe(229890999240);
    expect(a.mem).toBe(1437696 + 1245794304);
    expect(a.netRx).toBe(90); // host tx_bytes = guest rx
    expect(a.netTx).toBe(0);
    const b = vmRaw(vm, retag(ticks[1]!), { 'vcpu.current': 1, 'vcpu.maximum': 1, 'vcpu.0.time': 5e9, 'block.count': 2, 'block.0.rd.bytes': 4096, 'block.1.rd.bytes': 4096, 'block.0.wr.bytes': 0, 'block.1.wr.bytes': 0 });
    const v = vmValues(a, b, 1, 1);
    expect(v[col('cpu')]).toBeCloseTo((229891750036 - 229890999240) / 1e9 * 100);
    expect(v[col('memRss')]).toBe(1245794304);
    expect(v[col('diskRd')]).toBeNull(); // no previous block reading yet
    expect(b.diskRd).toBe(8192);
  });

  it('host values from /proc/stat, meminfo and loadavg', () => {
    const h0 = hostRaw({ ...ticks[0]!, items: new Map([['hs', [ticks[0]!.items.get('0')![0]!]], ['hm', ticks[0]!.items.get('0')!.slice(1)], ['hl', ticks[0]!.items.get('1')!]]) });
    const v = hostValues(undefined, h0);
    const hc = (m: string) => v[HOST_METRICS.indexOf(m as never)];
    expect(hc('memTotal')).toBe(24683656 * 1024);
    expect(hc('mem')).toBe((24683656 - 18888016) * 1024);
    expect(hc('load1')).toBe(8.28);
    expect(hc('cpu')).toBeNull(); // needs two readings
  });

  it('work items: v2 adds memory.current; hostile tap names cannot leave /sys/class/net', () => {
    const v2 = resolveVmFiles(parseMountinfo(fx('v2', 'mountinfo')), parseProcCgroup(fx('v2', 'pid-cgroup')));
    const items = vmItems({ slot: 3, files: v2, taps: ['vnet7', '../../etc', 'a/b'] });
    expect(items.map((i) => i.tag)).toEqual(['3c', '3m', '3M', '3n0']);
    expect(() => encodeList('F', [{ tag: 'x y', kind: 1, path: '/p' }])).toThrow();
    expect(encodeList('F', [{ tag: 'a', kind: 1, path: '/bad\nline' }, { tag: 'b', kind: 1, path: "/ok $(x) 'q'" }])).toBe("F\nb 1 /ok $(x) 'q'\n.\n");
  });
});
