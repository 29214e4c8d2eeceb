import { METRIC_UNITS, type History } from '../../shared/model/metrics';
import { CPU_MODES, USER_HZ } from './counters';
import type { HostSnapshot } from './host-sampler';
import type { BlockCounters, NetCounters } from './readings';

// Text exports: CSV of a chart window, Prometheus exposition of the newest values.

const csvCell = (s: string): string => (/[",\n\r]/.test(s) || /^[=+\-@\t]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** One row per point: ISO time, unix ms, then each metric; empty cells where nothing was measured. */
export function historyCsv(h: History): string {
  const unit = (m: string) => METRIC_UNITS[m as keyof typeof METRIC_UNITS] ?? '';
  const head = ['time', 'unix_ms', ...h.metrics.map((m) => `${m}${unit(m) ? ` (${unit(m)})` : ''}`)].map(csvCell).join(',');
  const lines = [head];
  h.t.forEach((t, i) => {
    const cells = h.columns.map((c) => {
      const v = c[i];
      return v === null || v === undefined ? '' : String(Math.round(v * 1000) / 1000);
    });
    lines.push([new Date(t).toISOString(), String(t), ...cells].join(','));
  });
  return lines.join('\r\n') + '\r\n';
}

/** Label values escape backslash, double quote and newline (exposition format 0.0.4). */
const esc = (s: string): string => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

type Labels = Record<string, string>;
interface Family {
  name: string;
  type: 'counter' | 'gauge';
  help: string;
  samples: { labels: Labels; value: number }[];
}

/** Collects samples per family, in first-seen order, and writes each family once with its HELP and TYPE. */
class Exposition {
  private readonly families = new Map<string, Family>();

  add(name: string, type: Family['type'], help: string, labels: Labels, value: number | undefined): void {
    if (value === undefined || !Number.isFinite(value)) return;
    let f = this.families.get(name);
    if (!f) this.families.set(name, (f = { name, type, help, samples: [] }));
    f.samples.push({ labels, value });
  }

  text(): string {
    const out: string[] = [];
    for (const f of this.families.values()) {
      out.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`);
      for (const s of f.samples) {
        const l = Object.entries(s.labels).map(([k, v]) => `${k}="${esc(v)}"`);
        out.push(`${f.name}${l.length ? `{${l.join(',')}}` : ''} ${s.value}`);
      }
    }
    return out.length ? out.join('\n') + '\n' : '';
  }
}

const BLOCK_STATS: [string, string, keyof Omit<BlockCounters, 'dev'>][] = [
  ['read_bytes', 'Bytes the guest read from this disk', 'rdBytes'],
  ['write_bytes', 'Bytes the guest wrote to this disk', 'wrBytes'],
  ['read_requests', 'Read requests of the guest on this disk', 'rdReqs'],
  ['write_requests', 'Write requests of the guest on this disk', 'wrReqs'],
];
const INTERFACE_STATS: [string, string, keyof Omit<NetCounters, 'dev'>][] = [
  ['receive_bytes', 'Bytes the guest received on this interface', 'rxBytes'],
  ['transmit_bytes', 'Bytes the guest sent on this interface', 'txBytes'],
  ['receive_packets', 'Packets the guest received on this interface', 'rxPackets'],
  ['transmit_packets', 'Packets the guest sent on this interface', 'txPackets'],
];

/**
 * Prometheus text format 0.0.4, as its users expect (and the community
 * libvirt exporter does): base units (seconds, bytes), cumulative counters
 * named `_total` so that rate() works and survives missed scrapes, gauges
 * only for levels, no sample timestamps (Prometheus stamps the scrape), and
 * label names like that exporter's (`domain`, `target_device`, `vcpu`) plus
 * `host` (VirtDeck's host id) and `uuid`. Counters reset when a VM restarts
 * (new QEMU process); rate() handles that.
 */
export function prometheusText(snapshots: readonly HostSnapshot[]): string {
  const e = new Exposition();
  for (const snap of snapshots) {
    const h = snap.host;
    const hl = { host: snap.hostId };
    if (h?.cpu) {
      CPU_MODES.forEach((mode, i) => e.add('virtdeck_host_cpu_seconds_total', 'counter', 'Host CPU time in each mode, summed over all CPUs (/proc/stat)', { ...hl, mode }, h.cpu!.modes[i]! / USER_HZ));
    }
    e.add('virtdeck_host_memory_total_bytes', 'gauge', 'Host memory installed (MemTotal)', hl, h?.memTotal);
    e.add('virtdeck_host_memory_available_bytes', 'gauge', 'Host memory available for new work (MemAvailable)', hl, h?.memAvailable);
    e.add('virtdeck_host_memory_cache_bytes', 'gauge', 'Host page cache and buffers (Buffers + Cached)', hl, h?.memCache);
    e.add('virtdeck_host_load1', 'gauge', 'Host load average over 1 minute', hl, h?.load?.[0]);
    e.add('virtdeck_host_load5', 'gauge', 'Host load average over 5 minutes', hl, h?.load?.[1]);
    e.add('virtdeck_host_load15', 'gauge', 'Host load average over 15 minutes', hl, h?.load?.[2]);
  }
  for (const snap of snapshots) {
    for (const vm of snap.vms) {
      const r = vm.raw;
      const dl = { host: snap.hostId, domain: vm.name, uuid: vm.uuid };
      e.add('virtdeck_domain_cpu_time_seconds_total', 'counter', "CPU time of the VM's cgroup: vCPUs, QEMU's own threads and its kernel threads (vhost)", dl, r.cpuNs === undefined ? undefined : r.cpuNs / 1e9);
      for (const v of r.vcpuEachNs ?? []) e.add('virtdeck_domain_vcpu_time_seconds_total', 'counter', 'Time each vCPU thread ran on a host CPU', { ...dl, vcpu: String(v.vcpu) }, v.ns / 1e9);
      e.add('virtdeck_domain_virtual_cpus', 'gauge', 'vCPUs of the VM', dl, vm.vcpus);
      e.add('virtdeck_domain_memory_usage_bytes', 'gauge', "Memory charged to the VM's cgroup", dl, r.mem);
      e.add('virtdeck_domain_memory_rss_bytes', 'gauge', "Anonymous memory of the VM's cgroup (guest RAM in use)", dl, r.memRss);
      e.add('virtdeck_domain_memory_cache_bytes', 'gauge', "Page cache charged to the VM's cgroup", dl, r.memCache);
      if (r.diskSource === 'host') {
        e.add('virtdeck_domain_host_storage_read_bytes_total', 'counter', "Bytes the VM's QEMU caused to be read from host storage (block layer: host page cache hits are not counted)", dl, r.diskRd);
        e.add('virtdeck_domain_host_storage_write_bytes_total', 'counter', "Bytes the VM's QEMU wrote or dirtied for host storage (block layer)", dl, r.diskWr);
      }
      for (const b of r.blocks ?? []) {
        for (const [what, help, key] of BLOCK_STATS) e.add(`virtdeck_domain_block_stats_${what}_total`, 'counter', `${help} (libvirt, refreshed every 2 minutes)`, { ...dl, target_device: b.dev }, b[key]);
      }
      for (const n of r.nets ?? []) {
        for (const [what, help, key] of INTERFACE_STATS) e.add(`virtdeck_domain_interface_stats_${what}_total`, 'counter', `${help} (host tap counters)`, { ...dl, target_device: n.dev }, n[key]);
      }
    }
  }
  return e.text();
}
