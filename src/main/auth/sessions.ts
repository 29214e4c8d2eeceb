import { createHash, randomBytes } from 'node:crypto';

// Sign-in sessions of serve's accounts. The credential is 32 random bytes
// (base64url, so it fits where serve's access token goes: a WebSocket
// subprotocol, sessionStorage); the core keeps only its SHA-256, in memory,
// so a restart signs everyone out and a memory dump holds no usable token.

export interface SessionLimits {
  /** Ends a session nobody used for this long. */
  idleMs: number;
  /** Ends every session this long after sign-in, used or not. */
  maxMs: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = { idleMs: 30 * 60_000, maxMs: 12 * 3600_000 };

export interface Session {
  /** SHA-256 of the credential, hex: the key everything else uses. */
  id: string;
  account: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
  address: string;
}

export type EndReason = 'logout' | 'logout-everywhere' | 'expired' | 'idle' | 'account-changed' | 'shutdown';

export const END_WORDS: Record<EndReason, string> = {
  logout: 'signed out',
  'logout-everywhere': 'signed out everywhere',
  expired: 'the session reached its maximum length',
  idle: 'the session was idle too long',
  'account-changed': 'the account was changed by an admin',
  shutdown: 'VirtDeck is shutting down',
};

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  private readonly listeners = new Set<(s: Session, why: EndReason) => void>();
  private readonly now: () => number;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    readonly limits: SessionLimits = DEFAULT_SESSION_LIMITS,
    opts: { now?: () => number; sweepMs?: number } = {},
  ) {
    this.now = opts.now ?? Date.now;
    // Ended sessions must close their sockets even when nobody calls anything.
    this.sweeper = setInterval(() => this.sweep(), opts.sweepMs ?? 15_000);
    this.sweeper.unref();
  }

  create(account: string, address: string): { token: string; session: Session } {
    const token = randomBytes(32).toString('base64url');
    const now = this.now();
    const session: Session = { id: digest(token), account, createdAt: now, lastSeenAt: now, expiresAt: now + this.limits.maxMs, address };
    this.sessions.set(session.id, session);
    return { token, session };
  }

  /** The live session a credential opens, or null (unknown, ended, expired: expired ones end now). */
  check(token: string | undefined): Session | null {
    if (!token || token.length > 128) return null;
    return this.live(digest(token));
  }

  /** The session by id if it is still live; ends it when it has just expired. */
  live(id: string): Session | null {
    const s = this.sessions.get(id);
    if (!s) return null;
    const why = this.expiry(s);
    if (why) {
      this.end(s.id, why);
      return null;
    }
    return s;
  }

  /** Marks use (a call, activity on the page): pushes the idle deadline out. */
  touch(id: string): boolean {
    const s = this.live(id);
    if (s) s.lastSeenAt = this.now();
    return !!s;
  }

  idleExpiresAt(s: Session): number {
    return Math.min(s.expiresAt, s.lastSeenAt + this.limits.idleMs);
  }

  end(id: string, why: EndReason): boolean {
    const s = this.sessions.get(id);
    if (!s) return false;
    this.sessions.delete(id);
    for (const l of [...this.listeners]) l(s, why);
    return true;
  }

  /** Ends every session of an account (log out everywhere, account changed); returns how many. */
  endAll(account: string, why: EndReason): number {
    let n = 0;
    for (const s of [...this.sessions.values()]) if (s.account === account && this.end(s.id, why)) n++;
    return n;
  }

  count(account: string): number {
    let n = 0;
    for (const s of this.sessions.values()) if (s.account === account && !this.expiry(s)) n++;
    return n;
  }

  forEach(f: (s: Readonly<Session>) => void): void {
    for (const s of this.sessions.values()) f(s);
  }

  /** Runs on every session end, whatever the reason. */
  onEnd(l: (s: Session, why: EndReason) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  sweep(): void {
    for (const s of [...this.sessions.values()]) {
      const why = this.expiry(s);
      if (why) this.end(s.id, why);
    }
  }

  dispose(): void {
    clearInterval(this.sweeper);
    for (const s of [...this.sessions.values()]) this.end(s.id, 'shutdown');
  }

  private expiry(s: Session): EndReason | null {
    const now = this.now();
    if (now >= s.expiresAt) return 'expired';
    if (now >= s.lastSeenAt + this.limits.idleMs) return 'idle';
    return null;
  }
}
