import { afterEach, describe, expect, it, vi } from 'vitest';
import { PromptBroker, type PromptEvent } from './prompts';

const pw = { hostId: 'h1', kind: 'password' as const, message: 'Password for root@h1' };

describe('PromptBroker', () => {
  afterEach(() => vi.useRealTimers());

  it('delivers an answer to the asking attempt and emits both events', async () => {
    const b = new PromptBroker();
    const events: PromptEvent[] = [];
    b.onEvent((e) => events.push(e));
    const reply = b.ask(pw);
    const [p] = b.list();
    expect(p).toMatchObject({ ...pw, id: expect.any(String) });
    expect(b.answer({ promptId: p!.id, accept: true, answers: ['s3cret'] })).toBe(true);
    await expect(reply).resolves.toEqual({ accept: true, answers: ['s3cret'], outcome: 'answered' });
    expect(b.answer({ promptId: p!.id, accept: true, answers: [] })).toBe(false);
    expect(events.map((e) => e.type)).toEqual(['requested', 'resolved']);
    expect(b.list()).toEqual([]);
  });

  it('times out, and cancels on abort or per host, leaving no timers', async () => {
    vi.useFakeTimers();
    const b = new PromptBroker(1000);
    const t = b.ask(pw);
    vi.advanceTimersByTime(1000);
    await expect(t).resolves.toMatchObject({ accept: false, outcome: 'timeout' });
    const ac = new AbortController();
    const a = b.ask(pw, ac.signal);
    ac.abort();
    await expect(a).resolves.toMatchObject({ outcome: 'cancelled' });
    const c = b.ask(pw);
    const other = b.ask({ ...pw, hostId: 'h2' });
    b.cancelHost('h1');
    await expect(c).resolves.toMatchObject({ outcome: 'cancelled' });
    expect(b.list().map((p) => p.hostId)).toEqual(['h2']);
    b.dispose();
    await expect(other).resolves.toMatchObject({ outcome: 'cancelled' });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a refusal carries no answers', async () => {
    const b = new PromptBroker();
    const r = b.ask(pw);
    b.answer({ promptId: b.list()[0]!.id, accept: false, answers: ['ignored'] });
    await expect(r).resolves.toEqual({ accept: false, answers: [], outcome: 'cancelled' });
  });

  it('passes on "Remember" only with an accepted answer', async () => {
    const b = new PromptBroker();
    const yes = b.ask(pw);
    b.answer({ promptId: b.list()[0]!.id, accept: true, answers: ['s3cret'], remember: true });
    await expect(yes).resolves.toEqual({ accept: true, answers: ['s3cret'], outcome: 'answered', remember: true });
    const no = b.ask(pw);
    b.answer({ promptId: b.list()[0]!.id, accept: false, answers: [], remember: true });
    await expect(no).resolves.toEqual({ accept: false, answers: [], outcome: 'cancelled' });
  });
});
