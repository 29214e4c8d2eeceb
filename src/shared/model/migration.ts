import { z } from 'zod';
import { HostIdSchema } from './host';
import { UuidSchema } from './domain';

// Moving a VM between hosts: the wizard's choices, the preflight checklist,
// and the live figures of a running migration.

/**
 * - live-shared: memory only; every disk is visible to both hosts.
 * - live-copy-all: memory plus every writable disk (libvirt NON_SHARED_DISK).
 * - live-copy-nonshared: memory plus only the disks the target cannot see.
 * - offline: a shut-off VM; definition plus disks copied through VirtDeck's own connections.
 */
export const MigrationModeSchema = z.enum(['live-shared', 'live-copy-all', 'live-copy-nonshared', 'offline']);
export type MigrationMode = z.infer<typeof MigrationModeSchema>;

/** direct: QEMU to QEMU over the hosts' own network. relay: through the workstation's two SSH connections. */
export const MigrationRouteSchema = z.enum(['direct', 'relay']);
export type MigrationRoute = z.infer<typeof MigrationRouteSchema>;

const name = z.string().min(1).max(256);

export const MigrationOptionsSchema = z
  .object({
    /** Keep the source's (now inactive) definition after a live move; false undefines it. */
    keepSource: z.boolean().default(false),
    /** Define the VM on the target (live migration otherwise leaves it transient there). */
    persist: z.boolean().default(true),
    /** MiB/s; absent = unlimited. */
    bandwidthMiBs: z.number().int().min(1).max(1_000_000).optional(),
    /** Longest pause at switchover, ms. */
    maxDowntimeMs: z.number().int().min(1).max(600_000).optional(),
    /** Throttle the guest's vCPUs when it dirties memory faster than the link copies. */
    autoConverge: z.boolean().default(false),
    /** Switch to post-copy after the first pass. Cannot be cancelled afterwards; a broken link then loses the VM. */
    postCopy: z.boolean().default(false),
    compression: z.enum(['none', 'xbzrle', 'mt']).default('none'),
    /** Moves that copy disks: delete the source's disk volumes afterwards (offline: once their copies check out by SHA-256). */
    removeSourceDisks: z.boolean().default(false),
  })
  .strict();
export type MigrationOptions = z.infer<typeof MigrationOptionsSchema>;

export const MigrationRequestSchema = z
  .object({
    hostId: HostIdSchema,
    uuid: UuidSchema,
    targetHostId: HostIdSchema,
    /** Absent: the one preflight recommends. */
    mode: MigrationModeSchema.optional(),
    route: MigrationRouteSchema.optional(),
    /** Source network name -> target network name, for networks the target lacks. */
    networkMap: z.record(name, name).default({}),
    options: MigrationOptionsSchema.default(() => MigrationOptionsSchema.parse({})),
  })
  .strict();
export type MigrationRequest = z.infer<typeof MigrationRequestSchema>;
export type MigrationRequestInput = z.input<typeof MigrationRequestSchema>;

export const CheckVerdictSchema = z.enum(['pass', 'warn', 'fail', 'skip']);
export type CheckVerdict = z.infer<typeof CheckVerdictSchema>;

export const PreflightCheckSchema = z.object({
  id: z.string(),
  label: z.string(),
  verdict: CheckVerdictSchema,
  /** One line for people: what was found and, on fail, what to do. */
  message: z.string(),
  /** Extra lines (each disk, each network…). */
  details: z.array(z.string()).default([]),
});
export type PreflightCheck = z.infer<typeof PreflightCheckSchema>;

export const PreflightDiskSchema = z.object({
  target: z.string(),
  device: z.string(),
  path: z.string().optional(),
  /** Seen as the same file on both hosts (or network storage). */
  shared: z.boolean(),
  readonly: z.boolean(),
  /** Bytes allocated on the source (what a copy moves). */
  allocation: z.number().optional(),
  capacity: z.number().optional(),
  format: z.string().optional(),
});
export type PreflightDisk = z.infer<typeof PreflightDiskSchema>;

export const ModeChoiceSchema = z.object({ mode: MigrationModeSchema, available: z.boolean(), reason: z.string() });

export const PreflightReportSchema = z.object({
  hostId: HostIdSchema,
  uuid: UuidSchema,
  name: z.string(),
  targetHostId: HostIdSchema,
  state: z.string(),
  /** The mode these checks were run for. */
  mode: MigrationModeSchema,
  route: MigrationRouteSchema,
  modes: z.array(ModeChoiceSchema),
  recommendedMode: MigrationModeSchema.optional(),
  /** Whether the source reaches the target's migration port directly; null = could not tell. */
  reachable: z.boolean().nullable(),
  reachDetail: z.string(),
  /** false when the relay cannot be used (a local host, or no SSH on one side). */
  relayPossible: z.boolean(),
  checks: z.array(PreflightCheckSchema),
  disks: z.array(PreflightDiskSchema),
  /** Networks the VM uses that the target lacks, with the target's active networks to map them to. */
  networkMapping: z.object({ missing: z.array(z.string()), choices: z.array(z.string()) }),
  /** No check failed: the migration may start. */
  ok: z.boolean(),
});
export type PreflightReport = z.infer<typeof PreflightReportSchema>;

/** Live figures of a running migration (libvirt job stats, normalised). Bytes, ms. */
export const MigrationStatsSchema = z.object({
  elapsedMs: z.number(),
  dataTotal: z.number().optional(),
  dataProcessed: z.number().optional(),
  dataRemaining: z.number().optional(),
  memoryTotal: z.number().optional(),
  memoryProcessed: z.number().optional(),
  memoryRemaining: z.number().optional(),
  /** bytes/s of the memory copy */
  memoryBps: z.number().optional(),
  /** bytes/s the guest dirties (pages/s times page size) */
  dirtyRate: z.number().optional(),
  iteration: z.number().optional(),
  diskTotal: z.number().optional(),
  diskProcessed: z.number().optional(),
  diskRemaining: z.number().optional(),
  diskBps: z.number().optional(),
  /** While running: the pause libvirt expects at switchover. After: the pause there was. */
  downtimeMs: z.number().optional(),
  autoConvergeThrottle: z.number().optional(),
  postCopy: z.boolean().default(false),
});
export type MigrationStats = z.infer<typeof MigrationStatsSchema>;

export const MigrationProgressSchema = z.object({
  taskId: z.string(),
  hostId: HostIdSchema,
  uuid: UuidSchema,
  targetHostId: HostIdSchema,
  phase: z.string(),
  stats: MigrationStatsSchema,
});
export type MigrationProgress = z.infer<typeof MigrationProgressSchema>;

export const MigratedSchema = z.object({
  uuid: UuidSchema,
  name: z.string(),
  fromHostId: HostIdSchema,
  toHostId: HostIdSchema,
  mode: MigrationModeSchema,
  at: z.number(),
});
export type Migrated = z.infer<typeof MigratedSchema>;
