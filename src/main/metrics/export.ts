import { HOST_METRICS, METRIC_UNITS, VM_METRICS, type History, type TopRow } from '../../shared/model/metrics';

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

/** Label values escape backslash, double quote and newline (exposition format). */
const label = (s: string): string => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

const PROM: Record<string, { name: string; help: string; type: 'gauge' }> = {
  cpu: { name: 'cpu_percent', help: 'CPU use as percent of the allocated CPUs', type: 'gauge' },
  vcpu: { name: 'vcpu_percent', help: 'vCPU thread time as percent of the vCPUs', type: 'gauge' },
  iowait: { name: 'iowait_percent', help: 'CPU time waiting on IO, percent', type: 'gauge' },
  mem: { name: 'memory_used_bytes', help: 'Memory in use', type: 'gauge' },
  memTotal: { name: 'memory_total_bytes', help: 'Memory installed', type: 'gauge' },
  memRss: { name: 'memory_rss_bytes', help: 'Anonymous memory', type: 'gauge' },
  memCache: { name: 'memory_cache_bytes', help: 'Page cache', type: 'gauge' },
  diskRd: { name: 'disk_read_bytes_per_second', help: 'Disk bytes read per second', type: 'gauge' },
  diskWr: { name: 'disk_write_bytes_per_second', help: 'Disk bytes written per second', type: 'gauge' },
  diskRdOps: { name: 'disk_read_ops_per_second', help: 'Disk read requests per second', type: 'gauge' },
  diskWrOps: { name: 'disk_write_ops_per_second', help: 'Disk write requests per second', type: 'gauge' },
  netRx: { name: 'network_receive_bytes_per_second', help: 'Bytes received by the guest per second', type: 'gauge' },
  netTx: { name: 'network_transmit_bytes_per_second', help: 'Bytes sent by the guest per second', type: 'gauge' },
  netRxPkts: { name: 'network_receive_packets_per_second', help: 'Packets received per second', type: 'gauge' },
  netTxPkts: { name: 'network_transmit_packets_per_second', help: 'Packets sent per second', type: 'gauge' },
  load1: { name: 'load1', help: 'Load average over 1 minute', type: 'gauge' },
  load5: { name: 'load5', help: 'Load average over 5 minutes', type: 'gauge' },
  load15: { name: 'load15', help: 'Load average over 15 minutes', type: 'gauge' },
};

export interface HostLatest {
  hostId: string;
  t: number;
  v: (number | null)[];
}

/** Prometheus text format 0.0.4: gauges of the newest values, with their sample time. */
export function prometheusText(hosts: readonly HostLatest[], vms: readonly TopRow[]): string {
  const out: string[] = [];
  const family = (prefix: 'vm' | 'host', metrics: readonly string[], rows: { labels: string; t: number; v: (number | null)[] }[]) => {
    metrics.forEach((m, i) => {
      const p = PROM[m];
      if (!p) return;
      const name = `virtdeck_${prefix}_${p.name}`;
      const lines = rows.flatMap((r) => {
        const v = r.v[i];
        return v === null || v === undefined ? [] : [`${name}{${r.labels}} ${v} ${Math.round(r.t)}`];
      });
      if (!lines.length) return;
      out.push(`# HELP ${name} ${p.help}`, `# TYPE ${name} ${p.type}`, ...lines);
    });
  };
  family('host', HOST_METRICS, hosts.map((h) => ({ labels: `host="${label(h.hostId)}"`, t: h.t, v: h.v })));
  family('vm', VM_METRICS, vms.map((r) => ({ labels: `host="${label(r.hostId)}",uuid="${r.uuid}",vm="${label(r.name)}"`, t: r.t, v: r.v })));
  return out.join('\n') + '\n';
}
