// Login rate limiting (docs/access.md): failed attempts are counted per key
// (an account name, a source address). A few are free; after that each one
// doubles the wait before the next attempt is even checked, up to a cap, and
// the count is forgotten after a quiet spell. While a key waits, its
// password is not checked at all, so guessing gains nothing from asking.

export interface ThrottleOptions {
  /** Failures allowed before waits start. */
  free: number;
  /** The first wait; each further failure doubles it. */
  baseMs: number;
  maxMs: number;
  /** A key with no failure for this long starts afresh. */
  forgetMs: number;
  /** Keys kept at most (oldest dropped): a flood of made-up names can't exhaust memory. */
  maxKeys?: number;
  now?: () => number;
}

interface Entry {
  failures: number;
  lastFailure: number;
  lockedUntil: number;
}

export class Throttle {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;

  constructor(private readonly opts: ThrottleOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** 0 when `key` may try now, else how long it must wait (ms). */
  waitMs(key: string): number {
    const e = this.fresh(key);
    return e ? Math.max(0, e.lockedUntil - this.now()) : 0;
  }

  fail(key: string): void {
    const now = this.now();
    const e = this.fresh(key) ?? { failures: 0, lastFailure: now, lockedUntil: 0 };
    e.failures++;
    e.lastFailure = now;
    const over = e.failures - this.opts.free;
    if (over > 0) e.lockedUntil = now + Math.min(this.opts.maxMs, this.opts.baseMs * 2 ** Math.min(over - 1, 30));
    this.entries.delete(key); // re-insert: Map order is then least recently failed first
    this.entries.set(key, e);
    const max = this.opts.maxKeys ?? 10_000;
    while (this.entries.size > max) this.entries.delete(this.entries.keys().next().value!);
  }

  reset(key: string): void {
    this.entries.delete(key);
  }

  failures(key: string): number {
    return this.fresh(key)?.failures ?? 0;
  }

  get size(): number {
    return this.entries.size;
  }

  private fresh(key: string): Entry | undefined {
    const e = this.entries.get(key);
    if (e && this.now() - e.lastFailure > this.opts.forgetMs && this.now() >= e.lockedUntil) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }
}

export interface LoginLimits {
  account: ThrottleOptions;
  address: ThrottleOptions;
}

/**
 * Per account: 5 free failures, then 1 s, 2 s, 4 s … up to 15 min. Per
 * source address (one person trying many names): 20 free, same curve.
 * A good login clears its account's count but not its address's, so one
 * known password can't be used to keep guessing others.
 */
export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  account: { free: 5, baseMs: 1000, maxMs: 15 * 60_000, forgetMs: 15 * 60_000 },
  address: { free: 20, baseMs: 1000, maxMs: 15 * 60_000, forgetMs: 15 * 60_000 },
};

export class LoginLimiter {
  private readonly byAccount: Throttle;
  private readonly byAddress: Throttle;

  constructor(limits: LoginLimits = DEFAULT_LOGIN_LIMITS, now?: () => number) {
    this.byAccount = new Throttle({ ...limits.account, now });
    this.byAddress = new Throttle({ ...limits.address, now });
  }

  /** 0 when this attempt may be checked, else the ms to wait. */
  waitMs(account: string, address: string): number {
    return Math.max(this.byAccount.waitMs(account), this.byAddress.waitMs(address));
  }

  failed(account: string, address: string): void {
    this.byAccount.fail(account);
    this.byAddress.fail(address);
  }

  succeeded(account: string): void {
    this.byAccount.reset(account);
  }
}
