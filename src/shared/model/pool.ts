import { z } from 'zod';
import { HostIdSchema } from './host';

// Storage pools as the UI sees them. Sizes are bytes (numbers: exact to 8 PiB).

/** virStoragePoolState, in libvirt's numbering. */
export const POOL_STATES = ['inactive', 'building', 'running', 'degraded', 'inaccessible'] as const;
export const PoolStateSchema = z.enum(POOL_STATES);
export type PoolState = z.infer<typeof PoolStateSchema>;

// libvirt accepts almost anything in a pool name except '/', but XML 1.0 cannot
// carry control characters and a leading dot or dash only causes grief on disk.
export const PoolNameSchema = z
  .string()
  .min(1, 'a pool needs a name')
  .max(128)
  .refine((s) => !/[/\p{Cc}]/u.test(s), 'a pool name cannot hold "/" or control characters')
  .refine((s) => !/^[.-]/.test(s), 'a pool name cannot start with "." or "-"');

/** An absolute path on the host: no control characters, no "..". */
export const HostPathSchema = z
  .string()
  .min(2)
  .max(4096)
  .regex(/^\//, 'an absolute path on the host (starts with /)')
  .refine((s) => !/\p{Cc}/u.test(s), 'a path cannot hold control characters')
  .refine((s) => !s.split('/').includes('..'), 'a path cannot hold ".."');

export const PoolSourceSchema = z.object({
  /** netfs/iscsi/gluster server. */
  host: z.string().optional(),
  /** netfs export path, e.g. /srv/nfs/images. */
  dir: z.string().optional(),
  /** logical: the volume group name. */
  name: z.string().optional(),
  /** netfs: nfs | cifs | auto; logical: lvm2. */
  format: z.string().optional(),
  /** Block devices under a logical or disk pool. */
  devices: z.array(z.string()).default([]),
});
export type PoolSource = z.infer<typeof PoolSourceSchema>;

export const PoolSchema = z.object({
  hostId: HostIdSchema,
  name: z.string(),
  uuid: z.string(),
  /** dir, fs, netfs, logical, disk, iscsi, rbd… */
  type: z.string(),
  state: PoolStateSchema,
  active: z.boolean(),
  persistent: z.boolean(),
  autostart: z.boolean(),
  capacity: z.number().nonnegative(),
  allocation: z.number().nonnegative(),
  available: z.number().nonnegative(),
  /** Where volumes live on the host (a directory, /dev/<vg>…). */
  targetPath: z.string().optional(),
  source: PoolSourceSchema.optional(),
});
export type Pool = z.infer<typeof PoolSchema>;

const hostname = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9.:\-[\]]+$/, 'a server name or address: letters, digits, dots, dashes, colons');
const vgName = z
  .string()
  .min(1)
  .max(127)
  .regex(/^[A-Za-z0-9+_.][A-Za-z0-9+_.-]*$/, 'an LVM name: letters, digits and + _ . - (not starting with -)');

/** What the "new pool" form may define. Each variant maps to one libvirt pool type. */
export const PoolDefinitionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('dir'), name: PoolNameSchema, path: HostPathSchema }).strict(),
  z
    .object({
      type: z.literal('logical'),
      name: PoolNameSchema,
      /** An existing volume group, or the one to create on `devices`. */
      vgName,
      /** Block devices for a NEW volume group; empty = use an existing one. */
      devices: z.array(HostPathSchema.refine((p) => p.startsWith('/dev/'), 'a block device under /dev')).max(32).default([]),
    })
    .strict(),
  z
    .object({
      type: z.literal('netfs'),
      name: PoolNameSchema,
      server: hostname,
      exportPath: HostPathSchema,
      /** Mount point on the host. */
      path: HostPathSchema,
      protocol: z.enum(['nfs', 'auto']).default('nfs'),
    })
    .strict(),
]);
export type PoolDefinition = z.infer<typeof PoolDefinitionSchema>;
