import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { wsProtocols } from '../../shared/ipc/access';
import type { Result } from '../../shared/ipc/result';
import { serve, type Served } from '../serve';
import { silentLogger } from '../util/log';
import { runAccountsCli, type CliIo } from './accounts-cli';

// Accounts mode of the real serve stack on loopback (HTTP sign-in, the
// WebSocket with a session credential, the CLI writing accounts.json under
// a running serve). Nothing here needs libvirt: calls that reach a host are
// refused before they would touch one. The lab e2e spec covers VMs.

const FAST = { ln: 10, r: 8, p: 1 }; // cheap hashes: same format and checks, less CPU on a shared box
const dir = mkdtempSync(path.join(os.tmpdir(), 'vd-accounts-'));
const started: Served[] = [];
const sockets: WebSocket[] = [];
afterEach(async () => {
  sockets.splice(0).forEach((s) => s.terminate());
  for (const s of started.splice(0)) await s.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
async function start(extra: Partial<Parameters<typeof serve>[0]['accounts']> = {}) {
  const configDir = path.join(dir, `cfg-${n++}`);
  const s = await serve({
    host: '127.0.0.1',
    port: 0,
    configDir,
    staticDir: dir,
    log: silentLogger,
    token: 'accounts-test-token-0123456789',
    localSocketPath: '/nonexistent/libvirt-sock',
    accounts: { hashParams: FAST, refreshMs: 50, sweepMs: 50, ...extra },
  } as Parameters<typeof serve>[0]);
  started.push(s);
  return { s, configDir };
}

function io(password = 'a-good-password-1'): CliIo & { text: string } {
  const o = { text: '' } as CliIo & { text: string };
  o.out = (t) => void (o.text += t);
  o.err = (t) => void (o.text += t);
  o.askPassword = async () => password;
  o.readStdin = async () => `${password}\n`;
  return o;
}
const cli = (configDir: string, ...argv: string[]) => runAccountsCli(argv, configDir, io(), { hashParams: FAST });

async function login(s: Served, name: string, password: string, headers: Record<string, string> = {}) {
  const r = await fetch(`${s.origin}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ name, password }) });
  const text = await r.text();
  const body = (r.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(text) : { message: text }) as { token?: string; role?: string; message?: string };
  return { status: r.status, retryAfter: r.headers.get('retry-after'), body };
}

interface Client {
  ws: WebSocket;
  call<T = unknown>(name: string, input?: unknown): Promise<Result<T>>;
  closed: Promise<{ code: number; reason: string }>;
  events: Array<{ name: string; payload: unknown }>;
}

async function connect(s: Served, credential: string): Promise<Client> {
  const ws = new WebSocket(`${s.origin.replace('http', 'ws')}/ws`, wsProtocols(credential), { origin: s.origin });
  sockets.push(ws);
  const closed = new Promise<{ code: number; reason: string }>((r) => ws.once('close', (code, reason) => r({ code, reason: reason.toString() })));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`handshake refused: ${res.statusCode}`)));
    ws.once('error', reject);
  });
  let id = 0;
  const waiting = new Map<number, (r: Result<unknown>) => void>();
  const events: Client['events'] = [];
  ws.on('message', (d) => {
    const m = JSON.parse(d.toString());
    if (m.t === 'result') waiting.get(m.id)?.(m.result);
    if (m.t === 'event') events.push({ name: m.name, payload: m.payload });
  });
  return {
    ws,
    closed,
    events,
    call: <T,>(name: string, input: unknown = {}) =>
      new Promise<Result<T>>((resolve) => {
        const i = ++id;
        waiting.set(i, resolve as (r: Result<unknown>) => void);
        ws.send(JSON.stringify({ t: 'call', id: i, name, input }));
      }),
  };
}

const handshake = (s: Served, credential: string) =>
  new Promise<number>((resolve) => {
    const ws = new WebSocket(`${s.origin.replace('http', 'ws')}/ws`, wsProtocols(credential), { origin: s.origin });
    ws.once('open', () => (ws.close(), resolve(101)));
    ws.once('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0));
    ws.once('error', () => resolve(-1));
  });

const mode = async (s: Served) => ((await (await fetch(`${s.origin}/api/access`)).json()) as { mode: string }).mode;

describe('serve with team accounts', () => {
  it('switches from the access token to sign-in once an admin exists, closing token windows', async () => {
    const { s, configDir } = await start();
    expect(await mode(s)).toBe('token');
    expect(s.url).toMatch(/#token=/);
    expect((await login(s, 'alice', 'whatever-password')).status).toBe(401);
    const tokenWindow = await connect(s, s.token);
    expect(await tokenWindow.call('session.get')).toMatchObject({ ok: true, value: { mode: 'token', role: 'admin' } });

    expect(await cli(configDir, 'add', 'Alice', '--role', 'admin', '--password-stdin')).toBe(0);
    // The running serve notices the file, refuses the token from now on, and closes the token's windows.
    await expect(tokenWindow.closed).resolves.toMatchObject({ code: 4401 });
    expect(await mode(s)).toBe('accounts');
    expect(s.url).toBe(`${s.origin}/`);
    expect(await handshake(s, s.token)).toBe(401);

    expect((await login(s, 'alice', 'not-her-password')).status).toBe(401);
    const ok = await login(s, ' ALICE ', 'a-good-password-1');
    expect(ok).toMatchObject({ status: 200, body: { role: 'admin' } });
    const w = await connect(s, ok.body.token!);
    expect(await w.call('session.get')).toMatchObject({ ok: true, value: { mode: 'accounts', user: 'alice', role: 'admin', can: { accounts: true } } });
  });

  it('a help-desk session is refused everything but its consoles and power, FORBIDDEN by the core, and audited as refused', async () => {
    const { s, configDir } = await start();
    await cli(configDir, 'add', 'root', '--role', 'admin', '--password-stdin');
    await expect.poll(() => s.accountsMode).toBe(true);
    const admin = await connect(s, (await login(s, 'root', 'a-good-password-1')).body.token!);
    expect(await admin.call('accounts.create', { name: 'hd', password: 'help-desk-pass', role: 'helpdesk', tags: ['front-desk'] })).toMatchObject({ ok: true, value: { name: 'hd', role: 'helpdesk', hosts: [], tags: ['front-desk'] } });
    // Another admin can't make a second account with the same name.
    expect(await admin.call('accounts.create', { name: 'HD', password: 'help-desk-pass', role: 'readonly' })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });

    const hd = await connect(s, (await login(s, 'hd', 'help-desk-pass')).body.token!);
    expect(await hd.call('session.get')).toMatchObject({ ok: true, value: { role: 'helpdesk', tags: ['front-desk'], can: { consoles: true, lifecycle: ['start', 'reboot'], manageHosts: false } } });
    const vm = { hostId: 'lab-1', uuid: '11111111-1111-4111-8111-111111111111' };
    const refused: Array<[string, unknown]> = [
      ['hosts.add', { name: 'x', target: { transport: 'ssh', hostname: '10.0.0.1' } }],
      ['hosts.remove', { hostId: 'lab-1' }],
      ['domains.delete', vm],
      ['domains.lifecycle', { hostId: 'lab-1', uuids: [vm.uuid], action: 'forceOff' }],
      ['consoles.openShell', { hostId: 'lab-1' }],
      ['accounts.list', {}],
      ['accounts.update', { name: 'hd', patch: { role: 'admin' } }],
      ['audit.list', {}],
      ['metrics.setRules', { rules: [] }],
    ];
    for (const [name, input] of refused) expect(await hd.call(name, input), name).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    // The host list is there, filtered to nothing (no host holds a VM it sees).
    expect(await hd.call('hosts.list')).toEqual({ ok: true, value: [] });

    const audit = await admin.call<Array<{ user: string; via: string; call: string; result: string; error?: { code: string } }>>('audit.list', { user: 'hd' });
    expect(audit.ok).toBe(true);
    const rows = audit.ok ? audit.value : [];
    for (const [name] of refused) expect(rows.find((r) => r.call === name), name).toMatchObject({ user: 'hd', via: 'serve-account', result: 'error', error: { code: 'FORBIDDEN' } });
    expect(rows.find((r) => r.call === 'session.login')).toMatchObject({ user: 'hd', result: 'ok' });
  });

  it('rate limits sign-in per account and per address, with growing waits', async () => {
    const { s, configDir } = await start({
      loginLimits: { account: { free: 2, baseMs: 400, maxMs: 60_000, forgetMs: 600_000 }, address: { free: 6, baseMs: 400, maxMs: 60_000, forgetMs: 600_000 } },
    });
    await cli(configDir, 'add', 'root', '--role', 'admin', '--password-stdin');
    await expect.poll(() => s.accountsMode).toBe(true);
    expect((await login(s, 'root', 'wrong-1')).status).toBe(401);
    expect((await login(s, 'root', 'wrong-2')).status).toBe(401);
    expect((await login(s, 'root', 'wrong-3')).status).toBe(401); // the 3rd failure starts the waits
    // While it waits, even the right password is not checked.
    const held = await login(s, 'root', 'a-good-password-1');
    expect(held).toMatchObject({ status: 429, retryAfter: '1', body: { message: expect.stringMatching(/Too many failed sign-ins/) } });
    await expect.poll(async () => (await login(s, 'root', 'a-good-password-1')).status, { timeout: 5000, interval: 100 }).toBe(200);
    // One address trying many names: 6 failures free (3 above), the 7th starts waits for any name from it.
    for (const name of ['a1', 'a2', 'a3', 'a4']) expect((await login(s, name, 'x')).status).toBe(401);
    expect((await login(s, 'a5', 'x')).status).toBe(429);
  });

  it('sessions end when idle and at their maximum length; the window is closed and the credential refused', async () => {
    const { s, configDir } = await start({ sessionLimits: { idleMs: 600, maxMs: 60_000 } });
    await cli(configDir, 'add', 'root', '--role', 'admin', '--password-stdin');
    await expect.poll(() => s.accountsMode).toBe(true);
    const busy = await login(s, 'root', 'a-good-password-1');
    const idle = await login(s, 'root', 'a-good-password-1');
    const busyWin = await connect(s, busy.body.token!);
    const idleWin = await connect(s, idle.body.token!);
    // One window keeps calling (its session stays), the other doesn't (ended by the sweep, socket closed).
    const keepAlive = setInterval(() => void busyWin.call('app.ping', { echo: 'x' }), 150);
    try {
      await expect(idleWin.closed).resolves.toEqual({ code: 4401, reason: 'Session ended: the session was idle too long' });
      expect(busyWin.ws.readyState).toBe(WebSocket.OPEN);
      expect(await handshake(s, idle.body.token!)).toBe(401);
    } finally {
      clearInterval(keepAlive);
    }

    const short = await start({ sessionLimits: { idleMs: 60_000, maxMs: 700 } });
    await cli(short.configDir, 'add', 'root', '--role', 'admin', '--password-stdin');
    await expect.poll(() => short.s.accountsMode).toBe(true);
    const t = (await login(short.s, 'root', 'a-good-password-1')).body.token!;
    const w = await connect(short.s, t);
    const ping = setInterval(() => void w.call('app.ping', { echo: 'x' }), 100);
    try {
      await expect(w.closed).resolves.toEqual({ code: 4401, reason: 'Session ended: the session reached its maximum length' });
    } finally {
      clearInterval(ping);
    }
  });

  it('logs out everywhere: every window of the account closes, others stay', async () => {
    const { s, configDir } = await start();
    await cli(configDir, 'add', 'root', '--role', 'admin', '--password-stdin');
    await cli(configDir, 'add', 'op', '--role', 'operator', '--hosts', '*', '--password-stdin');
    await expect.poll(() => s.accountsMode).toBe(true);
    const a = await connect(s, (await login(s, 'op', 'a-good-password-1')).body.token!);
    const b = await connect(s, (await login(s, 'op', 'a-good-password-1')).body.token!);
    const other = await connect(s, (await login(s, 'root', 'a-good-password-1')).body.token!);
    expect(await a.call('session.logout', { everywhere: true })).toEqual({ ok: true, value: { ended: 2 } });
    await expect(a.closed).resolves.toMatchObject({ code: 4401, reason: 'Session ended: signed out everywhere' });
    await expect(b.closed).resolves.toMatchObject({ code: 4401 });
    expect(await other.call('app.ping', { echo: 'still here' })).toMatchObject({ ok: true });

    // An admin changing an account ends its sessions; the last admin can't lock everyone out.
    const c = await connect(s, (await login(s, 'op', 'a-good-password-1')).body.token!);
    expect(await other.call('accounts.update', { name: 'op', patch: { tags: ['web'] } })).toMatchObject({ ok: true, value: { tags: ['web'] } });
    await expect(c.closed).resolves.toMatchObject({ code: 4401, reason: 'Session ended: the account was changed by an admin' });
    expect(await other.call('accounts.update', { name: 'root', patch: { disabled: true } })).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringMatching(/last enabled admin/) } });
    // The CLI's logout reaches the running serve through the file.
    const d = await connect(s, (await login(s, 'op', 'a-good-password-1')).body.token!);
    expect(await cli(configDir, 'logout', 'op')).toBe(0);
    await expect(d.closed).resolves.toMatchObject({ code: 4401 });
  });

  it('refuses sign-in forms from other origins and anything but JSON', async () => {
    const { s, configDir } = await start();
    await cli(configDir, 'add', 'root', '--role', 'admin', '--password-stdin');
    await expect.poll(() => s.accountsMode).toBe(true);
    expect((await login(s, 'root', 'a-good-password-1', { origin: 'http://evil.example' })).status).toBe(403);
    const form = await fetch(`${s.origin}/api/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'name=root&password=x' });
    expect(form.status).toBe(415);
    const big = await fetch(`${s.origin}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'root', password: 'x'.repeat(5000) }) });
    expect(big.status).toBe(413);
    expect((await login(s, 'root', 'a-good-password-1', { origin: s.origin })).status).toBe(200);
  });
});

describe('virtdeck accounts (CLI)', () => {
  it('adds, lists, changes and removes accounts, with clear refusals', async () => {
    const configDir = path.join(dir, 'cli');
    const o = io();
    const run = (...argv: string[]) => runAccountsCli(argv, configDir, o, { hashParams: FAST });
    expect(await run('list')).toBe(0);
    expect(o.text).toMatch(/No accounts/);
    expect(await run('add', 'alice', '--password-stdin')).toBe(2);
    expect(o.text).toMatch(/--role is required/);
    expect(await run('add', 'alice', '--role', 'boss', '--password-stdin')).toBe(2);
    expect(await run('add', 'bad name', '--role', 'admin', '--password-stdin')).toBe(2);
    expect(await runAccountsCli(['add', 'alice', '--role', 'admin', '--password-stdin'], configDir, io('short'), { hashParams: FAST })).toBe(2);
    expect(await run('add', 'alice', '--role', 'admin', '--password-stdin')).toBe(0);
    expect(await run('add', 'hd', '--role', 'helpdesk', '--tags', 'front-desk, lobby', '--password-stdin')).toBe(0);
    expect(await run('set', 'hd', '--hosts', 'lab-1,lab-2')).toBe(0);
    o.text = '';
    expect(await run('list', '--json')).toBe(0);
    const listed = JSON.parse(o.text) as Array<{ name: string; role: string; hosts: string[]; tags: string[]; hash?: string }>;
    expect(listed.map((a) => [a.name, a.role, a.hosts, a.tags])).toEqual([
      ['alice', 'admin', [], []],
      ['hd', 'helpdesk', ['lab-1', 'lab-2'], ['front-desk', 'lobby']],
    ]);
    expect(JSON.stringify(listed)).not.toContain('scrypt'); // never the hashes
    expect(await run('disable', 'alice')).toBe(1);
    expect(o.text).toMatch(/last enabled admin/);
    expect(await run('remove', 'nobody')).toBe(1);
    expect(await run('remove', 'hd')).toBe(0);
  });
});
