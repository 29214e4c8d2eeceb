import { z } from 'zod';
import { UuidSchema } from './domain';

/** Another domain that uses an image, directly or somewhere in its disk's backing chain. */
export const VolumeUserSchema = z.object({
  uuid: UuidSchema,
  name: z.string(),
  target: z.string(),
  how: z.enum(['disk', 'backing']),
});
export type VolumeUserRef = z.infer<typeof VolumeUserSchema>;

/** One disk of a domain about to be deleted: whether its image may go with it, and if not, why. */
export const DeleteDiskSchema = z.object({
  target: z.string(),
  device: z.string(),
  /** What `domains.delete` takes in `volumes` to delete this image. */
  path: z.string().optional(),
  format: z.string().optional(),
  deletable: z.boolean(),
  /** Why not, in words for the user (names the other VM when there is one). */
  reason: z.string().optional(),
  usedBy: z.array(VolumeUserSchema).default([]),
});
export type DeleteDisk = z.infer<typeof DeleteDiskSchema>;

export const DeletePlanSchema = z.object({ disks: z.array(DeleteDiskSchema) });
export type DeletePlan = z.infer<typeof DeletePlanSchema>;
