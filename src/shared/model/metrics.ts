import { z } from 'zod';
import { HostIdSchema } from './host';
import { UuidSchema } from './domain';

// Metric columns in a fixed order: samples travel and are stored as arrays in
// this order (one number per metric, null when unknown), never as objects, so
// a tick of 300 VMs stays a few kilobytes on the wire and on disk.
export const VM_METRICS = [
  'cpu', // % of the VM's vCPUs, from cgroup CPU time (vCPU threads + emulator + vhost)
  'vcpu', // % of the VM's vCPUs, vCPU threads only (their /proc schedstat run time)
  'mem', // bytes charged to the VM's cgroup
  'memRss', // anonymous bytes (v1 rss, v2 anon)
  'memCache', // page cache bytes (v1 cache, v2 file)
  'diskRd', // bytes/s the VM's QEMU read from host storage (block layer, /proc/<pid>/io; see main/metrics/README.md)
  'diskWr',
  'diskRdOps', // requests/s of the guest (libvirt block.N.rd.reqs, every 2 minutes)
  'diskWrOps',
  'netRx', // bytes/s received by the guest (the host's tap tx)
  'netTx',
  'netRxPkts', // packets/s
  'netTxPkts',
] as const;
export type VmMetric = (typeof VM_METRICS)[number];

export const HOST_METRICS = [
  'cpu', // % busy of all host CPUs (/proc/stat)
  'iowait', // % of all host CPUs waiting on IO
  'mem', // bytes used: MemTotal - MemAvailable
  'memTotal',
  'memCache', // Buffers + Cached
  'load1',
  'load5',
  'load15',
] as const;
export type HostMetric = (typeof HOST_METRICS)[number];

export type MetricUnit = 'percent' | 'bytes' | 'bytesPerSec' | 'perSec' | 'load';
export const METRIC_UNITS: Record<VmMetric | HostMetric, MetricUnit> = {
  cpu: 'percent',
  vcpu: 'percent',
  iowait: 'percent',
  mem: 'bytes',
  memTotal: 'bytes',
  memRss: 'bytes',
  memCache: 'bytes',
  diskRd: 'bytesPerSec',
  diskWr: 'bytesPerSec',
  diskRdOps: 'perSec',
  diskWrOps: 'perSec',
  netRx: 'bytesPerSec',
  netTx: 'bytesPerSec',
  netRxPkts: 'perSec',
  netTxPkts: 'perSec',
  load1: 'load',
  load5: 'load',
  load15: 'load',
};

export const SeriesKindSchema = z.enum(['vm', 'host']);
export type SeriesKind = z.infer<typeof SeriesKindSchema>;

/** One row of values in the kind's metric order; null = not measured this tick. */
export const ValuesSchema = z.array(z.number().nullable());

export const VmSampleSchema = z.object({ uuid: UuidSchema, name: z.string(), vcpus: z.number().int().optional(), v: ValuesSchema });
export type VmSample = z.infer<typeof VmSampleSchema>;

/** What a window subscribes to. `all` = every VM of every host at the background rate (top consumers). */
export const MetricTargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('vm'), hostId: HostIdSchema, uuid: UuidSchema }),
  z.object({ kind: z.literal('host'), hostId: HostIdSchema }),
  z.object({ kind: z.literal('all') }),
]);
export type MetricTarget = z.infer<typeof MetricTargetSchema>;

export const SampledSchema = z.object({
  hostId: HostIdSchema,
  /** Unix ms of the tick (core clock). */
  t: z.number(),
  host: ValuesSchema.optional(),
  vms: z.array(VmSampleSchema),
});
export type Sampled = z.infer<typeof SampledSchema>;

export const HistorySchema = z.object({
  kind: SeriesKindSchema,
  metrics: z.array(z.string()),
  /** Seconds between points after downsampling. */
  step: z.number(),
  /** Unix ms per point, and one column per metric (same order as `metrics`). */
  t: z.array(z.number()),
  columns: z.array(ValuesSchema),
});
export type History = z.infer<typeof HistorySchema>;

export const AlertRuleSchema = z.object({
  id: z.string().min(1).max(64),
  name: z.string().trim().min(1).max(120),
  scope: SeriesKindSchema,
  metric: z.string().min(1).max(32),
  op: z.enum(['>', '<']),
  threshold: z.number().finite(),
  /** The condition must hold this long before the alert fires. */
  forSec: z.number().int().min(0).max(86_400),
  enabled: z.boolean().default(true),
});
export type AlertRule = z.infer<typeof AlertRuleSchema>;

export const ActiveAlertSchema = z.object({
  ruleId: z.string(),
  hostId: HostIdSchema,
  uuid: UuidSchema.optional(),
  /** VM or host name, for the message. */
  subject: z.string(),
  metric: z.string(),
  value: z.number(),
  threshold: z.number(),
  since: z.number(),
  firedAt: z.number(),
});
export type ActiveAlert = z.infer<typeof ActiveAlertSchema>;

export const TopRowSchema = z.object({ hostId: HostIdSchema, uuid: UuidSchema, name: z.string(), vcpus: z.number().int().optional(), t: z.number(), v: ValuesSchema });
export type TopRow = z.infer<typeof TopRowSchema>;

export const metricsOf = (kind: SeriesKind): readonly string[] => (kind === 'vm' ? VM_METRICS : HOST_METRICS);
