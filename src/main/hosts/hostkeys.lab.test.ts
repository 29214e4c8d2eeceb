import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { harness, waitForLab, type Harness, type Lab, type LabHost } from './lab-harness';

// Strict host key checking against the lab's real sshd host keys, with a
// throwaway known_hosts per test. The expected fingerprints come from
// lab.json (ssh-keygen -l of the key files the lab installed).

let lab: Lab;
let h1: LabHost;
let h2: LabHost;
let t: Harness | undefined;

beforeAll(async () => {
  lab = await waitForLab();
  [h1, h2] = lab.hosts as [LabHost, LabHost];
});
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

const keyTarget = (ip: string) => ({ transport: 'ssh' as const, hostname: ip, user: 'root', identityFiles: [lab.ssh.key] });

describe('host keys', () => {
  it('unknown key: prompts with the SHA256 fingerprint, accept appends to known_hosts, then connects', async () => {
    t = await harness();
    const { config } = await t.registry.add({ name: 'new host', target: keyTarget(h1.ip), autoConnect: false });
    const connecting = t.registry.connect(config.id);
    const prompt = await t.waitPrompt();
    expect(prompt).toMatchObject({ kind: 'host-key', hostId: config.id, hostname: h1.ip, port: 22, keyType: 'ssh-ed25519', fingerprint: h1.fingerprint });
    expect(t.registry.state(config.id).status).toBe('needs-auth');
    expect(t.registry.answerPrompt({ promptId: prompt.id, accept: true, answers: [] })).toEqual({ accepted: true });
    await expect(connecting).resolves.toMatchObject({ status: 'connected' });
    expect(readFileSync(t.knownHosts, 'utf8')).toBe(`${h1.ip} ${h1.hostKey}\n`);
    // OpenSSH reads what we wrote.
    expect(execFileSync('ssh-keygen', ['-F', h1.ip, '-f', t.knownHosts]).toString()).toContain('found: line 1');
    expect(t.events.map((e) => e.name)).toEqual(expect.arrayContaining(['host.promptRequested', 'host.promptResolved']));
    const statuses = t.events.filter((e) => e.name === 'host.stateChanged').map((e) => (e.payload as { status: string }).status);
    expect(statuses).toEqual(['connecting', 'needs-auth', 'connecting', 'connected']);
  });

  it('a refused key leaves the host unreachable without retry and writes nothing', async () => {
    t = await harness();
    const { config } = await t.registry.add({ name: 'refused', target: keyTarget(h1.ip), autoConnect: false });
    const connecting = t.registry.connect(config.id);
    const prompt = await t.waitPrompt();
    t.registry.answerPrompt({ promptId: prompt.id, accept: false, answers: [] });
    const state = await connecting;
    expect(state).toMatchObject({ status: 'unreachable', errorCode: 'HOST_KEY_UNKNOWN' });
    expect(state.reason).toMatch(/^host key not accepted/);
    expect(state.retryAt).toBeUndefined();
  });

  it('changed key: HOST_KEY_MISMATCH naming both fingerprints and file:line, no prompt, no retry', async () => {
    // lab-2's key filed under lab-1's address: exactly what a MITM looks like.
    t = await harness({ knownHostsLines: [`# comment`, `${h1.ip} ${h2.hostKey}`] });
    const { config } = await t.registry.add({ name: 'mitm', target: keyTarget(h1.ip), autoConnect: false });
    const state = await t.registry.connect(config.id);
    expect(state).toMatchObject({ status: 'unreachable', errorCode: 'HOST_KEY_MISMATCH' });
    expect(state.reason).toMatch(/^host key changed/);
    expect(state.reason).toContain(h1.fingerprint); // offered
    expect(state.reason).toContain(h2.fingerprint); // expected
    expect(state.reason).toContain(`${t.knownHosts}:2`);
    // The same facts as fields, for the UI to lay out without parsing the sentence.
    expect(state.hostKey).toEqual({ kind: 'changed', hostname: h1.ip, port: 22, keyType: 'ssh-ed25519', offered: h1.fingerprint, expected: h2.fingerprint, file: t.knownHosts, line: 2 });
    expect(state.retryAt).toBeUndefined();
    expect(t.events.some((e) => e.name === 'host.promptRequested')).toBe(false);
    // Negative check, bounded: longer than the first backoff (1 s + 20% jitter).
    await expect(t.waitState(config.id, (s) => s.status === 'connecting', 1500)).rejects.toThrow(/no matching state/);
    expect(readFileSync(t.knownHosts, 'utf8')).toBe(`# comment\n${h1.ip} ${h2.hostKey}\n`);
  });

  it('a revoked key is refused with kind "revoked" and the @revoked line', async () => {
    t = await harness({ knownHostsLines: [`${h1.ip} ${h1.hostKey}`, `@revoked ${h1.ip} ${h1.hostKey}`] });
    const { config } = await t.registry.add({ name: 'revoked', target: keyTarget(h1.ip), autoConnect: false });
    const state = await t.registry.connect(config.id);
    expect(state).toMatchObject({ status: 'unreachable', errorCode: 'HOST_KEY_MISMATCH' });
    expect(state.hostKey).toEqual({ kind: 'revoked', hostname: h1.ip, port: 22, keyType: 'ssh-ed25519', offered: h1.fingerprint, file: t.knownHosts, line: 2 });
  });

  it('a changed key on a jump host names that hop in the structured refusal', async () => {
    t = await harness({ knownHostsLines: [`${h1.ip} ${h2.hostKey}`, `${h2.ip} ${h2.hostKey}`], sshConfig: lab.ssh.config });
    const { config } = await t.registry.add({
      name: 'behind a swapped jump host',
      target: { ...keyTarget(h2.ip), jumpHosts: [{ hostname: h1.ip, port: 22, user: 'root' }] },
      autoConnect: false,
    });
    const state = await t.registry.connect(config.id);
    expect(state).toMatchObject({ status: 'unreachable', errorCode: 'HOST_KEY_MISMATCH' });
    expect(state.hostKey).toEqual({ kind: 'changed', hostname: h1.ip, port: 22, role: 'jump host', keyType: 'ssh-ed25519', offered: h1.fingerprint, expected: h2.fingerprint, file: t.knownHosts, line: 1 });
  });

  it('ProxyJump: each hop is checked, the jump host prompts as a jump host', async () => {
    t = await harness({ knownHostsLines: [`${h2.ip} ${h2.hostKey}`], sshConfig: lab.ssh.config });
    const { config } = await t.registry.add({
      name: 'lab-2 via lab-1',
      target: { ...keyTarget(h2.ip), jumpHosts: [{ hostname: h1.ip, port: 22, user: 'root' }] },
      autoConnect: false,
    });
    const connecting = t.registry.connect(config.id);
    const prompt = await t.waitPrompt();
    expect(prompt).toMatchObject({ kind: 'host-key', hostname: h1.ip, fingerprint: h1.fingerprint });
    expect(prompt.message).toContain('jump host');
    t.registry.answerPrompt({ promptId: prompt.id, accept: true, answers: [] });
    await expect(connecting).resolves.toMatchObject({ status: 'connected' });
    const r = await t.registry.transport(config.id).exec(['uname', '-n']);
    expect(r.stdout.toString()).toBe(`${h2.name}\n`);
    // Through the jump host, lab-2 sees lab-1's address as the client.
    expect((await t.registry.transport(config.id).exec(['sh', '-c', 'echo $SSH_CONNECTION'])).stdout.toString()).toMatch(new RegExp(`^${h1.ip.replace(/\./g, '\\.')} `));
    const timings = t.registry.timings(config.id) ?? [];
    expect(timings.map((x) => x.host)).toEqual([`${h1.ip}, jump host`, h2.ip]);
    console.info(`lab-2 via lab-1: ${timings.map((x) => `${x.host} ready ${x.readyMs.toFixed(1)} ms`).join(', ')}`);
  });

  it('a host added from an ssh_config alias dials what the config says', async () => {
    t = await harness({ knownHostsLines: [`${h2.ip} ${h2.hostKey}`], sshConfig: lab.ssh.config });
    const draft = t.registry.parseUri(`qemu+ssh://${h2.name}/system`);
    expect(draft.target).toMatchObject({ transport: 'ssh', sshAlias: h2.name, hostname: h2.ip });
    const { config } = await t.registry.add({ ...draft, autoConnect: false });
    await expect(t.registry.connect(config.id)).resolves.toMatchObject({ status: 'connected' });
    expect((await t.registry.transport(config.id).exec(['id', '-un'])).stdout.toString()).toBe('root\n');
  });
});
