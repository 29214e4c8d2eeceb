import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HostState } from '../../shared/model/host';
import { silentLogger } from '../util/log';
import { HostConnection, type Attachment } from './connection';
import { ConnectError } from './errors';
import type { Link, OpenContext, Opener } from './link';
import { PromptBroker } from './prompts';
import { initialState, nextState } from './state';
import type { HostTransport } from './transport';

// The state machine driven by a stub opener: sockets are covered by the lab
// tests (connection.lab.test.ts); here we need exact control of when a dial
// succeeds, fails or drops, and fake timers to check the backoff schedule.

class StubLink implements Link {
  readonly transport = { hostId: 'h1', kind: 'ssh' } as HostTransport;
  closed = false;
  private cbs = new Set<(r: ConnectError) => void>();
  onClose(cb: (r: ConnectError) => void) {
    this.cbs.add(cb);
    return () => void this.cbs.delete(cb);
  }
  close() {
    this.closed = true;
    this.cbs.clear();
  }
  drop(reason = 'connection reset (h1)') {
    for (const cb of [...this.cbs]) cb(new ConnectError('HOST_UNREACHABLE', reason, 'backoff'));
  }
  get listeners() {
    return this.cbs.size;
  }
}

type Step = Link | ConnectError | ((ctx: OpenContext) => Promise<Link>);

function setup(steps: Step[], attachments: Attachment[] = []) {
  const prompts = new PromptBroker();
  const open: Opener = vi.fn(async (ctx: OpenContext) => {
    const s = steps.shift();
    if (!s) throw new Error('no more steps');
    if (s instanceof ConnectError) throw s;
    if (typeof s === 'function') return s(ctx);
    return s;
  });
  const conn = new HostConnection({ hostId: 'h1', open, attachments: () => attachments, prompts, log: silentLogger, random: () => 0.5, now: () => Date.now() });
  const seen: HostState[] = [];
  conn.onStateChange((s) => seen.push(s));
  const statuses = () => seen.map((s) => s.status);
  return { conn, open, prompts, seen, statuses };
}

const refused = () => new ConnectError('HOST_UNREACHABLE', 'connection refused (h1)', 'backoff');

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(1_000_000);
});
afterEach(() => vi.useRealTimers());

describe('state transitions (pure)', () => {
  const s0 = initialState('h1', 0);
  it('prompt only from an attempt; answered returns to connecting', () => {
    expect(nextState(s0, { type: 'prompt' }, 1)).toBe(s0);
    const c = nextState(s0, { type: 'connecting', attempt: 2 }, 1);
    const p = nextState(c, { type: 'prompt' }, 2);
    expect(p).toEqual({ hostId: 'h1', status: 'needs-auth', since: 2, attempt: 2 });
    expect(nextState(p, { type: 'answered' }, 3)).toMatchObject({ status: 'connecting', attempt: 2 });
  });
  it('failed carries reason, code and retry time; up clears them', () => {
    const f = nextState(s0, { type: 'failed', reason: 'connection refused', code: 'HOST_UNREACHABLE', attempt: 1, retryAt: 9 }, 5);
    expect(f).toEqual({ hostId: 'h1', status: 'unreachable', since: 5, reason: 'connection refused', errorCode: 'HOST_UNREACHABLE', attempt: 1, retryAt: 9 });
    expect(nextState(f, { type: 'up' }, 6)).toEqual({ hostId: 'h1', status: 'connected', since: 6 });
  });
});

describe('HostConnection', () => {
  it('connects and reports connecting then connected', async () => {
    const link = new StubLink();
    const { conn, statuses } = setup([link]);
    await expect(conn.connect()).resolves.toMatchObject({ status: 'connected' });
    expect(statuses()).toEqual(['connecting', 'connected']);
    expect(conn.transport()).toBe(link.transport);
    await expect(conn.connect()).resolves.toMatchObject({ status: 'connected' }); // idempotent
  });

  it('backs off 1 s, 2 s, 4 s between failures, then resets after success', async () => {
    const { conn, seen, open } = setup([refused(), refused(), refused(), new StubLink()]);
    const first = await conn.connect();
    expect(first).toMatchObject({ status: 'unreachable', reason: 'connection refused (h1)', retryAt: 1_000_000 + 1000, attempt: 1 });
    await vi.advanceTimersByTimeAsync(999);
    expect(open).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(open).toHaveBeenCalledTimes(2);
    expect(conn.state).toMatchObject({ status: 'unreachable', attempt: 2, retryAt: Date.now() + 2000 });
    await vi.advanceTimersByTimeAsync(2000);
    expect(conn.state).toMatchObject({ attempt: 3, retryAt: Date.now() + 4000 });
    await vi.advanceTimersByTimeAsync(4000);
    expect(conn.state.status).toBe('connected');
    expect(seen.filter((s) => s.status === 'connecting').map((s) => s.attempt)).toEqual([1, 2, 3, 4]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('never retries a changed host key or refused credentials', async () => {
    const { conn } = setup([new ConnectError('HOST_KEY_MISMATCH', 'host key changed: …', 'never')]);
    await expect(conn.connect()).resolves.toMatchObject({ status: 'unreachable', errorCode: 'HOST_KEY_MISMATCH' });
    expect(conn.state.retryAt).toBeUndefined();
    expect(conn.state.hostKey).toBeUndefined(); // no facts given, none invented
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a changed host key carries its facts as fields in the state (the UI lays them out)', async () => {
    const facts = { kind: 'changed', hostname: '10.0.0.5', port: 2222, role: 'jump host', keyType: 'ssh-ed25519', offered: 'SHA256:new', expected: 'SHA256:old', file: '/home/a/.ssh/known_hosts', line: 7 };
    const { conn } = setup([new ConnectError('HOST_KEY_MISMATCH', 'host key changed: …', 'never', { detail: { ...facts, junk: 1 } })]);
    await expect(conn.connect()).resolves.toMatchObject({ status: 'unreachable', errorCode: 'HOST_KEY_MISMATCH', hostKey: facts });
    expect(conn.state.hostKey).not.toHaveProperty('junk');
  });

  it('on drop: unreachable with the reason, attachments disposed, redial, attachments re-run', async () => {
    const links = [new StubLink(), new StubLink()];
    const disposed: number[] = [];
    let runs = 0;
    const att: Attachment = async () => {
      const n = ++runs;
      return () => disposed.push(n);
    };
    const { conn, statuses } = setup([...links], [att]);
    await conn.connect();
    links[0]!.drop('connection closed by the host (h1)');
    expect(conn.state).toMatchObject({ status: 'unreachable', reason: 'connection closed by the host (h1)', retryAt: Date.now() + 1000 });
    expect(disposed).toEqual([1]);
    expect(links[0]!.closed).toBe(true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(statuses()).toEqual(['connecting', 'connected', 'unreachable', 'connecting', 'connected']);
    expect(runs).toBe(2);
    conn.disconnect();
    expect(disposed).toEqual([1, 2]);
    expect(links[1]!.closed).toBe(true);
  });

  it('a failing attachment makes the host unreachable with its message and undoes the others', async () => {
    const link = new StubLink();
    const disposed: string[] = [];
    const ok: Attachment = async () => () => disposed.push('ok');
    const bad: Attachment = async () => {
      throw new Error('libvirt: cannot connect to /var/run/libvirt/libvirt-sock');
    };
    const { conn } = setup([link], [ok, bad]);
    await expect(conn.connect()).resolves.toMatchObject({
      status: 'unreachable',
      reason: 'libvirt: cannot connect to /var/run/libvirt/libvirt-sock',
      retryAt: expect.any(Number),
    });
    expect(disposed).toEqual(['ok']);
    expect(link.closed).toBe(true);
    conn.dispose();
  });

  it('an attachment that outlives its time limit fails the attempt and is released when it finishes', async () => {
    let finish: (() => void) | undefined;
    const released: string[] = [];
    const slow: Attachment = () => new Promise((r) => (finish = () => r(() => released.push('slow'))));
    const prompts = new PromptBroker();
    const link = new StubLink();
    const conn = new HostConnection({ hostId: 'h1', open: async () => link, attachments: () => [slow], prompts, log: silentLogger, attachTimeoutMs: 500, random: () => 0.5 });
    const p = conn.connect();
    await vi.advanceTimersByTimeAsync(500);
    await expect(p).resolves.toMatchObject({ status: 'unreachable', errorCode: 'TIMEOUT' });
    expect(link.closed).toBe(true);
    finish!();
    await vi.advanceTimersByTimeAsync(0);
    expect(released).toEqual(['slow']);
    conn.dispose();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('an attachment can report the host unusable later', async () => {
    let drop: ((r: string) => void) | undefined;
    const att: Attachment = async (_h, _t, _s, ctx) => {
      drop = ctx.drop;
      return () => {};
    };
    const { conn } = setup([new StubLink(), new StubLink()], [att]);
    await conn.connect();
    drop!('libvirtd stopped answering');
    await vi.advanceTimersByTimeAsync(0);
    expect(conn.state).toMatchObject({ status: 'unreachable', reason: 'libvirtd stopped answering' });
    await vi.advanceTimersByTimeAsync(1000);
    expect(conn.state.status).toBe('connected');
    conn.dispose();
  });

  it('shows needs-auth while a prompt waits, and disconnect cancels it', async () => {
    let asked: Promise<unknown> | undefined;
    const { conn, prompts, statuses } = setup([
      (ctx) => {
        asked = ctx.ask({ hostId: 'h1', kind: 'password', message: 'Password' });
        return new Promise<Link>(() => {}); // the dial waits on the person
      },
    ]);
    void conn.connect();
    await vi.advanceTimersByTimeAsync(0);
    expect(conn.state.status).toBe('needs-auth');
    expect(prompts.list()).toHaveLength(1);
    conn.disconnect();
    await expect(asked).resolves.toMatchObject({ accept: false, outcome: 'cancelled' });
    expect(prompts.list()).toHaveLength(0);
    expect(statuses()).toEqual(['connecting', 'needs-auth', 'disconnected']);
  });

  it('a link that arrives after disconnect is closed, not used', async () => {
    const link = new StubLink();
    let release: (() => void) | undefined;
    const { conn } = setup([() => new Promise<Link>((r) => (release = () => r(link)))]);
    const p = conn.connect();
    conn.disconnect();
    release!();
    await p;
    expect(link.closed).toBe(true);
    expect(conn.state.status).toBe('disconnected');
    expect(conn.transport()).toBeUndefined();
  });

  it('retry "now" (server hung up while the user answered) redials at once', async () => {
    const { conn, open } = setup([new ConnectError('HOST_UNREACHABLE', 'closed while waiting', 'now'), new StubLink()]);
    await conn.connect();
    expect(conn.state.retryAt).toBe(Date.now());
    await vi.advanceTimersByTimeAsync(0);
    expect(open).toHaveBeenCalledTimes(2);
    expect(conn.state.status).toBe('connected');
  });

  it('dispose leaves no timers, listeners or links', async () => {
    const link = new StubLink();
    const { conn } = setup([refused(), link]);
    await conn.connect();
    expect(vi.getTimerCount()).toBe(1);
    conn.dispose();
    expect(vi.getTimerCount()).toBe(0);
    const again = setup([link]);
    await again.conn.connect();
    expect(link.listeners).toBe(1);
    again.conn.dispose();
    expect(link.closed).toBe(true);
    expect(link.listeners).toBe(0);
    await expect(again.conn.connect()).rejects.toThrow(/removed/);
  });
});
