import { z } from 'zod';
import { HostIdSchema } from '../model/host';

// The P2V contract's shapes: what discovery found on a source machine, what
// the target host offers, and the one request that starts a conversion.

const PartitionSchema: z.ZodType<import('./discovery').SourcePartition> = z.lazy(() =>
  z.object({
    path: z.string(),
    name: z.string(),
    size: z.number(),
    type: z.string(),
    fstype: z.string().optional(),
    label: z.string().optional(),
    mountpoints: z.array(z.string()),
    children: z.array(PartitionSchema),
  }),
);

export const SourceInventorySchema = z.object({
  hostname: z.string(),
  kernel: z.string(),
  os: z.object({ prettyName: z.string(), id: z.string().optional(), versionId: z.string().optional() }),
  firmware: z.enum(['bios', 'uefi']),
  cpu: z.object({ count: z.number().int(), model: z.string().optional() }),
  memoryBytes: z.number(),
  disks: z.array(
    z.object({
      name: z.string(),
      path: z.string(),
      size: z.number(),
      type: z.string(),
      model: z.string().optional(),
      transport: z.string().optional(),
      removable: z.boolean(),
      readOnly: z.boolean(),
      partitionTable: z.string().optional(),
      partitions: z.array(PartitionSchema),
      inUse: z.boolean(),
      holdsRoot: z.boolean(),
      flags: z.object({ lvm: z.boolean(), raid: z.boolean(), luks: z.boolean() }),
    }),
  ),
  nics: z.array(z.object({ name: z.string(), mac: z.string(), addresses: z.array(z.string()), up: z.boolean() })),
  lvm: z.array(z.object({ vg: z.string(), lv: z.string(), path: z.string(), size: z.number(), snapshotPossible: z.boolean() })),
  rootSource: z.string().optional(),
  mode: z.enum(['live', 'rescue']),
  privilege: z.enum(['root', 'sudo', 'none']),
  problems: z.array(z.string()),
});

export const DiskBusSchema = z.enum(['sata', 'virtio', 'scsi']);
export const NicModelSchema = z.enum(['e1000e', 'virtio', 'e1000', 'rtl8139']);
export const VolumeFormatSchema = z.enum(['raw', 'qcow2']);
/**
 * as-is: read the disks as they are (crash-consistent when the source runs
 * from them). fsfreeze: freeze the disk's mounted filesystems (not "/") while
 * it is read, so they are consistent; writers on them block meanwhile.
 */
export const ConsistencySchema = z.enum(['as-is', 'fsfreeze']);

// libvirt refuses '/' in names; everything else reaches it as data.
const vmName = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .refine((s) => !s.includes('/'), 'a VM name cannot contain "/"');
// Pool and volume names land in paths on the host.
const fileName = z
  .string()
  .min(1)
  .max(200)
  .refine((s) => !s.includes('/') && s !== '.' && s !== '..' && !s.includes('\0'), 'a volume name cannot contain "/" or be "." or ".."');

export const P2vDiskSchema = z
  .object({
    /** The block device on the source, as discovery listed it (e.g. /dev/sda). */
    device: z.string().regex(/^\/dev\/[A-Za-z0-9._/-]+$/, 'a block device path under /dev'),
    pool: z.string().min(1).max(200),
    volume: fileName,
    format: VolumeFormatSchema.default('raw'),
  })
  .strict();

export const P2vRequestSchema = z
  .object({
    sourceId: HostIdSchema,
    hostId: HostIdSchema,
    name: vmName,
    vcpus: z.number().int().min(1).max(512),
    memoryMiB: z.number().int().min(32).max(16 * 1024 * 1024),
    firmware: z.enum(['bios', 'uefi']),
    diskBus: DiskBusSchema.default('sata'),
    nicModel: NicModelSchema.default('e1000e'),
    /** A libvirt network on the target host; the copy gets one NIC per source NIC there. */
    network: z.string().min(1).max(200),
    /** keep: the source NICs' MACs (never run source and copy on one network then). */
    mac: z.enum(['keep', 'new']).default('new'),
    /** kvm unless the host cannot (or, as in the nested lab, should not) accelerate. */
    virtType: z.enum(['kvm', 'qemu']).default('kvm'),
    consistency: ConsistencySchema.default('as-is'),
    disks: z.array(P2vDiskSchema).min(1).max(16),
    start: z.boolean().default(false),
    /** Run virt-v2v-in-place on the host after the copy (when it has it). */
    v2vInPlace: z.boolean().default(false),
  })
  .strict();
export type P2vRequest = z.infer<typeof P2vRequestSchema>;
export type P2vRequestInput = z.input<typeof P2vRequestSchema>;

export const P2vTargetSchema = z.object({
  hostId: HostIdSchema,
  pools: z.array(z.object({ name: z.string(), active: z.boolean(), capacity: z.number(), available: z.number(), type: z.string() })),
  networks: z.array(z.object({ name: z.string(), active: z.boolean() })),
  /** The host can accelerate (domain type kvm). */
  kvm: z.boolean(),
  /** OVMF firmware for UEFI guests is installed. */
  uefi: z.boolean(),
  /** Path of virt-v2v-in-place on the host, when installed. */
  v2vInPlace: z.string().optional(),
  /** VM names already used on the host. */
  domainNames: z.array(z.string()),
});
export type P2vTarget = z.infer<typeof P2vTargetSchema>;

export const P2vResultSchema = z.object({
  domainName: z.string(),
  uuid: z.string(),
  disks: z.array(
    z.object({
      device: z.string(),
      volumePath: z.string(),
      sourceSha256: z.string(),
      volumeSha256: z.string(),
      bytesRead: z.number(),
      bytesSent: z.number(),
      holeBytes: z.number(),
    }),
  ),
  started: z.boolean(),
});
export type P2vResult = z.infer<typeof P2vResultSchema>;
