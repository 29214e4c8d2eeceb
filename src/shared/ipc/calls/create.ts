import { z } from 'zod';
import { call } from '../define';
import { HostIdSchema } from '../../model/host';
import { UuidSchema } from '../../model/domain';
import { TaskRefSchema } from '../../model/task';
import { OsProfileSchema } from '../../create/os';
import { CreateSpecSchema, PlacementPickSchema, VmNameSchema } from '../../create/spec';

// The create wizard (issue 11): what a host offers, the preview of what will
// be defined (XML + the virt-install line), and the run as one Task.

export const CreateOptionsSchema = z.object({
  os: z.object({ source: z.enum(['osinfo', 'curated']), version: z.string().optional(), profiles: z.array(OsProfileSchema) }),
  accel: z.array(z.enum(['kvm', 'qemu'])),
  machines: z.array(z.enum(['q35', 'pc'])),
  /** An OVMF build is installed (UEFI is offered only then). */
  uefi: z.boolean(),
  /** swtpm is installed (TPM emulation). */
  tpm: z.boolean(),
  diskBuses: z.array(z.string()),
  videoModels: z.array(z.string()),
  pools: z.array(z.object({ name: z.string(), type: z.string(), path: z.string().optional(), active: z.boolean(), capacityBytes: z.number(), availableBytes: z.number() })),
  networks: z.array(z.object({ name: z.string(), active: z.boolean() })),
  bridges: z.array(z.string()),
  /** VM names already on the host. */
  names: z.array(z.string()),
});
export type CreateOptions = z.infer<typeof CreateOptionsSchema>;

export const MediaVolumeSchema = z.object({
  pool: z.string(),
  volume: z.string(),
  path: z.string(),
  format: z.string().optional(),
  capacityBytes: z.number(),
  /** What the file looks like: an ISO (by name or format) or a disk image. */
  kind: z.enum(['iso', 'disk']),
});
export type MediaVolume = z.infer<typeof MediaVolumeSchema>;

export const CreatePreviewSchema = z.object({
  xml: z.string(),
  /** The same VM as a virt-install command (plus the copy commands virt-install has no option for). */
  virtInstall: z.string(),
  /** The cloud-init documents (passwords shown as ********). */
  cloudInit: z.object({ userData: z.string(), metaData: z.string(), networkConfig: z.string().optional() }).optional(),
  warnings: z.array(z.string()),
  /** What the task will do, in order. */
  steps: z.array(z.string()),
});
export type CreatePreview = z.infer<typeof CreatePreviewSchema>;

export const SshPublicKeySchema = z.object({ file: z.string(), key: z.string(), comment: z.string() });

export const CreatedVmSchema = z.object({ hostId: HostIdSchema, uuid: UuidSchema, name: z.string(), started: z.boolean() });
export type CreatedVm = z.infer<typeof CreatedVmSchema>;

export const HostAdviceSchema = z.object({ hostId: HostIdSchema, name: z.string(), eligible: z.boolean(), score: z.number(), reasons: z.array(z.string()) });

export const createCalls = {
  'create.advise': call(
    z
      .object({
        vcpus: z.number().int().min(1).max(512),
        memoryMiB: z.number().int().min(16),
        network: z.string().max(200).optional(),
        pool: z.string().max(200).optional(),
        diskGiB: z.number().min(0).default(0),
        tags: z.array(z.string().max(60)).max(32).default([]),
        copies: z.number().int().min(1).max(20).default(1),
        cpuOvercommit: z.number().min(0.1).max(64).default(4),
      })
      .strict(),
    z.object({ hosts: z.array(HostAdviceSchema), picks: z.array(HostIdSchema.nullable()) }),
    'Ranks the connected hosts for a new VM (free memory and CPU, network, pool room, app: tag spread) with reasons; picks a host per copy.',
  ),
  'create.getOptions': call(
    z.object({ hostId: HostIdSchema, refreshOs: z.boolean().default(false) }).strict(),
    CreateOptionsSchema,
    'What a host offers a new VM: OS list (osinfo or curated), accelerators, UEFI/TPM, pools, networks, bridges, names taken.',
  ),
  'create.listMedia': call(z.object({ hostId: HostIdSchema }).strict(), z.array(MediaVolumeSchema), 'ISO and disk images already in the host’s active pools.'),
  'create.check': call(
    z.object({ hostId: HostIdSchema, name: VmNameSchema, diskPool: z.string().max(200).optional() }).strict(),
    z.object({ free: z.boolean(), reason: z.string().optional() }),
    'Whether a VM name (and its disk volume names) is free on a host.',
  ),
  'create.preview': call(
    z.object({ hostId: HostIdSchema, name: VmNameSchema, spec: CreateSpecSchema }).strict(),
    CreatePreviewSchema,
    'The definition the create task would define on this host, the equivalent virt-install line, and warnings.',
  ),
  'create.start': call(
    z.object({ spec: CreateSpecSchema, placements: z.array(PlacementPickSchema).min(1).max(20) }).strict(),
    TaskRefSchema,
    'Creates the VM (or one copy per placement) as one task: volumes, uploads, seed, define, start; undone on failure.',
  ),
  'create.begin': call(
    z.object({ hostId: HostIdSchema, uuid: UuidSchema }).strict(),
    TaskRefSchema,
    'Starts a VM created with “Customise before start” and finishes its first-boot plan (media, kernel, seed).',
  ),
  'create.listSshKeys': call(z.object({}).strict(), z.array(SshPublicKeySchema), 'Public keys in ~/.ssh/*.pub of the user running VirtDeck.'),
};
