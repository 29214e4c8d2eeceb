import { z } from 'zod';
import { call } from '../define';
import { HostIdSchema } from '../../model/host';
import { UuidSchema } from '../../model/domain';
import { SnapshotKindSchema, SnapshotSchema } from '../../model/snapshot';
import { TaskRefSchema } from '../../model/task';

const vm = { hostId: HostIdSchema, uuid: UuidSchema };
// QEMU's loadvm cannot find internal snapshots whose names hold quotes or
// brackets (seen on the lab: 'Snapshot … does not exist'), so names stay plain.
const name = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/^[\p{L}\p{N} ._:+@-]+$/u, 'letters, digits, spaces and . _ : + @ - only (QEMU cannot revert to names with other characters)');

export const snapshotCalls = {
  'snapshots.list': call(z.object(vm).strict(), z.array(SnapshotSchema), 'The snapshots of a VM (parents before children, the current one marked).'),
  'snapshots.create': call(
    z.object({ ...vm, name, description: z.string().max(4000).optional(), kind: SnapshotKindSchema }).strict(),
    TaskRefSchema,
    'Takes a snapshot as a Task: internal (with memory for a running VM; qcow2 disks only) or external disk-only.',
  ),
  'snapshots.revert': call(z.object({ ...vm, name }).strict(), TaskRefSchema, 'Reverts the VM to a snapshot (as a Task).'),
  'snapshots.delete': call(z.object({ ...vm, name, children: z.boolean().default(false) }).strict(), z.object({ deleted: z.array(z.string()) }), 'Deletes a snapshot, optionally with its children.'),
};
