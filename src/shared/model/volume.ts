import { z } from 'zod';
import { HostIdSchema } from './host';
import { PoolNameSchema } from './pool';

// Storage volumes as the UI sees them. Sizes are bytes.

/** virStorageVolType, in libvirt's numbering. */
export const VOLUME_TYPES = ['file', 'block', 'dir', 'network', 'netdir', 'ploop'] as const;
export const VolumeTypeSchema = z.enum(VOLUME_TYPES);

// Volume names become file names in dir pools (libvirt refuses '/'): keep them
// to what every pool type accepts and XML can carry.
export const VolumeNameSchema = z
  .string()
  .min(1, 'a volume needs a name')
  .max(250)
  .refine((s) => !/[/\p{Cc}]/u.test(s), 'a volume name cannot hold "/" or control characters')
  .refine((s) => s !== '.' && s !== '..' && !s.startsWith('-'), 'a volume name cannot be "." or ".." or start with "-"');

/** A domain that uses a volume, directly (`disk`) or through a backing chain (`backing`). */
export const VolumeUserSchema = z.object({
  uuid: z.string(),
  name: z.string(),
  /** The guest device (vda, hdc…) through which it reaches the image. */
  target: z.string(),
  /** disk | cdrom | floppy | lun */
  device: z.string(),
  how: z.enum(['disk', 'backing']),
  /** For `backing`: the image the domain opens, which sits on this one. */
  top: z.string().optional(),
  active: z.boolean(),
});
export type VolumeUser = z.infer<typeof VolumeUserSchema>;

export const VolumeSchema = z.object({
  hostId: HostIdSchema,
  pool: z.string(),
  name: z.string(),
  key: z.string(),
  path: z.string(),
  type: VolumeTypeSchema,
  /** raw, qcow2, iso… (what libvirt probed or was told); absent for block/dir volumes. */
  format: z.string().optional(),
  capacity: z.number().nonnegative(),
  allocation: z.number().nonnegative(),
  /** The image directly under this one (qcow2 overlays). */
  backing: z.object({ path: z.string(), format: z.string().optional() }).optional(),
  /** Domains that use it, directly or as a backing file. */
  usedBy: z.array(VolumeUserSchema).default([]),
  /** Other images on this host that sit on this one (so deleting it breaks them). */
  backingOf: z.array(z.string()).default([]),
});
export type Volume = z.infer<typeof VolumeSchema>;

export const VolumeRefSchema = z.object({ hostId: HostIdSchema, pool: PoolNameSchema, name: VolumeNameSchema });
export type VolumeRef = z.infer<typeof VolumeRefSchema>;

export const PREALLOCATIONS = ['off', 'metadata', 'full'] as const;
export const NewVolumeSchema = z
  .object({
    hostId: HostIdSchema,
    pool: PoolNameSchema,
    name: VolumeNameSchema,
    format: z.enum(['qcow2', 'raw']),
    /** Bytes; libvirt rounds up to its own granularity. */
    capacity: z.number().int().positive().max(2 ** 53),
    /** off: sparse; metadata: qcow2 metadata written up front; full: every byte allocated now (slow, a task). */
    preallocation: z.enum(PREALLOCATIONS).default('off'),
  })
  .strict()
  .refine((v) => v.preallocation !== 'metadata' || v.format === 'qcow2', { message: 'metadata preallocation is for qcow2 only', path: ['preallocation'] });
export type NewVolume = z.infer<typeof NewVolumeSchema>;

/** Formats an upload can declare: what the bytes are, since libvirt writes them as they come. */
export const UPLOAD_FORMATS = ['raw', 'iso', 'qcow2'] as const;
export const UploadFormatSchema = z.enum(UPLOAD_FORMATS);
