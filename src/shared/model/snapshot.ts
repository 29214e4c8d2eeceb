import { z } from 'zod';

// A domain snapshot as the snapshots page shows it (one node of the tree).
export const SnapshotSchema = z.object({
  name: z.string(),
  parent: z.string().optional(),
  description: z.string().optional(),
  /** The VM's state when it was taken: running, paused, shutoff, or disk-snapshot (external, disk only). */
  state: z.string(),
  /** Seconds since the epoch. */
  createdAt: z.number().optional(),
  /** internal: inside the qcow2 images; external: overlay files (and a memory file). */
  kind: z.enum(['internal', 'external']),
  /** Includes the guest's memory (reverting resumes it where it was). */
  memory: z.boolean(),
  current: z.boolean(),
  children: z.array(z.string()),
});
export type Snapshot = z.infer<typeof SnapshotSchema>;

export const SnapshotKindSchema = z.enum(['internal', 'external-disk']);
