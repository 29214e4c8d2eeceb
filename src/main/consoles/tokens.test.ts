import { describe, expect, it, vi } from 'vitest';
import { TokenStore } from './tokens';

describe('TokenStore', () => {
  it('issues 32-byte random tokens that work once', () => {
    const store = new TokenStore<string>();
    const { token } = store.issue('a');
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(store.take(token)).toBe('a');
    expect(store.take(token)).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it('refuses unknown, empty, missing and oversized tokens', () => {
    const store = new TokenStore<string>();
    const { token } = store.issue('a');
    for (const t of [undefined, null, '', 'x', token.slice(1), token + 'A', 'A'.repeat(5000)]) expect(store.take(t)).toBeUndefined();
    expect(store.take(token)).toBe('a');
  });

  it('expires unused tokens and hands their value back to be closed', () => {
    vi.useFakeTimers();
    try {
      const expired: string[] = [];
      const store = new TokenStore<string>({ ttlMs: 1000, onExpire: (v) => expired.push(v) });
      const { token } = store.issue('a');
      store.issue('b');
      vi.advanceTimersByTime(1001);
      expect(expired.sort()).toEqual(['a', 'b']);
      expect(store.take(token)).toBeUndefined();
      expect(store.size).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('treats a token as expired when the clock passed it before its timer ran', () => {
    let now = 0;
    const expired: string[] = [];
    const store = new TokenStore<string>({ ttlMs: 1000, now: () => now, onExpire: (v) => expired.push(v) });
    const { token } = store.issue('a');
    now = 5000;
    expect(store.take(token)).toBeUndefined();
    expect(expired).toEqual(['a']);
  });

  it('revokes by value and disposes everything', () => {
    const expired: string[] = [];
    const store = new TokenStore<string>({ onExpire: (v) => expired.push(v) });
    const a = store.issue('a');
    store.issue('b');
    store.issue('c');
    store.revoke((v) => v === 'a');
    expect(store.take(a.token)).toBeUndefined();
    store.dispose();
    expect(expired.sort()).toEqual(['a', 'b', 'c']);
    expect(store.size).toBe(0);
  });
});
