import { z } from 'zod';
import { call, event } from '../define';
import { HostConfigSchema, HostIdSchema, HostSchema, HostStateSchema, SshTargetSchema } from '../../model/host';
import { SourceInventorySchema } from '../../p2v/schema';

// Source machines (P2V): SSH-only entries, no libvirt on them. Address, user,
// keys, jump hosts and host-key rules are exactly those of hosts; their
// host-key and password prompts are the hosts' prompts (hosts.answerPrompt).

const sourceRef = z.object({ sourceId: HostIdSchema }).strict();

export const NewSourceSchema = z
  .object({
    name: z.string().trim().min(1).max(120),
    target: SshTargetSchema,
    tags: z.array(z.string().trim().min(1).max(60)).max(50).default([]),
    // A source is visited once or twice: connect when asked, not at every start.
    autoConnect: z.boolean().default(false),
  })
  .strict();
export type NewSource = z.input<typeof NewSourceSchema>;

export const sourceCalls = {
  'sources.list': call(z.object({}).strict(), z.array(HostSchema), 'Source machines (SSH only) with their connection state.'),
  'sources.add': call(NewSourceSchema, HostSchema, 'Adds a source machine (SSH only, no libvirt).'),
  'sources.remove': call(sourceRef, z.object({ removed: z.boolean() }), 'Disconnects and forgets a source machine.'),
  'sources.connect': call(sourceRef, HostStateSchema, 'Connects (host key and password prompts as for hosts); answers when connected or failed.'),
  'sources.disconnect': call(sourceRef, HostStateSchema, 'Closes the connection to a source machine.'),
  'sources.discover': call(sourceRef, SourceInventorySchema, 'Reads (never changes) what the source is made of: disks, firmware, CPU, memory, NICs, OS.'),
};

export const sourceEvents = {
  'source.listChanged': event(z.array(HostConfigSchema), 'The set of source machines changed.'),
  'source.stateChanged': event(HostStateSchema, 'A source machine connection changed state.'),
};
