import { z } from 'zod';
import { HostIdSchema } from './host';
import { LifecycleActionSchema } from './domain';

// Team accounts of `virtdeck serve` (docs/access.md). The desktop app and
// serve's single-token mode have no accounts: their one user is an admin.

export const ROLES = ['admin', 'operator', 'helpdesk', 'readonly'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

export const ROLE_LABELS: Record<Role, string> = { admin: 'Admin', operator: 'Operator', helpdesk: 'Help desk', readonly: 'Read-only' };

/** Lower-case so "Alice" and "alice" can never be two accounts. */
export const AccountNameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'account name: 1-64 letters, digits, dots, dashes, underscores, starting with a letter or digit');

export const PASSWORD_MIN = 10;
export const PasswordSchema = z.string().min(PASSWORD_MIN, `at least ${PASSWORD_MIN} characters`).max(1024);

/** Every host, present and future (operator and read-only accounts usually get this). */
export const ALL_HOSTS = '*';
const TagSchema = z.string().trim().min(1).max(60);

/**
 * What an account may see and act on: VMs on these hosts, plus VMs carrying
 * one of these tags on any host. Admins ignore it.
 */
export const ScopeHostsSchema = z.array(z.union([z.literal(ALL_HOSTS), HostIdSchema])).max(500);
export const ScopeTagsSchema = z.array(TagSchema).max(100);
export const AccessScopeSchema = z.object({ hosts: ScopeHostsSchema.default([]), tags: ScopeTagsSchema.default([]) });
export type AccessScope = z.infer<typeof AccessScopeSchema>;

export const AccountSchema = z.object({
  name: z.string(),
  role: RoleSchema,
  hosts: z.array(z.string()),
  tags: z.array(z.string()),
  disabled: z.boolean(),
  createdAt: z.number(),
  passwordChangedAt: z.number(),
  lastLoginAt: z.number().optional(),
  /** Live sessions right now (all tabs and browsers). */
  sessions: z.number().int(),
});
export type Account = z.infer<typeof AccountSchema>;

/**
 * What the UI may offer, computed by the core from the same policy that
 * enforces it. Coarse (per kind of action, not per VM): the core still
 * checks every call and every console token against the target.
 */
export const CapabilitiesSchema = z.object({
  /** Add, change, remove, disconnect hosts and answer their prompts. */
  manageHosts: z.boolean(),
  /** (Re)connect a host of one's own. */
  connectHosts: z.boolean(),
  hostShell: z.boolean(),
  consoles: z.boolean(),
  lifecycle: z.array(LifecycleActionSchema),
  configure: z.boolean(),
  create: z.boolean(),
  migrate: z.boolean(),
  deleteVms: z.boolean(),
  audit: z.boolean(),
  accounts: z.boolean(),
});
export type Capabilities = z.infer<typeof CapabilitiesSchema>;

export const SessionInfoSchema = z.object({
  /** desktop: the Electron app; token: serve's single access token; accounts: a signed-in account. */
  mode: z.enum(['desktop', 'token', 'accounts']),
  user: z.string(),
  role: RoleSchema,
  hosts: z.array(z.string()),
  tags: z.array(z.string()),
  can: CapabilitiesSchema,
  /** Accounts mode: when the session ends at the latest, and when it ends if nothing is done before. */
  expiresAt: z.number().optional(),
  idleExpiresAt: z.number().optional(),
  idleMinutes: z.number().optional(),
});
export type SessionInfo = z.infer<typeof SessionInfoSchema>;

/** POST /api/login answers (serve with accounts). */
export const LoginRequestSchema = z.object({ name: z.string().max(200), password: z.string().max(1024) }).strict();
export const LoginAnswerSchema = z.object({ token: z.string(), name: z.string(), role: RoleSchema, expiresAt: z.number() });
export type LoginAnswer = z.infer<typeof LoginAnswerSchema>;
/** GET /api/access: how this serve lets people in, asked before any credential exists. */
export const AccessModeSchema = z.object({ mode: z.enum(['token', 'accounts']) });
