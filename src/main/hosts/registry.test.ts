import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HostConflictSchema } from '../../shared/ipc/calls/hosts';
import { EventBus, type BusMessage } from '../ipc/bus';
import { HandlerRegistry, type Handlers } from '../ipc/registry';
import { hostHandlers } from '../ipc/handlers/hosts';
import { DisposableStore } from '../util/disposable';
import { silentLogger } from '../util/log';
import { slugify, uniqueId } from './ids';
import { HostRegistry, LOCAL_HOST_ID } from './registry';
import { MemorySecretStore } from './secrets';

// HostRegistry without any SSH traffic: persistence, ids, the default local
// host (a real unix socket stands in for libvirtd's), events, and the thin
// handlers through the real HandlerRegistry (so outputs are contract-checked).

const dirs: string[] = [];
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tmp(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'vd-reg-'));
  dirs.push(d);
  return d;
}

async function make(dir = tmp(), extra: { socket?: string } = {}) {
  const bus = new EventBus();
  const events: BusMessage[] = [];
  bus.subscribe((m) => events.push(m));
  const registry = new HostRegistry({
    configDir: path.join(dir, 'cfg'),
    sshConfigPath: path.join(dir, 'ssh_config'),
    knownHostsPaths: [path.join(dir, 'known_hosts')],
    secretStore: new MemorySecretStore(),
    bus,
    log: silentLogger,
    localSocketPath: extra.socket ?? path.join(dir, 'no-socket'),
    home: dir,
    agent: null,
  });
  await registry.start();
  cleanups.push(() => registry.dispose());
  return { registry, events, dir, file: path.join(dir, 'cfg', 'hosts.json') };
}

const sshDraft = (name: string, target: Record<string, unknown> = {}) => ({ name, target: { transport: 'ssh' as const, hostname: 'kvm.example', ...target }, autoConnect: false });

describe('ids', () => {
  it('slugs names and keeps them unique', () => {
    expect(slugify('KVM 1 (Büro) — rack 3')).toBe('kvm-1-buro-rack-3');
    expect(slugify('虚拟机')).toBe('host');
    expect(uniqueId('kvm 1', new Set(['kvm-1', 'kvm-1-2']))).toBe('kvm-1-3');
    expect(slugify('x'.repeat(100))).toHaveLength(48);
  });
});

describe('HostRegistry', () => {
  it('adds, updates, removes and persists atomically (0600)', async () => {
    const { registry, file, events } = await make();
    const a = await registry.add(sshDraft('KVM one'));
    const b = await registry.add({ ...sshDraft('KVM one'), target: { transport: 'ssh', hostname: 'kvm2.example' } });
    expect([a.config.id, b.config.id]).toEqual(['kvm-one', 'kvm-one-2']);
    expect(a.state).toMatchObject({ hostId: 'kvm-one', status: 'disconnected' });
    await registry.update('kvm-one', { tags: ['rack-3'] });
    // A patch that omits fields leaves them alone (no defaults sneak in).
    const renamed = await registry.update('kvm-one', { name: 'KVM uno' });
    expect(renamed.config).toMatchObject({ id: 'kvm-one', name: 'KVM uno', tags: ['rack-3'], autoConnect: false });
    expect(await registry.remove('kvm-one-2')).toEqual({ removed: true });
    expect(await registry.remove('kvm-one-2')).toEqual({ removed: false });
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    expect(saved).toMatchObject({ version: 1, hosts: [{ id: 'kvm-one', name: 'KVM uno', tags: ['rack-3'] }] });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(path.dirname(file))).toEqual(['hosts.json']); // no temp files left
    expect(events.filter((e) => e.name === 'host.listChanged')).toHaveLength(6); // start + 2 adds + 2 updates + remove
    // A second registry reads the same hosts back.
    const again = await make(path.dirname(path.dirname(file)));
    expect(again.registry.list().map((h) => h.config.name)).toEqual(['KVM uno']);
  });

  it('rejects bad input and unknown ids with contract errors', async () => {
    const { registry } = await make();
    await expect(registry.add({ name: '', target: { transport: 'ssh', hostname: 'h' } })).rejects.toThrow();
    await expect(registry.update('nope', { name: 'x' })).rejects.toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect(() => registry.transport('nope')).toThrow(/no host/);
    const { config } = await registry.add(sshDraft('idle'));
    expect(() => registry.transport(config.id)).toThrow(expect.objectContaining({ error: expect.objectContaining({ code: 'NOT_CONNECTED' }) }));
  });

  it('keeps every readable host from a damaged hosts.json, backs the file up and says why', async () => {
    const dir = tmp();
    const file = path.join(dir, 'cfg', 'hosts.json');
    mkdirSync(path.dirname(file));
    const good = { id: 'good', name: 'Good', target: { transport: 'ssh', hostname: 'g.example' } };
    writeFileSync(file, JSON.stringify({ version: 1, hosts: [good, { id: 'BAD ID', name: 'Broken' }, good] }));
    const { registry, events } = await make(dir);
    expect(registry.list().map((h) => h.config.id)).toEqual(['good']);
    expect(registry.loadProblems.join('\n')).toMatch(/host "Broken": id: host id/);
    expect(registry.loadProblems.join('\n')).toMatch(/duplicate id good/);
    const backups = readdirSync(path.dirname(file)).filter((f) => f.startsWith('hosts.json.corrupt-'));
    expect(backups).toHaveLength(1);
    expect(readFileSync(path.join(path.dirname(file), backups[0]!), 'utf8')).toContain('Broken');
    expect(events.find((e) => e.name === 'app.notified')).toBeTruthy();
  });

  it('an unparseable hosts.json is backed up, never silently replaced', async () => {
    const dir = tmp();
    const file = path.join(dir, 'cfg', 'hosts.json');
    mkdirSync(path.dirname(file));
    writeFileSync(file, '{"version": 1, "hosts": [ {"id": "x"');
    const { registry } = await make(dir);
    expect(registry.loadProblems[0]).toMatch(/not valid JSON/);
    const backup = readdirSync(path.dirname(file)).find((f) => f.startsWith('hosts.json.corrupt-'));
    expect(readFileSync(path.join(path.dirname(file), backup!), 'utf8')).toBe('{"version": 1, "hosts": [ {"id": "x"');
  });

  it('offers "This machine" when libvirt\'s socket exists, connects to it, and remembers its removal', async () => {
    const dir = tmp();
    const socket = path.join(dir, 'libvirt-sock');
    const server = net.createServer((c) => c.end());
    await new Promise<void>((r) => server.listen(socket, r));
    cleanups.push(() => new Promise((r) => server.close(r)));
    const first = await make(dir, { socket });
    expect(first.registry.get(LOCAL_HOST_ID).config).toMatchObject({ name: 'This machine', target: { transport: 'local', socketPath: socket } });
    expect(first.events.some((e) => e.name === 'host.stateChanged')).toBe(true); // autoConnect
    await expect(first.registry.connect(LOCAL_HOST_ID)).resolves.toMatchObject({ status: 'connected' });
    expect(first.registry.transport(LOCAL_HOST_ID).kind).toBe('local');
    await first.registry.remove(LOCAL_HOST_ID);
    await first.registry.dispose();
    const second = await make(dir, { socket });
    expect(second.registry.list()).toEqual([]);
  });

  it('a missing local socket is unreachable with a reason and a retry', async () => {
    const { registry } = await make();
    const { config } = await registry.add({ name: 'gone', target: { transport: 'local', socketPath: '/nonexistent/libvirt-sock' }, autoConnect: false });
    const s = await registry.connect(config.id);
    expect(s).toMatchObject({ status: 'unreachable', errorCode: 'HOST_UNREACHABLE', retryAt: expect.any(Number) });
    expect(s.reason).toMatch(/^socket not found \(\/nonexistent\/libvirt-sock\)/);
    registry.disconnect(config.id);
  });

  it('a changed target redials; removal disposes the connection', async () => {
    const dir = tmp();
    const servers = ['a', 'b'].map((n) => {
      const server = net.createServer((c) => c.end());
      cleanups.push(() => new Promise((r) => server.close(r)));
      return { server, path: path.join(dir, `sock-${n}`) };
    });
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.server.listen(s.path, r))));
    const { registry } = await make(dir);
    const { config } = await registry.add({ name: 'local a', target: { transport: 'local', socketPath: servers[0]!.path }, autoConnect: false });
    await registry.connect(config.id);
    const seen: string[] = [];
    registry.onStateChange((s) => seen.push(s.status));
    await registry.update(config.id, { target: { transport: 'local', socketPath: servers[1]!.path, libvirtPath: 'system' } });
    await expect(registry.connect(config.id)).resolves.toMatchObject({ status: 'connected' });
    expect(seen).toEqual(['connecting', 'connected']);
    await registry.remove(config.id);
    expect(() => registry.state(config.id)).toThrow(/no host/);
  });

  it('parseUri turns an ssh_config alias into an aliased draft', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'ssh_config'), 'Host kvm7\n  HostName 192.0.2.7\n');
    const { registry } = await make(dir);
    expect(registry.parseUri('qemu+ssh://kvm7/system').target).toMatchObject({ sshAlias: 'kvm7', hostname: '192.0.2.7' });
    expect(registry.parseUri('qemu+ssh://other/system').target).not.toHaveProperty('sshAlias');
  });
});

describe('one entry per host', () => {
  it('refuses the same transport, user, address and port twice, naming the entry that has it', async () => {
    const { registry, file, events } = await make();
    const first = await registry.add(sshDraft('kvm', { hostname: 'KVM.example.', port: 22, user: 'root' }));
    const listChanges = events.filter((e) => e.name === 'host.listChanged').length;
    const saved = readFileSync(file, 'utf8');
    // Case, a trailing dot and the default port and user are the same address.
    const again = registry.add(sshDraft('kvm again', { hostname: 'kvm.example' }));
    await expect(again).rejects.toMatchObject({
      error: {
        code: 'CONFLICT',
        hostId: first.config.id,
        message: 'root@kvm.example is already in the list as "kvm"',
        detail: { duplicateOf: { hostId: first.config.id, name: 'kvm' }, endpoint: 'root@kvm.example' },
      },
    });
    expect(registry.list()).toHaveLength(1);
    expect(events.filter((e) => e.name === 'host.listChanged')).toHaveLength(listChanges);
    expect(readFileSync(file, 'utf8')).toBe(saved);
  });

  it('another user, port, jump host or libvirt daemon is another host', async () => {
    const { registry } = await make();
    await registry.add(sshDraft('a'));
    await registry.add(sshDraft('b', { user: 'admin' }));
    await registry.add(sshDraft('c', { port: 2222 }));
    await registry.add(sshDraft('d', { jumpHosts: [{ hostname: 'bastion', port: 22, user: 'ops' }] }));
    await registry.add(sshDraft('e', { libvirtPath: 'session' }));
    await expect(registry.add(sshDraft('f', { jumpHosts: [{ hostname: 'BASTION', port: 22, user: 'ops' }] }))).rejects.toMatchObject({
      error: { code: 'CONFLICT', message: 'root@kvm.example via ops@bastion:22 is already in the list as "d"' },
    });
    expect(registry.list()).toHaveLength(5);
  });

  it('an ssh_config alias and the address it names are one host; IPv6 is compared canonically', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'ssh_config'), 'Host kvm7\n  HostName 192.0.2.7\n  User admin\n');
    const { registry } = await make(dir);
    const aliased = await registry.add({ ...registry.parseUri('qemu+ssh://kvm7/system'), autoConnect: false });
    await expect(registry.add(sshDraft('by address', { hostname: '192.0.2.7', user: 'admin' }))).rejects.toMatchObject({
      error: { code: 'CONFLICT', detail: { duplicateOf: { hostId: aliased.config.id } } },
    });
    await registry.add(sshDraft('v6', { hostname: '2001:db8:0:0::1' }));
    await expect(registry.add(sshDraft('v6 again', { hostname: '[2001:DB8::1]' }))).rejects.toMatchObject({ error: { code: 'CONFLICT' } });
  });

  it('an edit may not turn a host into another listed one; editing a host itself is fine', async () => {
    const { registry } = await make();
    const a = await registry.add(sshDraft('a'));
    const b = await registry.add(sshDraft('b', { hostname: 'other.example' }));
    await expect(registry.update(b.config.id, { target: { transport: 'ssh', hostname: 'kvm.example' } })).rejects.toMatchObject({
      error: { code: 'CONFLICT', detail: { duplicateOf: { hostId: a.config.id, name: 'a' } } },
    });
    expect(registry.get(b.config.id).config.target).toMatchObject({ hostname: 'other.example' });
    const edited = await registry.update(a.config.id, { name: 'A', group: 'Rack 1', target: { transport: 'ssh', hostname: 'kvm.example', port: 22, user: 'root' } });
    expect(edited.config).toMatchObject({ name: 'A', group: 'Rack 1' });
    // An emptied group means no group.
    expect((await registry.update(a.config.id, { group: '' })).config).not.toHaveProperty('group');
  });

  it('a local socket already listed is refused and not offered again as "This machine"', async () => {
    const dir = tmp();
    const socket = path.join(dir, 'libvirt-sock');
    const server = net.createServer((c) => c.end());
    await new Promise<void>((r) => server.listen(socket, r));
    cleanups.push(() => new Promise((r) => server.close(r)));
    const { registry } = await make(dir, { socket });
    expect(registry.list().map((h) => h.config.id)).toEqual([LOCAL_HOST_ID]);
    await expect(registry.add({ name: 'mine', target: { transport: 'local', socketPath: socket }, autoConnect: false })).rejects.toMatchObject({
      error: { code: 'CONFLICT', detail: { duplicateOf: { hostId: LOCAL_HOST_ID, name: 'This machine' } } },
    });
    // Someone who removed "This machine" and added the socket under another name keeps just that one.
    await registry.remove(LOCAL_HOST_ID);
    await registry.add({ name: 'mine', target: { transport: 'local', socketPath: socket }, autoConnect: false });
    await registry.dispose();
    const file = path.join(dir, 'cfg', 'hosts.json');
    writeFileSync(file, JSON.stringify({ version: 1, hosts: JSON.parse(readFileSync(file, 'utf8')).hosts, removedDefaults: [] }));
    const again = await make(dir, { socket });
    expect(again.registry.list().map((h) => h.config.name)).toEqual(['mine']);
  });

  it('duplicates saved by an older version are kept and reported, never deleted', async () => {
    const dir = tmp();
    const file = path.join(dir, 'cfg', 'hosts.json');
    mkdirSync(path.dirname(file));
    const h = (id: string, hostname: string) => ({ id, name: id, target: { transport: 'ssh', hostname } });
    writeFileSync(file, JSON.stringify({ version: 1, hosts: [h('one', 'kvm.example'), h('two', 'KVM.example'), h('three', 'x.example')] }));
    const { registry, events } = await make(dir);
    expect(registry.list().map((x) => x.config.id)).toEqual(['one', 'two', 'three']);
    const note = events.find((e) => e.name === 'app.notified')?.payload as { level: string; message: string };
    expect(note).toMatchObject({ level: 'warning', message: expect.stringContaining('"one" and "two" are the same host (root@kvm.example)') });
  });

  it('offers the Host aliases of ssh_config, resolved', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'ssh_config'), ['Host kvm7 kvm8', '  HostName %h.lab', '  Port 2200', 'Host kvm8', '  ProxyJump ops@bastion:22', 'Host *', '  User admin'].join('\n'));
    const { registry } = await make(dir);
    expect(registry.sshAliases()).toEqual({
      aliases: [
        { alias: 'kvm7', hostname: 'kvm7.lab', port: 2200, user: 'admin', proxyJump: [], identityFiles: [] },
        { alias: 'kvm8', hostname: 'kvm8.lab', port: 2200, user: 'admin', proxyJump: ['ops@bastion:22'], identityFiles: [] },
      ],
      warnings: [],
    });
  });
});

describe('hostHandlers through the HandlerRegistry', () => {
  it('answer with contract-valid Results', async () => {
    const { registry } = await make();
    const handlers = hostHandlers(registry) as unknown as Handlers;
    const ipc = new HandlerRegistry(handlers, silentLogger);
    const ctx = { connectionId: 'test', disposables: new DisposableStore() };
    const added = await ipc.dispatch('hosts.add', { name: 'Lab 9', target: { transport: 'ssh', hostname: '10.77.0.19' }, autoConnect: false }, ctx);
    expect(added).toMatchObject({ ok: true, value: { config: { id: 'lab-9', target: { port: 22, user: 'root' } } } });
    expect(await ipc.dispatch('hosts.list', {}, ctx)).toMatchObject({ ok: true, value: [{ config: { id: 'lab-9' } }] });
    const twice = await ipc.dispatch('hosts.add', { name: 'Lab 9 again', target: { transport: 'ssh', hostname: '10.77.0.19' } }, ctx);
    expect(twice).toMatchObject({ ok: false, error: { code: 'CONFLICT', hostId: 'lab-9' } });
    expect(HostConflictSchema.parse(!twice.ok && twice.error.detail)).toEqual({ duplicateOf: { hostId: 'lab-9', name: 'Lab 9' }, endpoint: 'root@10.77.0.19' });
    expect(await ipc.dispatch('hosts.sshAliases', {}, ctx)).toEqual({ ok: true, value: { aliases: [], warnings: [] } });
    expect(await ipc.dispatch('hosts.update', { hostId: 'lab-9', patch: { group: 'lab' } }, ctx)).toMatchObject({ ok: true, value: { config: { group: 'lab', autoConnect: false } } });
    expect(await ipc.dispatch('hosts.disconnect', { hostId: 'lab-9' }, ctx)).toMatchObject({ ok: true, value: { status: 'disconnected' } });
    expect(await ipc.dispatch('hosts.parseUri', { uri: 'qemu+tcp://h/system' }, ctx)).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await ipc.dispatch('hosts.prompts', {}, ctx)).toEqual({ ok: true, value: [] });
    expect(await ipc.dispatch('hosts.answerPrompt', { promptId: 'gone', accept: true }, ctx)).toEqual({ ok: true, value: { accepted: false } });
    expect(await ipc.dispatch('hosts.remove', { hostId: 'lab-9' }, ctx)).toEqual({ ok: true, value: { removed: true } });
    expect(await ipc.dispatch('hosts.connect', { hostId: 'lab-9' }, ctx)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});
