import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { describe, expect, it } from 'vitest';
import { prometheusText } from './export';
import type { HostSnapshot } from './host-sampler';

// The exposition read back by a real parser of the text format (the one the
// npm package ports from Prometheus' own Python client); promtool's lint runs
// on real samples in prometheus.lab.test.ts.

const U = '11111111-2222-3333-4444-555555555555';
const HOSTILE = 'we"b\\ } ,x="1"\nü-虚拟机';

const snap: HostSnapshot = {
  hostId: 'lab-1',
  host: {
    cpu: { busy: 0, iowait: 7, total: 0, modes: [1000, 20, 300, 5000, 7, 0, 9, 1] },
    memTotal: 8 * 2 ** 30,
    memAvailable: 6 * 2 ** 30,
    memCache: 2 ** 30,
    load: [0.5, 0.25, 0.125],
  },
  vms: [
    {
      uuid: U,
      name: HOSTILE,
      vcpus: 2,
      raw: {
        cpuNs: 12_500_000_000,
        vcpuEachNs: [
          { vcpu: 0, ns: 4_000_000_000 },
          { vcpu: 1, ns: 5_000_000_000 },
        ],
        vcpuNs: 9_000_000_000,
        mem: 300 * 2 ** 20,
        memRss: 250 * 2 ** 20,
        memCache: 50 * 2 ** 20,
        diskRd: 4096,
        diskWr: 8192,
        diskSource: 'host',
        blocks: [{ dev: 'vda', rdBytes: 1e6, wrBytes: 2e6, rdReqs: 10, wrReqs: 20 }],
        nets: [
          { dev: 'vnet0', rxBytes: 100, txBytes: 200, rxPackets: 3, txPackets: 4 },
          { dev: 'vnet1', rxBytes: 5, txBytes: 6, rxPackets: 1, txPackets: 1 },
        ],
      },
    },
    // Just started: only memory known so far.
    { uuid: '22222222-2222-3333-4444-555555555555', name: 'new', vcpus: 1, raw: { mem: 1024 } },
  ],
};

const parse = (text: string) => parsePrometheusTextFormat(text);
const family = (text: string, name: string) => parse(text).find((f) => f.name === name);

describe('Prometheus exposition', () => {
  const text = prometheusText([snap]);
  const families = parse(text);

  it('parses; every family has HELP and TYPE; counters end in _total and nothing else does', () => {
    expect(families.length).toBeGreaterThan(10);
    for (const f of families) {
      expect(f.name).toMatch(/^virtdeck_(host|domain)_[a-z0-9_]+$/);
      expect(f.help.length).toBeGreaterThan(10);
      expect(['COUNTER', 'GAUGE']).toContain(f.type);
      expect(f.name.endsWith('_total')).toBe(f.type === 'COUNTER');
      // Base units only: no percent, milli- or kilo- anything.
      expect(f.name).not.toMatch(/percent|_ms|millis|_kb|kib|per_second/);
    }
  });

  it('has no sample timestamps (Prometheus stamps the scrape) and no duplicate series', () => {
    const seen = new Set<string>();
    for (const f of families) {
      for (const m of f.metrics) {
        expect(m.timestamp_ms).toBeUndefined();
        const key = `${f.name}${JSON.stringify(m.labels ?? {})}`;
        expect(seen.has(key)).toBe(false);
        seen.add(key);
      }
    }
    // Every line is a comment or `name{labels} value`: one value, nothing after it.
    for (const line of text.trim().split('\n')) if (!line.startsWith('#')) expect(line).toMatch(/^[a-z0-9_]+(\{.*\})? -?[0-9.e+]+$/);
  });

  it('counters in seconds and bytes, with the community exporter label names', () => {
    const cpu = family(text, 'virtdeck_domain_cpu_time_seconds_total')!;
    expect(cpu.metrics).toEqual([{ value: '12.5', labels: { host: 'lab-1', domain: HOSTILE, uuid: U } }]);
    expect(family(text, 'virtdeck_domain_vcpu_time_seconds_total')!.metrics.map((m) => [m.labels?.vcpu, m.value])).toEqual([
      ['0', '4'],
      ['1', '5'],
    ]);
    const rx = family(text, 'virtdeck_domain_interface_stats_receive_bytes_total')!;
    expect(rx.metrics.map((m) => [m.labels?.target_device, m.value])).toEqual([
      ['vnet0', '100'],
      ['vnet1', '5'],
    ]);
    expect(family(text, 'virtdeck_domain_block_stats_write_requests_total')!.metrics[0]).toEqual({ value: '20', labels: { host: 'lab-1', domain: HOSTILE, uuid: U, target_device: 'vda' } });
    expect(family(text, 'virtdeck_domain_host_storage_write_bytes_total')!.metrics[0]!.value).toBe('8192');
    // /proc/stat counts 1/100 s.
    const modes = Object.fromEntries(family(text, 'virtdeck_host_cpu_seconds_total')!.metrics.map((m) => [m.labels?.mode, Number(m.value)]));
    expect(modes).toEqual({ user: 10, nice: 0.2, system: 3, idle: 50, iowait: 0.07, irq: 0, softirq: 0.09, steal: 0.01 });
    expect(family(text, 'virtdeck_host_memory_available_bytes')!.metrics[0]!.value).toBe(String(6 * 2 ** 30));
  });

  it('a hostile VM name is one label value, exactly, not extra labels', () => {
    for (const f of families.filter((x) => x.name.startsWith('virtdeck_domain_'))) {
      for (const m of f.metrics.filter((x) => x.labels?.uuid === U)) {
        expect(m.labels?.domain).toBe(HOSTILE);
        expect(Object.keys(m.labels ?? {})).not.toContain('x');
      }
    }
  });

  it('what is not known is left out, not exported as 0; libvirt guest numbers are not passed off as host storage', () => {
    const mem = family(text, 'virtdeck_domain_memory_usage_bytes')!;
    expect(mem.metrics.map((m) => m.labels?.domain)).toEqual([HOSTILE, 'new']);
    expect(family(text, 'virtdeck_domain_cpu_time_seconds_total')!.metrics).toHaveLength(1);
    const guestOnly = prometheusText([{ hostId: 'h', vms: [{ uuid: U, name: 'g', vcpus: 1, raw: { diskRd: 1, diskWr: 2, diskSource: 'guest' } }] }]);
    expect(guestOnly).not.toContain('host_storage');
    expect(prometheusText([])).toBe('');
  });
});
