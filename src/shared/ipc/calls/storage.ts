import { z } from 'zod';
import { call, event } from '../define';
import { HostIdSchema } from '../../model/host';
import { UuidSchema } from '../../model/domain';
import { PoolDefinitionSchema, PoolNameSchema, PoolSchema } from '../../model/pool';
import { TaskIdSchema, TaskRefSchema } from '../../model/task';
import { NewVolumeSchema, UploadFormatSchema, VolumeNameSchema, VolumeRefSchema, VolumeSchema } from '../../model/volume';

const poolRef = z.object({ hostId: HostIdSchema, name: PoolNameSchema });
/** A file on the workstation, as the native dialog returned it (Electron only). */
const localPath = z.string().min(1).max(4096);

export const storageCalls = {
  'pools.list': call(z.object({ hostId: HostIdSchema }).strict(), z.array(PoolSchema), 'Storage pools of a host with capacity, allocation and free space.'),
  'pools.start': call(poolRef.strict(), PoolSchema, 'Starts (activates) a pool.'),
  'pools.stop': call(poolRef.strict(), PoolSchema, 'Stops a pool; refused while a running VM uses one of its volumes.'),
  'pools.refresh': call(poolRef.strict(), PoolSchema, 'Rescans a pool for volumes made behind libvirt’s back.'),
  'pools.setAutostart': call(poolRef.extend({ autostart: z.boolean() }).strict(), PoolSchema, 'Starts the pool when the host boots.'),
  'pools.define': call(
    z
      .object({
        hostId: HostIdSchema,
        definition: PoolDefinitionSchema,
        /** Create the directory / mount point (never formats anything), or the volume group on `devices` for logical pools. */
        build: z.boolean().default(true),
        start: z.boolean().default(true),
        autostart: z.boolean().default(true),
      })
      .strict(),
    PoolSchema,
    'Defines a dir, logical (LVM) or netfs (NFS) pool from the form.',
  ),
  'pools.delete': call(
    poolRef.strict(),
    z.object({ deleted: z.literal(true) }),
    'Stops and undefines a pool (its volumes stay on disk); refused while any VM uses one of its volumes.',
  ),
  'volumes.list': call(poolRef.strict(), z.array(VolumeSchema), 'Volumes of a pool with format, sizes and which VMs use each.'),
  'volumes.create': call(
    NewVolumeSchema,
    z.object({ volume: VolumeSchema.optional(), taskId: TaskIdSchema.optional() }),
    'Creates a qcow2 or raw volume. Full preallocation runs as a task (taskId); otherwise the volume comes back at once.',
  ),
  'volumes.resize': call(
    VolumeRefSchema.extend({ capacity: z.number().int().positive().max(2 ** 53), shrink: z.boolean().default(false) }).strict(),
    VolumeSchema,
    'Changes a volume’s capacity; shrinking needs shrink=true (it cuts data off the end).',
  ),
  'volumes.delete': call(VolumeRefSchema.strict(), z.object({ deleted: z.literal(true) }), 'Deletes a volume; refused while a VM or another image uses it, naming them.'),
  'volumes.clone': call(
    VolumeRefSchema.extend({ newName: VolumeNameSchema, targetPool: PoolNameSchema.optional(), format: z.enum(['qcow2', 'raw']).optional() }).strict(),
    TaskRefSchema,
    'Copies a volume (VolCreateXMLFrom) as a task with progress and cancel.',
  ),
  'volumes.upload': call(
    z
      .object({
        hostId: HostIdSchema,
        pool: PoolNameSchema,
        name: VolumeNameSchema,
        /** Bytes the page will send (the file size). */
        size: z.number().int().positive().max(2 ** 53),
        format: UploadFormatSchema,
      })
      .strict(),
    TaskRefSchema.extend({ uploadPath: z.string() }),
    'Browser upload: creates the volume and a task that waits for the file body on uploadPath (PUT, with the access token).',
  ),
  'volumes.download': call(
    VolumeRefSchema.strict(),
    TaskRefSchema.extend({ downloadPath: z.string(), fileName: z.string(), size: z.number() }),
    'Browser download: a one-time link, valid for a minute, that streams the volume (holes arrive as zeros).',
  ),
  'volumes.uploadFile': call(
    z.object({ hostId: HostIdSchema, pool: PoolNameSchema, name: VolumeNameSchema, path: localPath, format: UploadFormatSchema }).strict(),
    TaskRefSchema,
    'Desktop upload: the core reads a file chosen in the native dialog.',
  ),
  'volumes.downloadFile': call(
    VolumeRefSchema.extend({ path: localPath }).strict(),
    TaskRefSchema,
    'Desktop download: the core writes the volume to a file chosen in the native save dialog (sparse where the volume is).',
  ),
  'files.choose': call(
    z.object({ mode: z.enum(['open', 'save']), title: z.string().max(200).optional(), defaultName: z.string().max(255).optional() }).strict(),
    z.object({ path: z.string().optional(), name: z.string().optional(), size: z.number().optional() }),
    'Desktop only: the native open/save dialog. The core accepts for upload/download only paths chosen here.',
  ),
  'domains.attachCdrom': call(
    z.object({ hostId: HostIdSchema, uuid: UuidSchema, pool: PoolNameSchema, volume: VolumeNameSchema }).strict(),
    z.object({ target: z.string(), live: z.boolean(), config: z.boolean(), note: z.string().optional() }),
    'Puts a volume (an ISO) into the VM’s CD-ROM drive: the empty drive if there is one, else a new drive.',
  ),
};

export const storageEvents = {
  'pool.changed': event(
    z.object({
      hostId: HostIdSchema,
      /** The pool that changed; absent = any pool of the host (re-list them all). */
      pool: z.string().optional(),
      /** Its volumes changed too (created, deleted, refreshed, uploaded). */
      volumes: z.boolean().default(false),
    }),
    'A pool started, stopped, was defined/undefined or refreshed, or its volumes changed.',
  ),
};
