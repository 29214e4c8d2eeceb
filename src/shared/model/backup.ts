import { z } from 'zod';
import { HostIdSchema } from './host';

// Backups of definitions (issue 14): one archive per run holding, per host,
// every domain, network and pool definition, each VM's addresses and our tags,
// with a manifest that carries a sha256 of every file (docs/backup.md).

export const BACKUP_FORMAT_VERSION = 1;

export const BackupIdSchema = z.string().regex(/^b-[0-9]{8}T[0-9]{6}Z-[a-f0-9]{6}$/, 'backup id');
export type BackupId = z.infer<typeof BackupIdSchema>;

export const BackupItemKindSchema = z.enum(['domain', 'network', 'pool']);
export type BackupItemKind = z.infer<typeof BackupItemKindSchema>;

/** One definition in an archive. `key` is the uuid for domains, the name for networks and pools. */
export const BackupItemSchema = z.object({
  kind: BackupItemKindSchema,
  hostId: HostIdSchema,
  key: z.string(),
  name: z.string(),
  /** Path inside the archive (never built from a raw name: see shared/backup/paths.ts). */
  file: z.string(),
  active: z.boolean(),
  autostart: z.boolean(),
});
export type BackupItem = z.infer<typeof BackupItemSchema>;

export const BackupFileSchema = z.object({ path: z.string(), sha256: z.string().regex(/^[a-f0-9]{64}$/), size: z.number().int().nonnegative() });
export type BackupFile = z.infer<typeof BackupFileSchema>;

export const BackupHostSchema = z.object({
  hostId: HostIdSchema,
  name: z.string(),
  /** Folder in the archive: hosts/<hostId>/ */
  dir: z.string(),
  tags: z.array(z.string()).default([]),
  /** Why a host (or part of it) is missing from this backup. */
  errors: z.array(z.string()).default([]),
});
export type BackupHost = z.infer<typeof BackupHostSchema>;

export const BackupManifestSchema = z.object({
  format: z.literal('virtdeck-backup'),
  version: z.number().int(),
  id: BackupIdSchema,
  created: z.number().int(),
  virtdeckVersion: z.string(),
  trigger: z.enum(['manual', 'schedule']),
  hosts: z.array(BackupHostSchema),
  items: z.array(BackupItemSchema),
  files: z.array(BackupFileSchema),
});
export type BackupManifest = z.infer<typeof BackupManifestSchema>;

export const BackupSummarySchema = z.object({
  id: BackupIdSchema,
  created: z.number().int(),
  trigger: z.enum(['manual', 'schedule']),
  size: z.number().int().nonnegative(),
  filename: z.string(),
  hosts: z.array(z.object({ hostId: HostIdSchema, name: z.string(), errors: z.array(z.string()) })),
  counts: z.object({ domains: z.number().int(), networks: z.number().int(), pools: z.number().int() }),
});
export type BackupSummary = z.infer<typeof BackupSummarySchema>;

/** ips.json: per VM (by uuid), each NIC's MAC with the leases and reservations it had. */
export const VmAddressesSchema = z.record(
  z.string(),
  z.object({
    name: z.string(),
    nics: z.array(
      z.object({
        mac: z.string(),
        network: z.string().optional(),
        leases: z.array(z.object({ ip: z.string(), network: z.string() })),
        reservations: z.array(z.object({ ip: z.string(), network: z.string(), hostname: z.string().optional() })),
      }),
    ),
  }),
);
export type VmAddresses = z.infer<typeof VmAddressesSchema>;

/** tags.json: the host's tags and each VM's (VM tags also live in its XML <metadata>). */
export const TagsFileSchema = z.object({ host: z.array(z.string()), domains: z.record(z.string(), z.object({ name: z.string(), tags: z.array(z.string()) })) });
export type TagsFile = z.infer<typeof TagsFileSchema>;

export const DiffEntrySchema = z.object({
  kind: BackupItemKindSchema,
  name: z.string(),
  key: z.string(),
  /** removed: in the backup, gone from the host; added: on the host, not in the backup. */
  status: z.enum(['added', 'removed', 'changed', 'same']),
  /** Unified text diff of the XML (backup -> live), for 'changed'. */
  patch: z.string().optional(),
});
export type DiffEntry = z.infer<typeof DiffEntrySchema>;

export const BackupDiffSchema = z.object({ backupHostId: HostIdSchema, liveHostId: HostIdSchema, entries: z.array(DiffEntrySchema) });
export type BackupDiff = z.infer<typeof BackupDiffSchema>;

export const ConflictChoiceSchema = z.enum(['skip', 'rename', 'replace']);
export type ConflictChoice = z.infer<typeof ConflictChoiceSchema>;

const ItemRef = z.object({ kind: BackupItemKindSchema, key: z.string().min(1).max(200) }).strict();
const NameMap = z.record(z.string().max(200), z.string().trim().min(1).max(200).refine((s) => !s.includes('/'), "names can't contain '/'"));

export const RestoreInputSchema = z
  .object({
    id: BackupIdSchema,
    /** The host in the backup to restore from. */
    fromHostId: HostIdSchema,
    /** Where to restore (the same host or another). */
    toHostId: HostIdSchema,
    /** Chosen items; omitted = all. */
    items: z.array(ItemRef).max(5000).optional(),
    /** What to do when an item already exists on the target (default skip). */
    onConflict: ConflictChoiceSchema.default('skip'),
    /** Per item overrides, keyed `<kind>:<key>`. */
    conflicts: z.record(z.string().max(220), ConflictChoiceSchema).default({}),
    /** New names for items restored under another name, keyed `<kind>:<key>` (default "<name>-restored"). */
    renames: NameMap.default({}),
    /** Source network/pool name -> target name; a mapped network or pool is used, not restored. */
    networkMap: NameMap.default({}),
    poolMap: NameMap.default({}),
    /** Replace of a running VM rewrites its saved definition (it applies at next boot): refused unless asked for. */
    replaceRunning: z.boolean().default(false),
    /** Start restored VMs that were running when backed up. */
    startDomains: z.boolean().default(false),
  })
  .strict();
export type RestoreInput = z.input<typeof RestoreInputSchema>;
export type RestoreArgs = z.output<typeof RestoreInputSchema>;

export const RestoreActionSchema = z.object({
  kind: BackupItemKindSchema,
  key: z.string(),
  name: z.string(),
  /** The name it will have on the target (differs when renamed). */
  targetName: z.string(),
  action: z.enum(['create', 'replace', 'rename', 'skip', 'mapped', 'refuse']),
  /** What will happen, in words (the dry run shows these). */
  changes: z.array(z.string()),
  /** Why an item is refused or skipped. */
  reason: z.string().optional(),
});
export type RestoreAction = z.infer<typeof RestoreActionSchema>;

export const RestorePlanSchema = z.object({
  toHostId: HostIdSchema,
  actions: z.array(RestoreActionSchema),
  /** Reservations that will be added to networks that already exist. */
  reservations: z.array(z.object({ network: z.string(), mac: z.string(), ip: z.string(), vm: z.string() })),
  warnings: z.array(z.string()),
  /** False when an action is refused: restore will not run. */
  runnable: z.boolean(),
});
export type RestorePlan = z.infer<typeof RestorePlanSchema>;

export const BackupScheduleSchema = z
  .object({
    enabled: z.boolean(),
    /** Local time of day, HH:MM (24 h). */
    time: z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'time: HH:MM'),
    /** Hosts to back up; empty = all hosts. */
    hostIds: z.array(HostIdSchema).max(500).default([]),
    /** Scheduled backups kept (older ones are deleted; manual ones are never). */
    keep: z.number().int().min(1).max(365),
  })
  .strict();
export type BackupSchedule = z.infer<typeof BackupScheduleSchema>;

export const BackupScheduleStateSchema = BackupScheduleSchema.extend({
  lastRunAt: z.number().int().optional(),
  lastResult: z.string().optional(),
  nextRunAt: z.number().int().optional(),
});
export type BackupScheduleState = z.infer<typeof BackupScheduleStateSchema>;

export const itemKey = (kind: string, key: string): string => `${kind}:${key}`;
