import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const TOKEN_TTL_MS = 30_000;

interface Entry<T> {
  digest: Buffer;
  value: T;
  expiresAt: number;
  timer: NodeJS.Timeout;
}

export interface TokenStoreOptions<T> {
  ttlMs?: number;
  /** Runs for a value whose token expired unused (or was revoked), so its target can be closed. */
  onExpire?: (value: T) => void;
  now?: () => number;
}

/**
 * One-time tokens: 32 random bytes, consumed on first use, gone after ttlMs.
 * Entries are keyed by the token's SHA-256, so the map lookup works on a
 * value an attacker cannot steer byte by byte; the final timingSafeEqual
 * makes the check itself constant-time too.
 */
export class TokenStore<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(private readonly opts: TokenStoreOptions<T> = {}) {
    this.ttlMs = opts.ttlMs ?? TOKEN_TTL_MS;
    this.now = opts.now ?? Date.now;
  }

  issue(value: T): { token: string; expiresAt: number } {
    const token = randomBytes(32).toString('base64url');
    const digest = sha256(token);
    const expiresAt = this.now() + this.ttlMs;
    const key = digest.toString('hex');
    const timer = setTimeout(() => this.expire(key), this.ttlMs);
    // An unused token must not keep the process (tests, `serve` shutdown) alive.
    timer.unref();
    this.entries.set(key, { digest, value, expiresAt, timer });
    return { token, expiresAt };
  }

  /** The value bound to `token`, removing it; undefined for unknown, used or expired tokens. */
  take(token: string | undefined | null): T | undefined {
    if (!token || token.length > 128) return undefined;
    const digest = sha256(token);
    const key = digest.toString('hex');
    const e = this.entries.get(key);
    if (!e || !timingSafeEqual(e.digest, digest)) return undefined;
    this.entries.delete(key);
    clearTimeout(e.timer);
    // A timer can lose the race against a connect arriving in the same tick.
    if (this.now() > e.expiresAt) {
      this.opts.onExpire?.(e.value);
      return undefined;
    }
    return e.value;
  }

  /** Drops every token whose value matches (its target closed before anyone connected). */
  revoke(match: (value: T) => boolean): void {
    for (const [key, e] of this.entries) if (match(e.value)) this.expire(key);
  }

  get size(): number {
    return this.entries.size;
  }

  dispose(): void {
    for (const key of [...this.entries.keys()]) this.expire(key);
  }

  private expire(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    clearTimeout(e.timer);
    this.opts.onExpire?.(e.value);
  }
}

const sha256 = (s: string): Buffer => createHash('sha256').update(s).digest();
