import { z } from 'zod';
import { call, event } from '../define';
import {
  HostConfigSchema,
  HostIdSchema,
  HostInfoSchema,
  HostSchema,
  HostStateSchema,
  HostTargetSchema,
  PromptAnswerSchema,
  PromptSchema,
} from '../../model/host';

const hostRef = z.object({ hostId: HostIdSchema }).strict();

const hostFields = {
  name: z.string().trim().min(1).max(120),
  target: HostTargetSchema,
  group: z.string().trim().max(120).optional(),
  tags: z.array(z.string().trim().min(1).max(60)).max(50),
  autoConnect: z.boolean(),
};

export const NewHostSchema = z
  .object({ ...hostFields, tags: hostFields.tags.default([]), autoConnect: hostFields.autoConnect.default(true) })
  .strict();

// No defaults here: a patch that omits `tags` must not reset them to [].
export const HostPatchSchema = z.object(hostFields).partial().strict();

/** `detail` of the CONFLICT that refuses a second entry for the same host. */
export const HostConflictSchema = z.object({
  duplicateOf: z.object({ hostId: HostIdSchema, name: z.string() }),
  /** `user@address:port` (via …) both entries reach. */
  endpoint: z.string(),
});
export type HostConflict = z.infer<typeof HostConflictSchema>;

/** A `Host` alias of ~/.ssh/config as ssh would resolve it now (for the host form to offer). */
export const SshAliasSchema = z.object({
  alias: z.string(),
  hostname: z.string(),
  port: z.number().int(),
  /** Only when the config sets one. */
  user: z.string().optional(),
  /** ProxyJump hops as written (`user@host:port`). */
  proxyJump: z.array(z.string()),
  identityFiles: z.array(z.string()),
});
export type SshAlias = z.infer<typeof SshAliasSchema>;

export const hostCalls = {
  'hosts.list': call(z.object({}).strict(), z.array(HostSchema), 'Every configured host with its connection state.'),
  'hosts.add': call(NewHostSchema, HostSchema, 'Adds a host and starts connecting when autoConnect is set; refuses one already listed (CONFLICT).'),
  'hosts.update': call(
    z.object({ hostId: HostIdSchema, patch: HostPatchSchema }).strict(),
    HostSchema,
    'Changes name, target, group, tags or autoConnect; refuses a target another host already has (CONFLICT).',
  ),
  'hosts.remove': call(hostRef, z.object({ removed: z.boolean() }), 'Disconnects and forgets a host.'),
  'hosts.connect': call(hostRef, HostStateSchema, 'Connects (or retries now); answers when connected or failed.'),
  'hosts.disconnect': call(hostRef, HostStateSchema, 'Closes the connection and stops retrying.'),
  'hosts.info': call(hostRef, HostInfoSchema, 'CPU, memory, NUMA and versions of a connected host.'),
  'hosts.parseUri': call(
    z.object({ uri: z.string().min(1).max(2048) }).strict(),
    NewHostSchema,
    'Turns qemu+ssh://user@host:port/system into a host draft.',
  ),
  'hosts.sshAliases': call(
    z.object({}).strict(),
    z.object({ aliases: z.array(SshAliasSchema).max(1000), warnings: z.array(z.string()) }),
    'The Host aliases of the ssh_config the core reads (wildcards left out), resolved.',
  ),
  'hosts.prompts': call(z.object({}).strict(), z.array(PromptSchema), 'Prompts still waiting for an answer.'),
  'hosts.answerPrompt': call(PromptAnswerSchema, z.object({ accepted: z.boolean() }), 'Answers a host-key, password or 2FA prompt.'),
};

export const hostEvents = {
  'host.listChanged': event(z.array(HostConfigSchema), 'The set of configured hosts changed.'),
  'host.stateChanged': event(HostStateSchema, 'A host connection changed state.'),
  'host.promptRequested': event(PromptSchema, 'A connection waits for the user (host key, password, 2FA).'),
  'host.promptResolved': event(z.object({ promptId: z.string() }), 'A prompt was answered or cancelled.'),
};
