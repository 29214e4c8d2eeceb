import { spawn, execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { harness, inHost, waitForLab, type Harness, type Lab, type LabHost } from './lab-harness';
import { secretKeys } from './secrets';

// Password auth for the lab's non-root `helpdesk` user (PasswordAuthentication
// yes, no key): the password travels through the prompt broker, is kept only
// in the injected SecretStore, and the next connect doesn't ask again.

let lab: Lab;
let h1: LabHost;
let t: Harness | undefined;

beforeAll(async () => {
  lab = await waitForLab();
  h1 = lab.hosts[0]!;
});
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

const helpdesk = () => ({ transport: 'ssh' as const, hostname: h1.ip, user: 'helpdesk' });

describe('password auth (helpdesk)', () => {
  it('asks, retries after a wrong password, then, with "Remember" ticked, keeps it in the SecretStore only', async () => {
    t = await harness({ knownHostsLines: [`${h1.ip} ${h1.hostKey}`] });
    const { config } = await t.registry.add({ name: 'helpdesk on lab-1', target: helpdesk(), autoConnect: false });
    const connecting = t.registry.connect(config.id);

    const first = await t.waitPrompt();
    expect(first).toMatchObject({ kind: 'password', hostId: config.id, message: `Password for helpdesk@${h1.ip}`, remember: { persistent: false } });
    expect(t.registry.state(config.id).status).toBe('needs-auth');
    t.registry.answerPrompt({ promptId: first.id, accept: true, answers: ['not-the-password'] });

    const second = await t.waitPrompt();
    expect(second.id).not.toBe(first.id);
    expect(second.message).toMatch(/^Permission denied, try again/);
    t.registry.answerPrompt({ promptId: second.id, accept: true, answers: [lab.users.helpdesk.password], remember: true });

    await expect(connecting).resolves.toMatchObject({ status: 'connected' });
    const r = await t.registry.transport(config.id).exec(['id', '-un']);
    expect(r.stdout.toString()).toBe('helpdesk\n');
    expect(await t.secrets.get(secretKeys.password('helpdesk', h1.ip, 22))).toBe(lab.users.helpdesk.password);
    expect(t.secrets.size).toBe(1);

    // Reconnect: the stored password is used, nobody is asked.
    t.registry.disconnect(config.id);
    const before = t.events.filter((e) => e.name === 'host.promptRequested').length;
    await expect(t.registry.connect(config.id)).resolves.toMatchObject({ status: 'connected' });
    expect(t.events.filter((e) => e.name === 'host.promptRequested').length).toBe(before);
  });

  it('without "Remember" the password is kept nowhere: the next connect asks again', async () => {
    t = await harness({ knownHostsLines: [`${h1.ip} ${h1.hostKey}`] });
    const { config } = await t.registry.add({ name: 'not remembered', target: helpdesk(), autoConnect: false });
    const connecting = t.registry.connect(config.id);
    const prompt = await t.waitPrompt();
    t.registry.answerPrompt({ promptId: prompt.id, accept: true, answers: [lab.users.helpdesk.password] });
    await expect(connecting).resolves.toMatchObject({ status: 'connected' });
    expect(t.secrets.size).toBe(0);
    t.registry.disconnect(config.id);
    const again = t.registry.connect(config.id);
    const asked = await t.waitPrompt();
    expect(asked.id).not.toBe(prompt.id);
    expect(asked.message).toBe(`Password for helpdesk@${h1.ip}`);
    t.registry.answerPrompt({ promptId: asked.id, accept: true, answers: [lab.users.helpdesk.password] });
    await expect(again).resolves.toMatchObject({ status: 'connected' });
    expect(t.secrets.size).toBe(0);
  });

  it('a stored password that stopped working is forgotten and asked for again', async () => {
    t = await harness({ knownHostsLines: [`${h1.ip} ${h1.hostKey}`] });
    await t.secrets.set(secretKeys.password('helpdesk', h1.ip, 22), 'stale');
    const { config } = await t.registry.add({ name: 'stale', target: helpdesk(), autoConnect: false });
    const connecting = t.registry.connect(config.id);
    const prompt = await t.waitPrompt();
    expect(prompt.message).toMatch(/Permission denied, try again/);
    expect(await t.secrets.get(secretKeys.password('helpdesk', h1.ip, 22))).toBeUndefined();
    t.registry.answerPrompt({ promptId: prompt.id, accept: true, answers: [lab.users.helpdesk.password] });
    await expect(connecting).resolves.toMatchObject({ status: 'connected' });
  });

  it('dismissing the prompt cancels the attempt without retrying', async () => {
    t = await harness({ knownHostsLines: [`${h1.ip} ${h1.hostKey}`] });
    const { config } = await t.registry.add({ name: 'cancelled', target: helpdesk(), autoConnect: false });
    const connecting = t.registry.connect(config.id);
    const prompt = await t.waitPrompt();
    t.registry.answerPrompt({ promptId: prompt.id, accept: false, answers: [] });
    const state = await connecting;
    expect(state).toMatchObject({ status: 'unreachable', errorCode: 'CANCELLED' });
    expect(state.retryAt).toBeUndefined();
    expect(t.secrets.size).toBe(0);
  });

  it('if sshd hangs up while the password prompt is open, the answer is used on an immediate redial', async () => {
    t = await harness({ knownHostsLines: [`${h1.ip} ${h1.hostKey}`] });
    const { config } = await t.registry.add({ name: 'slow typist', target: helpdesk(), autoConnect: false });
    void t.registry.connect(config.id);
    const prompt = await t.waitPrompt();
    // Play sshd's LoginGraceTime: kill the pre-auth sshd serving our socket
    // (its unprivileged child may exit on its own first: a missing pid is fine;
    // the hang-up is checked below).
    const mine = execFileSync('ss', ['-Htnp', 'state', 'established', 'dst', h1.ip, 'dport', '=', ':22']).toString();
    const port = mine.split('\n').find((l) => l.includes(`pid=${process.pid},`))?.split(/\s+/)[2]?.split(':').pop();
    expect(port).toMatch(/^\d+$/);
    await inHost(h1, ['sh', '-c', 'ss -Htnp state established "( sport = :22 and dport = :$1 )" | grep -o "pid=[0-9]*" | cut -d= -f2 | xargs -r kill 2>/dev/null; true', 'sh', port!]);
    // Answer only once our side has seen the hang-up (poll with a deadline).
    const deadline = Date.now() + 5000;
    while (execFileSync('ss', ['-Htn', 'state', 'established', 'sport', '=', `:${port}`]).toString().trim() && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    t.registry.answerPrompt({ promptId: prompt.id, accept: true, answers: [lab.users.helpdesk.password] });
    const up = await t.waitState(config.id, (s) => s.status === 'connected');
    expect(up.status).toBe('connected');
    expect(t.events.filter((e) => e.name === 'host.promptRequested')).toHaveLength(1);
    const statuses = t.events.filter((e) => e.name === 'host.stateChanged').map((e) => e.payload as { status: string; reason?: string });
    expect(statuses.find((s) => s.status === 'unreachable')?.reason).toMatch(/while waiting for you/);
  });

  it('root with no usable key: authentication failed, with the methods tried', async () => {
    t = await harness({ knownHostsLines: [`${h1.ip} ${h1.hostKey}`] });
    const { config } = await t.registry.add({ name: 'no key', target: { transport: 'ssh', hostname: h1.ip, user: 'root' }, autoConnect: false });
    const connecting = t.registry.connect(config.id);
    // sshd offers password to everyone (PermitRootLogin prohibit-password
    // refuses it only after the fact): three tries, like ssh.
    for (let i = 0; i < 3; i++) {
      const p = await t.waitPrompt();
      t.registry.answerPrompt({ promptId: p.id, accept: true, answers: ['guess'] });
    }
    const state = await connecting;
    expect(state).toMatchObject({ status: 'unreachable', errorCode: 'AUTH_FAILED' });
    expect((state.reason ?? "").startsWith(`authentication failed: root@${h1.ip} refused every method (tried password)`)).toBe(true);
    expect(state.retryAt).toBeUndefined();
  });
});

describe('key auth variants (root on lab-1)', () => {
  it('an encrypted key asks for its passphrase once; remembered, the SecretStore answers next time', async () => {
    // The lab key re-encrypted: same key (already authorized), new passphrase.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vd-enc-'));
    try {
      const key = path.join(dir, 'id_enc');
      copyFileSync(lab.ssh.key, key);
      execFileSync('ssh-keygen', ['-q', '-p', '-N', 'correct horse', '-f', key]);
      t = await harness({ knownHostsLines: [`${h1.ip} ${h1.hostKey}`] });
      const { config } = await t.registry.add({ name: 'enc', target: { transport: 'ssh', hostname: h1.ip, identityFiles: [key] }, autoConnect: false });
      const connecting = t.registry.connect(config.id);
      const p = await t.waitPrompt();
      expect(p).toMatchObject({ kind: 'passphrase', message: `Passphrase for key ${key}` });
      t.registry.answerPrompt({ promptId: p.id, accept: true, answers: ['correct horse'], remember: true });
      await expect(connecting).resolves.toMatchObject({ status: 'connected' });
      t.registry.disconnect(config.id);
      const asked = t.events.filter((e) => e.name === 'host.promptRequested').length;
      await expect(t.registry.connect(config.id)).resolves.toMatchObject({ status: 'connected' });
      expect(t.events.filter((e) => e.name === 'host.promptRequested').length).toBe(asked);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('uses a real ssh-agent before any key file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vd-agent-'));
    const sock = path.join(dir, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    try {
      const deadline = Date.now() + 5000;
      for (;;) {
        try {
          execFileSync('ssh-add', [lab.ssh.key], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'ignore' });
          break;
        } catch (e) {
          if (Date.now() > deadline) throw e; // agent socket not up yet
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      t = await harness({ knownHostsLines: [`${h1.ip} ${h1.hostKey}`], extra: { agent: sock } });
      const { config } = await t.registry.add({ name: 'agent', target: { transport: 'ssh', hostname: h1.ip }, autoConnect: false });
      await expect(t.registry.connect(config.id)).resolves.toMatchObject({ status: 'connected' });
      expect(t.events.some((e) => e.name === 'host.promptRequested')).toBe(false);
    } finally {
      agent.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
