import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HOST_METRICS, VM_METRICS } from '../../shared/model/metrics';
import { parseMountinfo, parseProcCgroup, resolveVmFiles } from './cgroups';
import { counterDelta, cpuPercent, parseProcStatCpu, rate } from './counters';
import { hostRaw, hostValues, kernelRaw, libvirtRaw, mergeRaw, needsLibvirtEachTick, vmItems, vmValues, type VmSources } from './readings';
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
    const a = kernelRaw(vm, retag(ticks[0]!));
    expect(a.cpuNs).toBe(229890999240);
    expect(a.mem).toBe(1437696 + 1245794304);
    expect(a.netRx).toBe(90); // host tx_bytes = guest rx
    expect(a.netTx).toBe(0);
    expect(a.nets).toEqual([{ dev: 'vnet0', rxBytes: 90, txBytes: 0, rxPackets: 1, txPackets: 0 }]);
    const lv = libvirtRaw({ 'vcpu.current': 1, 'vcpu.maximum': 1, 'vcpu.0.time': 5e9, 'block.count': 2, 'block.0.name': 'vda', 'block.1.name': 'vdb', 'block.0.rd.bytes': 4096, 'block.1.rd.bytes': 4096, 'block.0.wr.bytes': 0, 'block.1.wr.bytes': 0, 'block.0.rd.reqs': 3 });
    const b = mergeRaw(kernelRaw(vm, retag(ticks[1]!)), lv);
    const v = vmValues({ raw: a, uptime: 10 }, undefined, { raw: b, uptime: 11 }, 1);
    expect(v[col('cpu')]).toBeCloseTo((229891750036 - 229890999240) / 1e9 * 100);
    expect(v[col('memRss')]).toBe(1245794304);
    // No kernel disk counters here: libvirt's guest numbers stand in, but never rate against a tick without them.
    expect(b.diskSource).toBe('guest');
    expect(b.diskRd).toBe(8192);
    expect(v[col('diskRd')]).toBeNull();
    expect(v[col('diskRdOps')]).toBeNull(); // first libvirt reading: nothing to rate against yet
    expect(b.blocks?.map((x) => x.dev)).toEqual(['vda', 'vdb']);
    expect(b.vcpuNs).toBe(5e9); // no vCPU threads known: libvirt's vcpu times fill in
  });

  it('disk requests are rated against the last libvirt reading, bytes against the last tick', () => {
    const vm: VmSources = { slot: 1, files, taps: [], pid: 7, ioReadable: true, vcpuThreads: [{ vcpu: 0, tid: 8 }, { vcpu: 1, tid: 9 }] };
    const tick = (up: number, rd: number, wr: number, v0: number, v1: number) => ({
      uptime: up,
      items: new Map([
        ['1i', [`read_bytes: ${rd}`, `write_bytes: ${wr}`]],
        ['1v0', [`${v0} 100 3`]],
        ['1v1', [`${v1} 100 3`]],
      ]),
      missing: new Set<string>(),
    });
    const lv = (reqs: number) => libvirtRaw({ 'block.count': 1, 'block.0.name': 'vda', 'block.0.rd.reqs': reqs, 'block.0.wr.reqs': 2 * reqs });
    const r0 = { raw: mergeRaw(kernelRaw(vm, tick(100, 0, 0, 0, 0)), lv(10)), uptime: 100 };
    const r1 = { raw: kernelRaw(vm, tick(101, 4096, 8192, 5e8, 2.5e8)), uptime: 101 };
    const v1 = vmValues(r0, r0, r1, 2);
    expect(r1.raw.diskSource).toBe('host');
    expect(v1[col('diskRd')]).toBe(4096);
    expect(v1[col('diskWr')]).toBe(8192);
    expect(v1[col('vcpu')]).toBeCloseTo(37.5); // 0.75 s of 2 vCPUs in 1 s
    expect(v1[col('diskRdOps')]).toBeNull(); // no libvirt numbers this tick
    const r60 = { raw: mergeRaw(kernelRaw(vm, tick(160, 4096, 8192, 5e8, 2.5e8)), lv(130)), uptime: 160 };
    const v60 = vmValues(r1, r0, r60, 2);
    expect(v60[col('diskRdOps')]).toBe(2); // 120 requests over the 60 s since the last libvirt reading
    expect(v60[col('diskWrOps')]).toBe(4);
    expect(r60.raw.diskSource).toBe('host'); // the kernel's bytes win over libvirt's
    expect(needsLibvirtEachTick(vm)).toBe(false);
    expect(needsLibvirtEachTick({ ...vm, ioReadable: false })).toBe(true);
    // A missing vCPU thread gives no vCPU sum rather than a drop.
    const partial = kernelRaw(vm, { ...tick(102, 0, 0, 1, 1), items: new Map([['1v0', ['1 1 1']]]) });
    expect(partial.vcpuNs).toBeUndefined();
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

  it('work items: v2 adds memory.current; QEMU io and vCPU threads; hostile tap names and paths are never sent', () => {
    const v2 = resolveVmFiles(parseMountinfo(fx('v2', 'mountinfo')), parseProcCgroup(fx('v2', 'pid-cgroup')));
    const items = vmItems({ slot: 3, files: v2, taps: ['vnet7', '../../etc', 'a/b', 'x:y'], pid: 42, ioReadable: true, vcpuThreads: [{ vcpu: 0, tid: 44 }] });
    expect(items.map((i) => i.tag)).toEqual(['3c', '3m', '3M', '3i', '3v0', '3n0', '3n1', '3n2', '3n3']);
    expect(items.find((i) => i.tag === '3i')).toEqual({ tag: '3i', kind: '5-6', path: '/proc/42/io' });
    expect(items.find((i) => i.tag === '3v0')?.path).toBe('/proc/42/task/44/schedstat');
    // Only valid interface names reach the sampler (it looks them up in /proc/net/dev, never opens them).
    expect(encodeList('F', items).split('\n').filter((l) => l.includes(' n '))).toEqual(['3n0 n vnet7']);
    expect(() => encodeList('F', [{ tag: 'x y', kind: 1, path: '/p' }])).toThrow();
    expect(() => encodeList('F', [{ tag: 'x', kind: '3-1', path: '/p' }])).toThrow();
    expect(encodeList('F', [{ tag: 'a', kind: 1, path: '/bad\nline' }, { tag: 'b', kind: 1, path: "/ok $(x) 'q'" }])).toBe("F\nb 1 /ok $(x) 'q'\n.\n");
    // gawk opens sockets for /inet/... and the process's own streams for /dev/stdin, /dev/fd/N; relative paths never.
    const odd = ['/inet/tcp/0/10.0.0.1/80', '/inet6/udp/0/h/1', '/dev/stdin', '/dev/fd/0', 'relative', '-'];
    expect(encodeList('W', odd.map((p, i) => ({ tag: `o${i}`, kind: 1, path: p })))).toBe('W\n.\n');
  });
});
