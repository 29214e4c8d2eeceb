import { z } from 'zod';
import { HostIdSchema } from './host';
import { DomainStateSchema, UuidSchema } from './domain';

// Placement advice (issue 11 item 5, issue 12 evacuation): which host should
// run a VM. Done openly: every host gets a score and the reasons behind it,
// and the admin may always choose otherwise.

export const PlacementSettingsSchema = z
  .object({
    /** vCPUs that may be allocated per host CPU thread. */
    cpuOvercommit: z.number().min(0.1).max(64).default(4),
    /** Memory that may be allocated per byte of host RAM (1 = none). */
    memoryOvercommit: z.number().min(0.1).max(8).default(1),
    /** Memory kept free for the host itself on every host (MiB). */
    defaultReserveMiB: z.number().int().min(0).max(16 * 1024 * 1024).default(512),
    /** Per-host reservation (MiB), overriding the default. */
    reserveMiB: z.record(HostIdSchema, z.number().int().min(0).max(16 * 1024 * 1024)).default({}),
  })
  .strict();
export type PlacementSettings = z.infer<typeof PlacementSettingsSchema>;

/** What the placement service measured about one host. Memory in KiB, disk in bytes. */
export const HostCandidateSchema = z.object({
  hostId: HostIdSchema,
  name: z.string(),
  connected: z.boolean(),
  maintenance: z.boolean(),
  cpus: z.number().int(),
  memoryKiB: z.number(),
  /** Free + buffers + page cache: what a new guest can take without swapping. */
  availableKiB: z.number(),
  /** Live host CPU busy %, from the metrics sampler, when known. */
  cpuBusyPct: z.number().optional(),
  /** Other hosts on the same kernel (same boot id): cpuBusyPct is then what this host's VMs use. */
  sharesKernelWith: z.array(z.string()).optional(),
  allocatedVcpus: z.number(),
  allocatedMemKiB: z.number(),
  runningVms: z.number().int(),
  networks: z.array(z.string()),
  pools: z.array(z.object({ name: z.string(), path: z.string().optional(), availableBytes: z.number() })),
  /** Running VMs per `app:` tag value. */
  apps: z.record(z.string(), z.number().int()),
});
export type HostCandidate = z.infer<typeof HostCandidateSchema>;

export const PlacementRequestSchema = z
  .object({
    vcpus: z.number().int().min(1).max(4096),
    memoryKiB: z.number().min(1),
    /** Networks the VM attaches to (by name). */
    networks: z.array(z.string().max(256)).max(64).default([]),
    /** Pools the VM's new disks go to (by name) or live in (by target directory). */
    pools: z.array(z.string().max(256)).max(64).default([]),
    poolPaths: z.array(z.string().max(4096)).max(64).default([]),
    diskBytes: z.number().min(0).default(0),
    /** The `app:` tag value to spread. */
    app: z.string().max(60).optional(),
    /** Hosts that must not be chosen (the VM's current host). */
    exclude: z.array(HostIdSchema).max(1000).default([]),
    /** A shut-off VM only needs its definition to fit (networks, pools), not memory or CPU. */
    running: z.boolean().default(true),
  })
  .strict();
export type PlacementRequest = z.infer<typeof PlacementRequestSchema>;
export type PlacementRequestInput = z.input<typeof PlacementRequestSchema>;

export const HostScoreSchema = z.object({
  hostId: HostIdSchema,
  name: z.string(),
  eligible: z.boolean(),
  /** 0-100, higher is better; 0 when not eligible. */
  score: z.number(),
  /** Why: what counts for and against, one short line each. */
  reasons: z.array(z.string()),
});
export type HostScore = z.infer<typeof HostScoreSchema>;

/** One VM of an evacuation plan. */
export const PlannedMoveSchema = z.object({
  uuid: UuidSchema,
  name: z.string(),
  state: DomainStateSchema,
  memoryKiB: z.number(),
  vcpus: z.number().int(),
  app: z.string().optional(),
  /** null: no host can take it (see reason). */
  targetHostId: HostIdSchema.nullable(),
  /** The admin chose the target (or chose to skip). */
  overridden: z.boolean(),
  skipped: z.boolean(),
  reason: z.string(),
  scores: z.array(HostScoreSchema),
  /** Preflight for the planned target (mode it would use, what fails). */
  preflight: z
    .object({ ok: z.boolean(), mode: z.string(), route: z.string(), failed: z.array(z.string()), warnings: z.array(z.string()) })
    .optional(),
});
export type PlannedMove = z.infer<typeof PlannedMoveSchema>;
