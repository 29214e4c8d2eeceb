import { afterEach, describe, expect, it } from 'vitest';
import { SessionStore, type EndReason } from './sessions';

const stores: SessionStore[] = [];
afterEach(() => stores.splice(0).forEach((s) => s.dispose()));

function store(limits = { idleMs: 1000, maxMs: 5000 }) {
  let t = 1_000_000;
  const s = new SessionStore(limits, { now: () => t });
  stores.push(s);
  const ended: Array<[string, EndReason]> = [];
  s.onEnd((x, why) => ended.push([x.account, why]));
  return { s, ended, advance: (ms: number) => (t += ms) };
}

describe('sign-in sessions', () => {
  it('opens with its credential only, and keeps only a digest of it', () => {
    const { s } = store();
    const { token, session } = s.create('alice', '127.0.0.1');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(session.id).not.toContain(token);
    expect(s.check(token)?.account).toBe('alice');
    expect(s.check(token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'))).toBeNull();
    expect(s.check(undefined)).toBeNull();
  });

  it('ends after idling, unless used', () => {
    const { s, ended, advance } = store();
    const a = s.create('alice', 'x');
    const b = s.create('bob', 'x');
    advance(900);
    expect(s.touch(a.session.id)).toBe(true);
    advance(200);
    expect(s.check(a.token)).not.toBeNull();
    expect(s.check(b.token)).toBeNull();
    expect(ended).toEqual([['bob', 'idle']]);
  });

  it('ends at its maximum length however busy', () => {
    const { s, ended, advance } = store();
    const a = s.create('alice', 'x');
    for (let i = 0; i < 5; i++) {
      advance(999);
      s.touch(a.session.id);
    }
    advance(10);
    expect(s.check(a.token)).toBeNull();
    expect(ended).toEqual([['alice', 'expired']]);
  });

  it('the sweep ends expired sessions nobody asks about', () => {
    const { s, ended, advance } = store();
    s.create('alice', 'x');
    advance(1000);
    s.sweep();
    expect(ended).toEqual([['alice', 'idle']]);
  });

  it('logs one account out everywhere, leaving others', () => {
    const { s, ended } = store();
    const a1 = s.create('alice', 'x');
    const a2 = s.create('alice', 'y');
    const b = s.create('bob', 'x');
    expect(s.count('alice')).toBe(2);
    expect(s.endAll('alice', 'logout-everywhere')).toBe(2);
    expect(s.check(a1.token)).toBeNull();
    expect(s.check(a2.token)).toBeNull();
    expect(s.check(b.token)).not.toBeNull();
    expect(ended.map(([n]) => n)).toEqual(['alice', 'alice']);
  });
});
