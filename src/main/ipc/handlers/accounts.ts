import { AppFailure } from '../../../shared/ipc/result';
import type { SessionInfo } from '../../../shared/model/account';
import type { AccessGate } from '../../auth/gate';
import { capabilities } from '../../auth/policy';
import type { AccountService } from '../../auth/service';
import type { CallContext, Handlers } from '../registry';

type AccountCalls =
  | 'session.get'
  | 'session.logout'
  | 'session.changePassword'
  | 'accounts.list'
  | 'accounts.create'
  | 'accounts.update'
  | 'accounts.setPassword'
  | 'accounts.endSessions'
  | 'accounts.remove';

/** Thin: AccountService owns accounts and sessions; the policy says who may call these (admins, except session.*). */
export function accountHandlers(accounts: AccountService | null, gate: AccessGate, mode: 'electron' | 'serve'): Pick<Handlers, AccountCalls> {
  const svc = (): AccountService => {
    if (!accounts) throw new AppFailure('UNSUPPORTED', 'Accounts exist only in `virtdeck serve`; the desktop app has a single user.');
    return accounts;
  };
  const signedIn = (ctx: CallContext): string => {
    if (!ctx.access?.sessionId) throw new AppFailure('UNSUPPORTED', 'This window is not signed in with an account (serve without accounts, or the desktop app).');
    return ctx.access.sessionId;
  };
  return {
    'session.get': (_args, ctx): SessionInfo => {
      const s = gate.subject(ctx.access);
      const base = { user: s.user, role: s.role, hosts: [...s.hosts], tags: [...s.tags], can: capabilities(s) };
      const session = ctx.access?.sessionId ? accounts?.sessions.live(ctx.access.sessionId) : null;
      if (!session || !accounts) return { ...base, mode: mode === 'electron' ? 'desktop' : 'token' };
      return {
        ...base,
        mode: 'accounts',
        expiresAt: session.expiresAt,
        idleExpiresAt: accounts.sessions.idleExpiresAt(session),
        idleMinutes: Math.round(accounts.sessions.limits.idleMs / 60_000),
      };
    },
    'session.logout': ({ everywhere }, ctx) => ({ ended: svc().logout(signedIn(ctx), everywhere) }),
    'session.changePassword': async ({ current, password }, ctx) => {
      await svc().changeOwnPassword(signedIn(ctx), current, password);
      return { changed: true };
    },
    'accounts.list': () => svc().list(),
    'accounts.create': (input) => svc().create(input),
    'accounts.update': ({ name, patch }) => svc().update(name, patch),
    'accounts.setPassword': ({ name, password }) => svc().setPassword(name, password),
    'accounts.endSessions': ({ name }) => ({ ended: svc().endSessions(name) }),
    'accounts.remove': async ({ name }) => ({ removed: await svc().remove(name) }),
  };
}
