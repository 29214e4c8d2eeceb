import { z } from 'zod';

// A host's identity is our own id (stable across renames); what to dial lives
// in `target`. The local libvirt socket is a host too, with transport 'local'.
export const HostIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'host id: lower-case letters, digits, dashes');

const hostname = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9._:\-[\]%]+$/, 'host name may hold letters, digits, dots, dashes, colons (IPv6)');
const sshUser = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._][A-Za-z0-9._-]*$/, 'user name: letters, digits, dot, dash, underscore');

export const JumpHostSchema = z.object({ hostname, port: z.number().int().min(1).max(65535), user: sshUser });
export type JumpHost = z.infer<typeof JumpHostSchema>;

export const SshTargetSchema = z.object({
  transport: z.literal('ssh'),
  hostname,
  port: z.number().int().min(1).max(65535).default(22),
  user: sshUser.default('root'),
  /** Private key files to try, in order (after the agent). */
  identityFiles: z.array(z.string().max(4096)).max(16).default([]),
  /** ssh_config Host alias this came from, if any: re-read on each connect. */
  sshAlias: z.string().max(253).optional(),
  jumpHosts: z.array(JumpHostSchema).max(8).default([]),
  /** libvirt URI path on the host: 'system' (qemu:///system) or 'session'. */
  libvirtPath: z.enum(['system', 'session']).default('system'),
});
export type SshTarget = z.infer<typeof SshTargetSchema>;

export const LocalTargetSchema = z.object({
  transport: z.literal('local'),
  /** The system daemon's socket; 'session' uses the per-user socket instead. */
  socketPath: z.string().max(4096).default('/var/run/libvirt/libvirt-sock'),
  libvirtPath: z.enum(['system', 'session']).default('system'),
});
export type LocalTarget = z.infer<typeof LocalTargetSchema>;

export const HostTargetSchema = z.discriminatedUnion('transport', [SshTargetSchema, LocalTargetSchema]);
export type HostTarget = z.infer<typeof HostTargetSchema>;

export const HostConfigSchema = z.object({
  id: HostIdSchema,
  name: z.string().trim().min(1).max(120),
  target: HostTargetSchema,
  group: z.string().trim().max(120).optional(),
  tags: z.array(z.string().trim().min(1).max(60)).max(50).default([]),
  /** Connect when the app starts. */
  autoConnect: z.boolean().default(true),
  /** In maintenance: placement advice never picks this host (set by evacuation or by hand). */
  maintenance: z.boolean().optional(),
});
export type HostConfig = z.infer<typeof HostConfigSchema>;

/**
 * Why a host key was refused, as fields the UI lays out (never a sentence to
 * parse): which hop, the key it offered, and the known_hosts line that
 * contradicts it. `changed`: the line holds another key of the same type;
 * `revoked`: the line marks the offered key @revoked.
 */
export const HostKeyProblemSchema = z.object({
  kind: z.enum(['changed', 'revoked']),
  hostname: z.string(),
  port: z.number().int(),
  /** 'jump host' when a ProxyJump hop refused; absent for the host itself. */
  role: z.string().optional(),
  keyType: z.string(),
  /** SHA256 fingerprint the host offered now. */
  offered: z.string(),
  /** SHA256 fingerprint on record (changed only). */
  expected: z.string().optional(),
  file: z.string(),
  line: z.number().int(),
});
export type HostKeyProblem = z.infer<typeof HostKeyProblemSchema>;

export const HostStatusSchema = z.enum(['disconnected', 'connecting', 'connected', 'needs-auth', 'unreachable']);
export type HostStatus = z.infer<typeof HostStatusSchema>;

export const HostStateSchema = z.object({
  hostId: HostIdSchema,
  status: HostStatusSchema,
  /** Why the host is not connected, in words a person can act on. */
  reason: z.string().optional(),
  errorCode: z.string().optional(),
  since: z.number(),
  /** Next automatic reconnect attempt (epoch ms), when one is scheduled. */
  retryAt: z.number().optional(),
  attempt: z.number().int().optional(),
  /** Set with errorCode HOST_KEY_MISMATCH: the refusal's facts. */
  hostKey: HostKeyProblemSchema.optional(),
});
export type HostState = z.infer<typeof HostStateSchema>;

export const HostSchema = z.object({ config: HostConfigSchema, state: HostStateSchema });
export type Host = z.infer<typeof HostSchema>;

export const HostInfoSchema = z.object({
  hostId: HostIdSchema,
  hostname: z.string(),
  uri: z.string(),
  libvirtVersion: z.string(),
  hypervisorVersion: z.string().optional(),
  cpuModel: z.string(),
  cpus: z.number().int(),
  mhz: z.number().int(),
  sockets: z.number().int(),
  cores: z.number().int(),
  threads: z.number().int(),
  numaCells: z.number().int(),
  memoryKiB: z.number(),
  arch: z.string().optional(),
});
export type HostInfo = z.infer<typeof HostInfoSchema>;

// Prompts carry an id so an answer from any window reaches the exact
// connection attempt that asked (several hosts may ask at once).
export const RememberSchema = z.object({
  /** true: kept encrypted on disk across restarts; false: kept in memory until the core stops. */
  persistent: z.boolean(),
  /** Shown beside the checkbox: where the secret would be kept, or why only in memory. */
  note: z.string(),
});
export type Remember = z.infer<typeof RememberSchema>;

export const PromptSchema = z.discriminatedUnion('kind', [
  z.object({
    id: z.string(),
    hostId: HostIdSchema,
    kind: z.literal('host-key'),
    hostname: z.string(),
    port: z.number(),
    keyType: z.string(),
    fingerprint: z.string(),
    message: z.string(),
  }),
  z.object({
    id: z.string(),
    hostId: HostIdSchema,
    kind: z.enum(['password', 'passphrase']),
    message: z.string(),
    /** What ticking "Remember" would do here (the SecretStore's answer); absent: not offered. */
    remember: RememberSchema.optional(),
  }),
  z.object({
    id: z.string(),
    hostId: HostIdSchema,
    kind: z.literal('keyboard-interactive'),
    message: z.string(),
    fields: z.array(z.object({ prompt: z.string(), echo: z.boolean() })),
  }),
]);
export type Prompt = z.infer<typeof PromptSchema>;

export const PromptAnswerSchema = z.object({
  promptId: z.string().min(1).max(100),
  /** false cancels the prompt (and the connection attempt). */
  accept: z.boolean(),
  answers: z.array(z.string().max(4096)).max(16).default([]),
  /** The user ticked "Remember": only then is a password or passphrase kept after this connection. */
  remember: z.boolean().default(false),
});
// The input form: callers inside the core may leave out what has a default.
export type PromptAnswer = z.input<typeof PromptAnswerSchema>;
