import { describe, expect, it } from 'vitest';
import { LoginLimiter, Throttle } from './throttle';

// A clock the test moves: waits are checked exactly, without sleeping.
const clock = () => {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
};

describe('login throttle', () => {
  it('lets a few failures through, then doubles the wait up to the cap', () => {
    const c = clock();
    const th = new Throttle({ free: 3, baseMs: 1000, maxMs: 8000, forgetMs: 60_000, now: c.now });
    for (let i = 0; i < 3; i++) {
      expect(th.waitMs('alice')).toBe(0);
      th.fail('alice');
    }
    expect(th.waitMs('alice')).toBe(0);
    th.fail('alice'); // 4th: first wait
    expect(th.waitMs('alice')).toBe(1000);
    c.advance(1000);
    expect(th.waitMs('alice')).toBe(0);
    th.fail('alice');
    expect(th.waitMs('alice')).toBe(2000);
    c.advance(2000);
    th.fail('alice');
    expect(th.waitMs('alice')).toBe(4000);
    c.advance(4000);
    th.fail('alice');
    expect(th.waitMs('alice')).toBe(8000);
    c.advance(8000);
    th.fail('alice');
    expect(th.waitMs('alice')).toBe(8000); // capped
    expect(th.waitMs('bob')).toBe(0); // per key
  });

  it('forgets after a quiet spell, and on reset', () => {
    const c = clock();
    const th = new Throttle({ free: 1, baseMs: 1000, maxMs: 8000, forgetMs: 60_000, now: c.now });
    th.fail('k');
    th.fail('k');
    expect(th.failures('k')).toBe(2);
    c.advance(60_001);
    expect(th.failures('k')).toBe(0);
    th.fail('k');
    th.reset('k');
    expect(th.failures('k')).toBe(0);
  });

  it('keeps a bounded number of keys', () => {
    const th = new Throttle({ free: 1, baseMs: 1, maxMs: 1, forgetMs: 60_000, maxKeys: 100 });
    for (let i = 0; i < 1000; i++) th.fail(`made-up-${i}`);
    expect(th.size).toBe(100);
    expect(th.failures('made-up-999')).toBe(1);
    expect(th.failures('made-up-0')).toBe(0);
  });

  it('limits per account and per source address; a good login clears only the account', () => {
    const c = clock();
    const limiter = new LoginLimiter(
      { account: { free: 2, baseMs: 1000, maxMs: 60_000, forgetMs: 600_000 }, address: { free: 4, baseMs: 1000, maxMs: 60_000, forgetMs: 600_000 } },
      c.now,
    );
    // One address trying many names hits the address limit.
    for (const name of ['a', 'b', 'c', 'd']) limiter.failed(name, '10.0.0.9');
    expect(limiter.waitMs('e', '10.0.0.9')).toBe(0);
    limiter.failed('e', '10.0.0.9');
    expect(limiter.waitMs('f', '10.0.0.9')).toBe(1000);
    expect(limiter.waitMs('f', '10.0.0.10')).toBe(0);
    // Many addresses trying one name hit the account limit.
    for (const ip of ['1.1.1.1', '1.1.1.2', '1.1.1.3']) limiter.failed('alice', ip);
    expect(limiter.waitMs('alice', '1.1.1.4')).toBe(1000);
    c.advance(1000);
    limiter.succeeded('alice');
    expect(limiter.waitMs('alice', '1.1.1.4')).toBe(0);
    expect(limiter.waitMs('x', '10.0.0.9')).toBe(0); // the address wait of 1 s has passed…
    limiter.failed('x', '10.0.0.9');
    expect(limiter.waitMs('x', '10.0.0.9')).toBe(2000); // …but its count was not cleared
  });
});
