import { z } from 'zod';
import { HostIdSchema } from './host';

// libvirt's virDomainState numbering (LIBVIRT-RPC.md).
export const DOMAIN_STATES = ['nostate', 'running', 'blocked', 'paused', 'shutdown', 'shutoff', 'crashed', 'pmsuspended'] as const;
export const DomainStateSchema = z.enum(DOMAIN_STATES);
export type DomainState = z.infer<typeof DomainStateSchema>;

export const UuidSchema = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'uuid');

/** A domain as it appears in the tree: cheap to list for thousands. */
export const DomainSummarySchema = z.object({
  hostId: HostIdSchema,
  uuid: UuidSchema,
  name: z.string(),
  /** libvirt's runtime id, -1 when inactive. */
  id: z.number().int(),
  state: DomainStateSchema,
  reason: z.number().int().optional(),
  persistent: z.boolean().optional(),
  vcpus: z.number().int().optional(),
  memoryKiB: z.number().optional(),
  autostart: z.boolean().optional(),
  tags: z.array(z.string()).default([]),
  ips: z.array(z.string()).default([]),
});
export type DomainSummary = z.infer<typeof DomainSummarySchema>;

export const DomainRefSchema = z.object({ hostId: HostIdSchema, uuid: UuidSchema });
export type DomainRef = z.infer<typeof DomainRefSchema>;

export const DiskSchema = z.object({
  device: z.string(), // disk | cdrom | floppy | lun
  type: z.string(), // file | block | network | volume
  target: z.string(),
  bus: z.string().optional(),
  source: z.string().optional(),
  format: z.string().optional(),
  readonly: z.boolean().default(false),
  pool: z.string().optional(),
  volume: z.string().optional(),
});
export type Disk = z.infer<typeof DiskSchema>;

export const NicSchema = z.object({
  type: z.string(),
  mac: z.string().optional(),
  source: z.string().optional(),
  model: z.string().optional(),
  target: z.string().optional(),
});
export type Nic = z.infer<typeof NicSchema>;

export const GraphicsSchema = z.object({
  type: z.string(),
  port: z.number().int().optional(),
  autoport: z.boolean().optional(),
  listen: z.string().optional(),
  socket: z.string().optional(),
  hasPassword: z.boolean().default(false),
});
export type Graphics = z.infer<typeof GraphicsSchema>;

export const DomainDetailsSchema = DomainSummarySchema.extend({
  title: z.string().optional(),
  description: z.string().optional(),
  virtType: z.string(),
  arch: z.string().optional(),
  machine: z.string().optional(),
  osType: z.string().optional(),
  boot: z.array(z.string()).default([]),
  kernel: z.string().optional(),
  vcpu: z.object({ current: z.number().int(), max: z.number().int() }),
  topology: z.object({ sockets: z.number().int(), cores: z.number().int(), threads: z.number().int() }).optional(),
  cpuMode: z.string().optional(),
  memory: z.object({ currentKiB: z.number(), maxKiB: z.number() }),
  disks: z.array(DiskSchema),
  nics: z.array(NicSchema),
  graphics: z.array(GraphicsSchema),
  consoles: z.array(z.object({ type: z.string(), target: z.string().optional() })).default([]),
});
export type DomainDetails = z.infer<typeof DomainDetailsSchema>;

export const LifecycleActionSchema = z.enum(['start', 'shutdown', 'reboot', 'reset', 'forceOff', 'pause', 'resume']);
export type LifecycleAction = z.infer<typeof LifecycleActionSchema>;
