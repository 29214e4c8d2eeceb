import { z } from 'zod';
import { call } from '../define';
import { HostIdSchema } from '../../model/host';
import { TaskRefSchema } from '../../model/task';
import { P2vRequestSchema, P2vTargetSchema } from '../../p2v/schema';

// P2V: a Linux machine reached over SSH becomes a VM on a host. `p2v.target`
// tells the wizard what a host offers; `p2v.start` checks the whole request
// (nothing is created when it is refused) and returns the Task at once: one
// parent per machine, a child per disk (read -> sparse upload -> checksums).

export const p2vCalls = {
  'p2v.getTarget': call(
    z.object({ hostId: HostIdSchema }).strict(),
    P2vTargetSchema,
    'Pools, networks, acceleration, UEFI firmware, virt-v2v-in-place and VM names of a target host.',
  ),
  'p2v.start': call(P2vRequestSchema, TaskRefSchema, 'Copies the source disks into new volumes, checks SHA-256 on both sides, defines the VM (optionally starts it).'),
};
