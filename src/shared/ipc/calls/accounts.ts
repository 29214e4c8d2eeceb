import { z } from 'zod';
import { call } from '../define';
import { AccessScopeSchema, AccountNameSchema, AccountSchema, PasswordSchema, RoleSchema, ScopeHostsSchema, ScopeTagsSchema, SessionInfoSchema } from '../../model/account';

const nameRef = z.object({ name: AccountNameSchema }).strict();

export const accountCalls = {
  'session.get': call(z.object({}).strict(), SessionInfoSchema, 'Who this window is signed in as, the role, its scope and what it may do.'),
  'session.logout': call(
    z.object({ everywhere: z.boolean().default(false) }).strict(),
    z.object({ ended: z.number().int() }),
    'Ends this session, or every session of this account (all browsers and tabs, consoles included).',
  ),
  'session.changePassword': call(
    z.object({ current: z.string().max(1024), password: PasswordSchema }).strict(),
    z.object({ changed: z.boolean() }),
    "Changes this account's own password; its other sessions end.",
  ),
  'accounts.list': call(z.object({}).strict(), z.array(AccountSchema), 'Every account with its role, scope and live sessions (admins).'),
  'accounts.create': call(
    z.object({ name: AccountNameSchema, password: PasswordSchema, role: RoleSchema, ...AccessScopeSchema.shape }).strict(),
    AccountSchema,
    'Creates an account (admins).',
  ),
  'accounts.update': call(
    z
      .object({
        name: AccountNameSchema,
        // No defaults: a patch that leaves out the tags must not clear them.
        patch: z.object({ role: RoleSchema, disabled: z.boolean(), hosts: ScopeHostsSchema, tags: ScopeTagsSchema }).partial().strict(),
      })
      .strict(),
    AccountSchema,
    'Changes role, scope or disables an account; disabling ends its sessions (admins).',
  ),
  'accounts.setPassword': call(
    z.object({ name: AccountNameSchema, password: PasswordSchema }).strict(),
    AccountSchema,
    "Resets an account's password and ends its sessions (admins).",
  ),
  'accounts.endSessions': call(nameRef, z.object({ ended: z.number().int() }), 'Logs an account out everywhere (admins).'),
  'accounts.remove': call(nameRef, z.object({ removed: z.boolean() }), 'Deletes an account and ends its sessions (admins).'),
};
