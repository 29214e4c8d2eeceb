import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallInput, CallName, CallOutput } from '../../shared/ipc/contract';
import type { AppError } from '../../shared/ipc/result';
import { domainFile } from '../../shared/backup/paths';
import { parseDomainXml } from '../../shared/libvirt/domain-xml';
import { createCore, type Core } from '../core';
import { inHost, REPO, waitForLab, type Lab, type LabHost } from '../hosts/lab-harness';
import { P } from '../libvirt/rpc/procedures/index';
import { DisposableStore } from '../util/disposable';
import { BackupScheduler } from './schedule';
import { silentLogger } from '../util/log';

// Issue 14, "Done when": back up lab-1, delete a VM and its network, restore,
// and the VM is defined again, its network exists, and the guest boots and
// gets the same IP from its reservation. Everything goes through the contract
// (the registry both transports use) of a real core, against a real libvirtd
// over SSH; setup that is not under test (defining the guest) uses libvirt directly.

let lab: Lab;
let host: LabHost;
let core: Core;
let dir: string;
let hostId: string;
const stamp = Date.now().toString(36);
const octet = 20 + (Date.now() % 200);
const NET = `vd bk "net" $(x) 网 ${stamp}`;
const VM = `vd bk 'vm' "q" $(touch x); \\ 名 ${stamp}`;
const RESERVED = `10.66.${octet}.50`;
let uuid = '';
let mac = '';
let disk = '';
const ctx = { connectionId: 'lab-test', disposables: new DisposableStore() };

async function call<K extends CallName>(name: K, input: CallInput<K>): Promise<CallOutput<K>> {
  const r = await core.registry.dispatch(name, input, ctx);
  if (!r.ok) throw Object.assign(new Error(`${name}: ${r.error.code} ${r.error.message}`), { appError: r.error });
  return r.value as CallOutput<K>;
}
async function failure<K extends CallName>(name: K, input: CallInput<K>): Promise<AppError> {
  const r = await core.registry.dispatch(name, input, ctx);
  if (r.ok) throw new Error(`${name} succeeded, a failure was expected`);
  return r.error;
}
async function settled(taskId: string) {
  const t = await core.tasks.settled(taskId);
  if (t.state !== 'succeeded') throw new Error(`task ${t.title} ${t.state}: ${t.error?.message}\n${t.log.map((l) => l.message).join('\n')}`);
  return t;
}

beforeAll(async () => {
  lab = await waitForLab();
  host = lab.hosts[0]!;
  dir = mkdtempSync(path.join(os.tmpdir(), 'vd-backup-lab-'));
  const knownHosts = path.join(dir, 'known_hosts');
  copyFileSync(lab.ssh.knownHosts, knownHosts);
  core = await createCore({ mode: 'serve', configDir: path.join(dir, 'config'), log: silentLogger, ssh: { configPath: path.join(dir, 'no-ssh-config'), knownHostsPaths: [knownHosts] }, localSocketPath: path.join(dir, 'no-sock') });
  const added = await call('hosts.add', {
    name: 'lab 1',
    target: { transport: 'ssh', hostname: host.ip, port: host.port, user: 'root', identityFiles: [lab.ssh.key], jumpHosts: [], libvirtPath: 'system' },
    tags: ['backup-test'],
    autoConnect: false,
  });
  hostId = added.config.id;
  const state = await call('hosts.connect', { hostId });
  expect(state.status).toBe('connected');
});

afterAll(async () => {
  if (host) {
    if (uuid) {
      await inHost(host, ['virsh', 'destroy', uuid]).catch(() => {});
      await inHost(host, ['virsh', 'undefine', uuid]).catch(() => {});
    }
    await inHost(host, ['virsh', 'net-destroy', NET]).catch(() => {});
    await inHost(host, ['virsh', 'net-undefine', NET]).catch(() => {});
    if (disk) await inHost(host, ['rm', '-f', disk]).catch(() => {});
  }
  await core?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('backup and restore of definitions on a lab host', () => {
  it('backs up lab-1, restores a deleted VM and its network, and the guest gets its reserved IP again', async () => {
    // A network with a reservation for a VM on it, both with hostile names, the VM tagged.
    const net = await call('networks.create', {
      hostId,
      name: NET,
      mode: 'nat',
      ipv4: { cidr: `10.66.${octet}.0/24`, dhcp: { start: `10.66.${octet}.100`, end: `10.66.${octet}.199` } },
    });
    await settled(net.taskId);
    disk = `/var/lib/libvirt/images/vd-bk-${stamp}.qcow2`;
    await inHost(host, ['qemu-img', 'create', '-q', '-f', 'qcow2', disk, '16M']);
    const xml = execFileSync('bash', [path.join(REPO, 'e2e/lab/guest-xml.sh'), VM, disk], { env: { ...process.env, LAB_GUEST_NETWORK: NET } }).toString();
    const c = core.sessions.client(hostId);
    const dom = await c.call(P.DOMAIN_DEFINE_XML, { xml });
    uuid = dom.uuid;
    mac = parseDomainXml(await c.call(P.DOMAIN_GET_XML_DESC, { dom, flags: 0 })).nics[0]!.mac!;
    await call('networks.addReservation', { hostId, name: NET, mac, ip: RESERVED, hostname: `bk-${stamp}` });
    await call('domains.setTags', { hostId, uuid, tags: ['prod', 'büro "1"'] });
    const before = await c.call(P.DOMAIN_GET_XML_DESC, { dom, flags: 2 /* INACTIVE */ });

    // Backup of lab-1.
    const task = await call('backups.create', { hostIds: [hostId] });
    const t = await settled(task.taskId);
    expect(t.progress).toMatchObject({ done: 2, total: 2 });
    const [summary] = await call('backups.list', {});
    expect(summary!.hosts).toEqual([{ hostId, name: 'lab 1', errors: [] }]);
    expect(summary!.counts.networks).toBeGreaterThanOrEqual(2);
    const got = await call('backups.get', { id: summary!.id });
    const vmItem = got.items.find((i) => i.kind === 'domain' && i.key === uuid)!;
    expect(vmItem).toMatchObject({ name: VM, file: domainFile(hostId, uuid), active: false });
    const netItem = got.items.find((i) => i.kind === 'network' && i.name === NET)!;
    expect(netItem.file).toMatch(/^hosts\/[a-z0-9-]+\/networks\/[A-Za-z0-9_%~-]+\.xml$/);
    // ips.json and tags.json say what the VM had.
    const archive = path.join(dir, 'config', 'backups', `${summary!.id}.tar.gz`);
    const listing = execFileSync('tar', ['tzf', archive]).toString();
    expect(listing).toContain(`hosts/${hostId}/ips.json`);
    expect(listing).toContain(`hosts/${hostId}/tags.json`);
    const ips = JSON.parse(execFileSync('tar', ['xzOf', archive, `hosts/${hostId}/ips.json`]).toString());
    expect(ips[uuid].nics).toEqual([{ mac, network: NET, leases: [], reservations: [{ ip: RESERVED, network: NET, hostname: `bk-${stamp}` }] }]);
    const tags = JSON.parse(execFileSync('tar', ['xzOf', archive, `hosts/${hostId}/tags.json`]).toString());
    expect(tags).toMatchObject({ host: ['backup-test'], domains: { [uuid]: { name: VM, tags: ['prod', 'büro "1"'] } } });

    // Disaster: the VM and its network are deleted.
    await call('domains.delete', { hostId, uuid, volumes: [] });
    await call('networks.delete', { hostId, name: NET });
    const diff = await call('backups.diff', { id: summary!.id, fromHostId: hostId });
    expect(diff.entries.find((e) => e.kind === 'domain' && e.name === VM)?.status).toBe('removed');
    expect(diff.entries.find((e) => e.kind === 'network' && e.name === NET)?.status).toBe('removed');
    expect(diff.entries.find((e) => e.kind === 'network' && e.name === 'default')?.status).toBe('same');

    // Dry run, then the restore of just those two.
    const items = [
      { kind: 'domain' as const, key: uuid },
      { kind: 'network' as const, key: NET },
    ];
    const plan = await call('backups.plan', { id: summary!.id, fromHostId: hostId, toHostId: hostId, items });
    expect(plan.runnable).toBe(true);
    expect(plan.actions.map((a) => [a.kind, a.action, a.targetName])).toEqual([
      ['network', 'create', NET],
      ['domain', 'create', VM],
    ]);
    const restored = await call('backups.restore', { id: summary!.id, fromHostId: hostId, toHostId: hostId, items });
    const rt = await settled(restored.taskId);
    expect(rt.log.map((l) => l.message)).toEqual(expect.arrayContaining([`Network '${NET}': defined and started`, `VM '${VM}': defined (${uuid})`]));

    // The VM is defined again, as it was (same uuid, MAC, tags); its network exists, running, with the reservation.
    const back = await c.call(P.DOMAIN_LOOKUP_BY_UUID, { uuid });
    expect(back.name).toBe(VM);
    const after = await c.call(P.DOMAIN_GET_XML_DESC, { dom: back, flags: 2 });
    expect(after).toBe(before);
    const details = await call('networks.get', { hostId, name: NET });
    expect(details.active).toBe(true);
    expect(details.reservations.map((r) => [r.mac, r.ip])).toEqual([[mac, RESERVED]]);

    // The guest boots and gets the same IP from its reservation (waiting on the lease, not a clock).
    await call('domains.lifecycle', { hostId, uuids: [uuid], action: 'start' });
    await expect
      .poll(async () => (await call('networks.leases', { hostId, name: NET })).find((l) => l.mac === mac)?.ip, { timeout: 120_000, interval: 1000 })
      .toBe(RESERVED);
  }, 240_000);

  it('skips what exists by default, refuses to replace a running VM unless asked, and renames a copy', async () => {
    const [latest] = await call('backups.list', {});
    const items = [
      { kind: 'domain' as const, key: uuid },
      { kind: 'network' as const, key: NET },
    ];
    const base = { id: latest!.id, fromHostId: hostId, toHostId: hostId, items };
    const skip = await call('backups.plan', base);
    expect(skip.actions.map((a) => a.action)).toEqual(['skip', 'skip']);
    const replace = await call('backups.plan', { ...base, onConflict: 'replace' });
    const vm = replace.actions.find((a) => a.kind === 'domain')!;
    expect(vm.action).toBe('refuse');
    expect(vm.reason).toMatch(/is running: replacing its definition needs the explicit/);
    expect(replace.runnable).toBe(false);
    expect((await failure('backups.restore', { ...base, onConflict: 'replace' })).code).toBe('CONFLICT');
    const explicit = await call('backups.plan', { ...base, onConflict: 'replace', replaceRunning: true });
    expect(explicit.actions.find((a) => a.kind === 'domain')!.changes.join(' ')).toMatch(/applies at its next boot/);
    const copy = await call('backups.plan', { ...base, items: [items[0]!], onConflict: 'rename' });
    expect(copy.actions[0]).toMatchObject({ action: 'rename', targetName: `${VM}-restored` });
    expect(copy.actions[0]!.changes.join('\n')).toMatch(/gets a new uuid[\s\S]*gets a new MAC/);
  });

  it('runs a daily backup missed while the core was down at startup, and keeps only the newest scheduled ones', async () => {
    const manual = (await call('backups.list', {})).filter((b) => b.trigger === 'manual').map((b) => b.id);
    const longAgo = Date.now() - 3 * 86_400_000;
    const hhmm = new Date(Date.now() - 3600_000).toTimeString().slice(0, 5);
    const file = path.join(dir, 'config', 'backups', 'schedule.json');
    const runOnce = async () => {
      // As a restart finds it: enabled, set days ago, last run days ago, so today's slot was missed.
      writeFileSync(file, JSON.stringify({ enabled: true, time: hhmm, hostIds: [hostId], keep: 1, setAt: longAgo, lastRunAt: longAgo }));
      const s = new BackupScheduler(core.backups, core.hosts, silentLogger);
      await s.start();
      await s.idle();
      s.dispose();
      return JSON.parse(readFileSync(file, 'utf8')) as { lastRunAt: number; lastResult: string };
    };
    const first = await runOnce();
    expect(first.lastRunAt).toBeGreaterThan(longAgo);
    expect(first.lastResult).toMatch(/^ok: b-/);
    const second = await runOnce();
    expect(second.lastResult).toMatch(/deleted 1 older scheduled backup$/);
    const after = await call('backups.list', {});
    expect(after.filter((b) => b.trigger === 'schedule').map((b) => b.id)).toEqual([second.lastResult.match(/ok: (b-\S+?)[;]/)![1]]);
    // Manual backups are never pruned.
    expect(after.filter((b) => b.trigger === 'manual').map((b) => b.id)).toEqual(manual);
  }, 120_000);

  it('refuses a damaged archive, naming the file', async () => {
    const [latest] = (await call('backups.list', {})).filter((b) => b.trigger === 'manual');
    const archive = path.join(dir, 'config', 'backups', `${latest!.id}.tar.gz`);
    const tar = gunzipSync(readFileSync(archive));
    const at = tar.indexOf(Buffer.from(`<uuid>${uuid}</uuid>`));
    expect(at).toBeGreaterThan(0);
    tar.write('X', at + 7); // one byte of the VM's definition
    writeFileSync(archive, gzipSync(tar));
    const e = await failure('backups.plan', { id: latest!.id, fromHostId: hostId, toHostId: hostId });
    expect(e.code).toBe('VALIDATION');
    expect(e.message).toContain(`Backup ${latest!.id} is damaged: ${domainFile(hostId, uuid)} does not match its checksum`);
    expect((await failure('backups.restore', { id: latest!.id, fromHostId: hostId, toHostId: hostId })).message).toContain('is damaged');
  });
});
