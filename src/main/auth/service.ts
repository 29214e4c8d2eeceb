import { AppFailure } from '../../shared/ipc/result';
import { ALL_HOSTS, type Account, type AccessScope, type LoginAnswer, type Role } from '../../shared/model/account';
import type { Logger } from '../util/log';
import { DEFAULT_PARAMS, hashPassword, needsRehash, verifyPassword, type ScryptParams } from './passwords';
import type { Subject } from './policy';
import { SessionStore, type EndReason, type Session, type SessionLimits } from './sessions';
import { AccountStore, type StoredAccount } from './store';
import { LoginLimiter, type LoginLimits } from './throttle';

export interface AccountServiceOptions {
  configDir: string;
  log: Logger;
  sessionLimits?: SessionLimits;
  loginLimits?: LoginLimits;
  /** Lower only in tests: the format and checks stay the same. */
  hashParams?: ScryptParams;
  now?: () => number;
  /** How often a running serve looks for changes made by the CLI. */
  refreshMs?: number;
  /** How often ended sessions are looked for when nobody calls (tests shorten it). */
  sweepMs?: number;
  /** Sign-ins, good and bad, for the audit log (they are not contract calls). */
  onLogin?: (e: { name: string; address: string; ok: boolean; reason?: string }) => void;
}

export type LoginOutcome = { ok: true; answer: LoginAnswer } | { ok: false; status: 401 | 429 | 503; message: string; retryAfterMs?: number };

// scrypt runs on libuv's thread pool (4 threads) with 32 MiB each: a flood of
// sign-ins from many addresses must queue, not pile up memory and starve disk I/O.
const MAX_VERIFYING = 2;
// Checked for unknown or disabled accounts so that answering takes as long as for real ones.
const DUMMY_HASH = '$scrypt$ln=15,r=8,p=3$AAAAAAAAAAAAAAAAAAAAAA==$' + Buffer.alloc(32).toString('base64');

/**
 * serve's team accounts: sign-in (rate limited), sessions, and account
 * admin. Accounts mode is on while at least one enabled admin exists; until
 * then serve takes its printed access token (docs/access.md).
 */
export class AccountService {
  readonly store: AccountStore;
  readonly sessions: SessionStore;
  private readonly limiter: LoginLimiter;
  private readonly log: Logger;
  private readonly params: ScryptParams;
  private readonly dummy: string;
  private readonly refresher: NodeJS.Timeout;
  private readonly modeListeners = new Set<(accounts: boolean) => void>();
  private verifying = 0;
  private mode = false;

  private constructor(private readonly opts: AccountServiceOptions) {
    this.store = new AccountStore(opts.configDir);
    this.sessions = new SessionStore(opts.sessionLimits, { now: opts.now, sweepMs: opts.sweepMs });
    this.limiter = new LoginLimiter(opts.loginLimits, opts.now);
    this.log = opts.log;
    this.params = opts.hashParams ?? DEFAULT_PARAMS;
    this.dummy = opts.hashParams ? '' : DUMMY_HASH;
    this.refresher = setInterval(() => void this.refresh().catch((e: unknown) => this.log.error(`accounts: ${String(e)}`)), opts.refreshMs ?? 2000);
    this.refresher.unref();
  }

  static async open(opts: AccountServiceOptions): Promise<AccountService> {
    const s = new AccountService(opts);
    try {
      await s.refresh();
    } catch (e) {
      s.dispose();
      throw e;
    }
    return s;
  }

  /** True while sign-in with accounts is required (an enabled admin exists). */
  get enabled(): boolean {
    return this.mode;
  }

  onModeChange(l: (accounts: boolean) => void): () => void {
    this.modeListeners.add(l);
    return () => this.modeListeners.delete(l);
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  /** Picks up changes on disk (the CLI): changed accounts lose their sessions. */
  async refresh(): Promise<void> {
    this.applied(await this.store.refresh());
  }

  private applied(changed: readonly string[]): void {
    for (const name of changed) {
      const n = this.sessions.endAll(name, 'account-changed');
      if (n) this.log.info(`account ${name} changed: ended ${n} session(s)`);
    }
    const mode = hasAdmin(this.store.all());
    if (mode !== this.mode) {
      this.mode = mode;
      this.log.info(mode ? 'accounts mode: sign-in with an account is required; the access token no longer works' : 'no enabled admin account: back to the access-token mode');
      for (const l of [...this.modeListeners]) l(mode);
    }
  }

  async login(rawName: string, password: string, address: string): Promise<LoginOutcome> {
    const name = rawName.trim().toLowerCase().slice(0, 64);
    if (!this.mode) return { ok: false, status: 401, message: 'This VirtDeck has no accounts: open the access link `virtdeck serve` printed.' };
    const wait = this.limiter.waitMs(name, address);
    if (wait > 0) {
      this.opts.onLogin?.({ name, address, ok: false, reason: 'rate limited' });
      return { ok: false, status: 429, message: `Too many failed sign-ins. Try again in ${Math.ceil(wait / 1000)} s.`, retryAfterMs: wait };
    }
    if (this.verifying >= MAX_VERIFYING) return { ok: false, status: 503, message: 'VirtDeck is busy checking other sign-ins; try again in a moment.', retryAfterMs: 1000 };
    this.verifying++;
    let acct: StoredAccount | undefined;
    let good = false;
    try {
      await this.refresh();
      acct = this.store.get(name);
      if (acct && !acct.disabled) good = await verifyPassword(password, acct.hash);
      else if (this.dummy) await verifyPassword(password, this.dummy);
    } finally {
      this.verifying--;
    }
    if (!good || !acct) {
      this.limiter.failed(name, address);
      const reason = !acct ? 'no such account' : acct.disabled ? 'account disabled' : 'wrong password';
      this.log.warn(`sign-in refused for ${JSON.stringify(name)} from ${address}: ${reason}`);
      this.opts.onLogin?.({ name, address, ok: false, reason });
      // One answer for every reason: the form must not tell which account names exist.
      return { ok: false, status: 401, message: 'Wrong account name or password.' };
    }
    this.limiter.succeeded(name);
    const { token, session } = this.sessions.create(name, address);
    const rehash = needsRehash(acct.hash, this.params) ? await hashPassword(password, this.params) : undefined;
    await this.store
      .mutate((all) => {
        const a = all.find((x) => x.name === name);
        if (a) {
          a.lastLoginAt = session.createdAt;
          if (rehash) a.hash = rehash;
        }
      })
      .then(({ changed }) => changed.length && this.log.info(`upgraded the password hash of ${name}`))
      .catch((e: unknown) => this.log.warn(`could not record the sign-in of ${name}: ${String(e)}`));
    this.log.info(`${name} signed in from ${address}`);
    this.opts.onLogin?.({ name, address, ok: true });
    return { ok: true, answer: { token, name, role: acct.role, expiresAt: session.expiresAt } };
  }

  /** The live session a credential opens (accounts mode only). */
  check(token: string | undefined): Session | null {
    return this.mode ? this.sessions.check(token) : null;
  }

  /** The rights of an account as the policy needs them; null when it is gone or disabled. */
  subjectOf(name: string): Subject | null {
    const a = this.store.get(name);
    return a && !a.disabled ? { user: a.name, role: a.role, hosts: a.hosts, tags: a.tags } : null;
  }

  logout(sessionId: string, everywhere: boolean): number {
    const s = this.sessions.live(sessionId);
    if (!s) return 0;
    return everywhere ? this.sessions.endAll(s.account, 'logout-everywhere') : Number(this.sessions.end(sessionId, 'logout'));
  }

  list(): Account[] {
    return this.store.all().map((a) => this.view(a));
  }

  async create(input: { name: string; password: string; role: Role } & AccessScope): Promise<Account> {
    const hash = await hashPassword(input.password, this.params);
    const now = this.now();
    const { result } = await this.change((all) => {
      if (all.some((a) => a.name === input.name)) throw new AppFailure('CONFLICT', `An account named ${input.name} already exists.`);
      const a: StoredAccount = { name: input.name, role: input.role, ...cleanScope(input), disabled: false, hash, createdAt: now, passwordChangedAt: now };
      all.push(a);
      return a;
    });
    this.log.info(`account ${input.name} created (${input.role})`);
    return this.view(result);
  }

  async update(name: string, patch: Partial<{ role: Role; disabled: boolean } & AccessScope>): Promise<Account> {
    const { result } = await this.change((all) => {
      const hadAdmin = hasAdmin(all);
      const a = find(all, name);
      if (patch.role !== undefined) a.role = patch.role;
      if (patch.disabled !== undefined) a.disabled = patch.disabled;
      if (patch.hosts !== undefined) a.hosts = cleanScope({ hosts: patch.hosts, tags: [] }).hosts;
      if (patch.tags !== undefined) a.tags = cleanScope({ hosts: [], tags: patch.tags }).tags;
      if (hadAdmin) keepAnAdmin(all, name);
      return a;
    });
    return this.view(result);
  }

  async setPassword(name: string, password: string): Promise<Account> {
    const hash = await hashPassword(password, this.params);
    const { result } = await this.change((all) => {
      const a = find(all, name);
      a.hash = hash;
      a.passwordChangedAt = this.now();
      return a;
    });
    return this.view(result);
  }

  /** A signed-in account changes its own password; its other sessions end, this one stays. */
  async changeOwnPassword(sessionId: string, current: string, password: string): Promise<void> {
    const s = this.sessions.live(sessionId);
    const a = s && this.store.get(s.account);
    if (!s || !a) throw new AppFailure('UNAUTHORIZED', 'This session has ended.');
    const wait = this.limiter.waitMs(a.name, s.address);
    if (wait > 0) throw new AppFailure('BUSY', `Too many wrong passwords. Try again in ${Math.ceil(wait / 1000)} s.`);
    if (!(await verifyPassword(current, a.hash))) {
      this.limiter.failed(a.name, s.address);
      throw new AppFailure('AUTH_FAILED', 'The current password is wrong.');
    }
    const hash = await hashPassword(password, this.params);
    await this.store.mutate((all) => {
      const x = find(all, a.name);
      x.hash = hash;
      x.passwordChangedAt = this.now();
    });
    // Not through applied(): that would end this session too.
    for (const other of [...this.allSessionsOf(a.name)]) if (other !== sessionId) this.sessions.end(other, 'account-changed');
  }

  endSessions(name: string, why: EndReason = 'logout-everywhere'): number {
    if (!this.store.get(name)) throw new AppFailure('NOT_FOUND', `No account named ${name}.`);
    return this.sessions.endAll(name, why);
  }

  /** From the CLI, which has no sessions of its own: marks the account so a running serve ends them. */
  async logoutEverywhereOnDisk(name: string): Promise<void> {
    await this.change((all) => {
      find(all, name).loggedOutAt = this.now();
    });
  }

  async remove(name: string): Promise<boolean> {
    await this.change((all) => {
      const hadAdmin = hasAdmin(all);
      const i = all.findIndex((a) => a.name === name);
      if (i < 0) throw new AppFailure('NOT_FOUND', `No account named ${name}.`);
      all.splice(i, 1);
      if (hadAdmin) keepAnAdmin(all, name);
    });
    return true;
  }

  dispose(): void {
    clearInterval(this.refresher);
    this.sessions.dispose();
  }

  private allSessionsOf(name: string): string[] {
    const ids: string[] = [];
    // SessionStore has no list by design (nothing else needs one); end() by id needs them here.
    this.sessions.forEach((s) => s.account === name && ids.push(s.id));
    return ids;
  }

  private async change<T>(f: (all: StoredAccount[]) => T): Promise<{ result: T }> {
    const { result, changed } = await this.store.mutate(f);
    this.applied(changed);
    return { result };
  }

  private view(a: StoredAccount): Account {
    return {
      name: a.name,
      role: a.role,
      hosts: a.hosts,
      tags: a.tags,
      disabled: a.disabled,
      createdAt: a.createdAt,
      passwordChangedAt: a.passwordChangedAt,
      ...(a.lastLoginAt ? { lastLoginAt: a.lastLoginAt } : {}),
      sessions: this.sessions.count(a.name),
    };
  }
}

function find(all: StoredAccount[], name: string): StoredAccount {
  const a = all.find((x) => x.name === name);
  if (!a) throw new AppFailure('NOT_FOUND', `No account named ${name}.`);
  return a;
}

const hasAdmin = (all: readonly StoredAccount[]) => all.some((a) => a.role === 'admin' && !a.disabled);

/** Nobody may lock every admin out: the last enabled admin can't be disabled, demoted or removed. */
function keepAnAdmin(all: StoredAccount[], touched: string): void {
  if (!hasAdmin(all)) {
    throw new AppFailure('CONFLICT', `${touched} is the last enabled admin: make another admin first, or everyone would be locked out.`);
  }
}

function cleanScope(s: AccessScope): AccessScope {
  const hosts = [...new Set(s.hosts)];
  return { hosts: hosts.includes(ALL_HOSTS) ? [ALL_HOSTS] : hosts, tags: [...new Set(s.tags.map((t) => t.trim()).filter(Boolean))] };
}
