import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MigrationRequestInput, PreflightReport } from '../../shared/model/migration';
import type { Task } from '../../shared/model/task';
import { createCore, type Core } from '../core';
import type { BusMessage } from '../ipc/bus';
import { P } from '../libvirt/rpc/procedures/index';
import { DisposableStore } from '../util/disposable';
import { silentLogger } from '../util/log';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  LAB_SH,
  serialLog,
  blockHosts,
  cleanupGuest,
  counters,
  defineGuest,
  inHost,
  neverRestarts,
  readMigLab,
  countingGuest,
  unblockHosts,
  waitFor,
  type MigLab,
} from './lab-fixtures';

// The migration service through the contract, on a real core wired as the app
// wires it, against three lab hosts: preflight refusals, live moves (shared,
// relayed), cancel, offline, and the evacuation of a host.
let lab: MigLab;
let core: Core;
let dir: string;
const ids: string[] = [];
const events: BusMessage[] = [];
const stamp = Date.now().toString(36);
const made: { name: string; disk?: string }[] = [];
/** The lab's own guests an evacuation moved: put back on their host afterwards. */
const evacuated: string[] = [];
const ctx = { connectionId: 'lab-test', disposables: new DisposableStore() };

async function call<T>(name: string, input: unknown): Promise<T> {
  const r = await core.registry.dispatch(name, input, ctx);
  if (!r.ok) throw Object.assign(new Error(`${name}: ${r.error.code}: ${r.error.message}`), { error: r.error });
  return r.value as T;
}

/** domains.list through the contract; its answer is stamped ({ epoch, seq, domains }). */
async function vms(hostId: string): Promise<{ uuid: string; name: string; state: string }[]> {
  return (await call<{ domains: { uuid: string; name: string; state: string }[] }>('domains.list', { hostId })).domains;
}

const req = (r: Partial<MigrationRequestInput> & { uuid: string }): MigrationRequestInput => ({ hostId: ids[0]!, targetHostId: ids[1]!, ...r });

async function settle(taskId: string, timeoutMs = 240_000): Promise<Task> {
  await waitFor(`task ${taskId} to end`, () => core.tasks.get(taskId).state !== 'running', timeoutMs, 200);
  return core.tasks.get(taskId);
}

const sessions = () => core.sessions;

beforeAll(async () => {
  lab = await readMigLab();
  dir = mkdtempSync(path.join(os.tmpdir(), 'vd-mig-'));
  copyFileSync(lab.ssh.knownHosts, path.join(dir, 'known_hosts'));
  core = await createCore({
    mode: 'serve',
    configDir: path.join(dir, 'config'),
    log: silentLogger,
    ssh: { configPath: path.join(dir, 'no-ssh-config'), knownHostsPaths: [path.join(dir, 'known_hosts')] },
    localSocketPath: path.join(dir, 'no-libvirt-sock'),
  });
  core.bus.subscribe((m) => events.push(m));
  for (const h of lab.hosts) {
    const added = await call<{ config: { id: string } }>('hosts.add', {
      name: h.name,
      target: { transport: 'ssh', hostname: h.ip, port: h.port, user: 'root', identityFiles: [lab.ssh.key] },
      autoConnect: false,
    });
    const st = await call<{ status: string }>('hosts.connect', { hostId: added.config.id });
    expect(st.status).toBe('connected');
    ids.push(added.config.id);
  }
});

afterAll(async () => {
  await unblockHosts(lab.hosts[0]!, lab.hosts[1]!).catch(() => undefined);
  for (const m of made) for (const h of lab.hosts) await cleanupGuest(h, m.name, m.disk);
  await core?.dispose();
  if (evacuated.length) {
    // The lab's baseline guests of the evacuated host now live elsewhere: drop those copies
    // (the originals' disks are still on their host) and let the lab define them again.
    for (const name of evacuated) for (const h of lab.hosts.slice(0, -1)) await cleanupGuest(h, name, `/var/lib/libvirt/images/${name}.qcow2`);
    // Generous boot wait: the machine is shared and TCG guests boot slowly under load.
    await promisify(execFile)('bash', [LAB_SH, 'up', String(lab.hosts.length)], { timeout: 420_000, env: { ...process.env, LAB_BOOT_WAIT: '300' } });
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 600_000);

describe('placement', () => {
  it("reads each host's kernel: the lab's hosts are one machine, so each names the others and counts CPU from its own VMs", async () => {
    const ranked = await call<{ hostId: string; name: string; reasons: string[] }[]>('placement.rank', { vcpus: 1, memoryKiB: 1024 });
    expect(ranked).toHaveLength(lab.hosts.length);
    for (const s of ranked) {
      const others = lab.hosts.filter((h) => h.name !== s.name).map((h) => h.name);
      expect(s.reasons.join(' | ')).toContain(`one kernel with ${others.join(', ')}: CPU counted from its own VMs`);
    }
  });
});

describe('preflight refuses with the reason', { timeout: 300_000 }, () => {
  it('a target missing the VM network; mapping it to one the target has clears the check', async () => {
    const net = `vdn-${stamp}`.slice(0, 14);
    const c = sessions().client(ids[0]!);
    const n = await c.call(P.NETWORK_DEFINE_XML, { xml: `<network><name>${net}</name><bridge name='${net}'/></network>` });
    await c.call(P.NETWORK_CREATE, { net: n });
    try {
      const name = `vd-mig-net-${stamp}`;
      const { dom, disk } = await defineGuest(sessions(), ids[0]!, lab.hosts[0]!, lab, { name, disk: 'local', network: net });
      made.push({ name, disk });
      const r = await call<PreflightReport>('migration.preflight', req({ uuid: dom.uuid }));
      expect(r.ok).toBe(false);
      const check = r.checks.find((x) => x.id === 'networks')!;
      expect(check.verdict).toBe('fail');
      expect(check.message).toContain(`'${net}': the target has no such network`);
      expect(r.networkMapping.missing).toEqual([net]);
      expect(r.networkMapping.choices).toContain('default');
      await expect(call('migration.start', req({ uuid: dom.uuid }))).rejects.toThrow(/CONFLICT: Preflight refuses .*no such network/);
      const mapped = await call<PreflightReport>('migration.preflight', req({ uuid: dom.uuid, networkMap: { [net]: 'default' } }));
      expect(mapped.checks.find((x) => x.id === 'networks')!.verdict).toBe('pass');
      expect(mapped.mode).toBe('offline');
    } finally {
      await c.call(P.NETWORK_DESTROY, { net: n }).catch(() => undefined);
      await c.call(P.NETWORK_UNDEFINE, { net: n }).catch(() => undefined);
    }
  });

  it('a VM with a snapshot', async () => {
    const name = `vd-mig-snap-${stamp}`;
    const { dom, disk } = await defineGuest(sessions(), ids[0]!, lab.hosts[0]!, lab, { name, disk: 'local' });
    made.push({ name, disk });
    await inHost(lab.hosts[0]!, ['virsh', 'snapshot-create-as', '--domain', name, '--name', 'before-upgrade']);
    const r = await call<PreflightReport>('migration.preflight', req({ uuid: dom.uuid }));
    const check = r.checks.find((x) => x.id === 'snapshots')!;
    expect(check).toMatchObject({ verdict: 'fail', details: ['before-upgrade'] });
    expect(check.message).toMatch(/libvirt 9.0 refuses to migrate a VM that has snapshots \(1\)/);
    await inHost(lab.hosts[0]!, ['virsh', 'snapshot-delete', '--domain', name, '--snapshotname', 'before-upgrade']);
  });
});

describe('live moves of a counting guest', { timeout: 300_000 }, () => {
  it('shared storage: refused while the target keeps too much memory back, then moved; counter, tree, metrics follow', async () => {
    const name = `vd-mig-live-${stamp}`;
    const [src, dst] = [lab.hosts[0]!, lab.hosts[1]!];
    const { dom, disk } = await countingGuest(sessions(), ids[0]!, src, lab, { name, disk: 'shared' });
    made.push({ name, disk });

    const settings = await call<{ reserveMiB: Record<string, number> }>('placement.settings', {});
    await call('placement.setSettings', { ...settings, reserveMiB: { [ids[1]!]: 4 * 1024 * 1024 } });
    const tight = await call<PreflightReport>('migration.preflight', req({ uuid: dom.uuid }));
    expect(tight.checks.find((c) => c.id === 'memory')).toMatchObject({ verdict: 'fail', message: expect.stringMatching(/the VM needs 96 MiB but the target has 0 KiB free after the 4 TiB kept for the host/) });
    await call('placement.setSettings', settings);

    const r = await call<PreflightReport>('migration.preflight', req({ uuid: dom.uuid }));
    expect(r).toMatchObject({ ok: true, mode: 'live-shared', route: 'direct', reachable: true });
    expect(r.disks.find((d) => d.target === 'vda')).toMatchObject({ shared: true });
    const before = counters(src, name);
    const { taskId } = await call<{ taskId: string }>('migration.start', req({ uuid: dom.uuid }));
    const t = await settle(taskId);
    expect(t.state, JSON.stringify(t.error)).toBe('succeeded');
    expect(t.log.map((l) => l.message).join('\n')).toMatch(/Moved in .* downtime \d+ ms/);
    expect(t.result).toMatchObject({ targetHostId: ids[1], mode: 'live-shared', downtimeMs: expect.any(Number) });
    expect(events.some((m) => m.name === 'migration.progressed' && (m.payload as { taskId: string }).taskId === taskId)).toBe(true);
    expect(events.find((m) => m.name === 'domain.migrated')?.payload).toMatchObject({ uuid: dom.uuid, fromHostId: ids[0], toHostId: ids[1], mode: 'live-shared' });
    // The tree: gone from the source's list, running in the target's.
    await waitFor('the tree to move it', async () => {
      const a = await vms(ids[0]!);
      const b = await vms(ids[1]!);
      return !a.some((d) => d.uuid === dom.uuid) && b.find((d) => d.uuid === dom.uuid)?.state === 'running';
    });
    const after = await waitFor('counting on the target', () => (counters(dst, name).length >= 5 ? counters(dst, name) : undefined));
    expect(after[0]).toBeGreaterThan(before.at(-1)!);
    expect(neverRestarts([...counters(src, name), ...after])).toBe(true);
  });

  it('hosts firewalled from each other: preflight explains it and the relay still moves the VM (with its local disk)', async () => {
    const name = `vd-mig-relay-${stamp}`;
    const [src, dst] = [lab.hosts[0]!, lab.hosts[1]!];
    const { dom, disk } = await countingGuest(sessions(), ids[0]!, src, lab, { name, disk: 'local' });
    made.push({ name, disk });
    await blockHosts(src, dst);
    try {
      const direct = await call<PreflightReport>('migration.preflight', req({ uuid: dom.uuid, route: 'direct' }));
      expect(direct.reachable).toBe(false);
      expect(direct.checks.find((c) => c.id === 'route')).toMatchObject({ verdict: 'fail', message: expect.stringMatching(/cannot reach the target's migration port .*timed out.*relay/) });
      const auto = await call<PreflightReport>('migration.preflight', req({ uuid: dom.uuid }));
      expect(auto).toMatchObject({ ok: true, route: 'relay', mode: 'live-copy-all' });
      const before = counters(src, name);
      const { taskId } = await call<{ taskId: string }>('migration.start', req({ uuid: dom.uuid, options: { removeSourceDisks: true } }));
      const t = await settle(taskId);
      expect(t.state, JSON.stringify(t.error)).toBe('succeeded');
      expect(t.log.map((l) => l.message).join('\n')).toMatch(/Relaying through this workstation/);
      // The source's file was a stale copy once the VM ran on the target: deleted, as asked.
      expect(t.log.map((l) => l.message).join('\n')).toContain(`Deleted ${disk} on ${ids[0]} (the VM runs from its copy)`);
      expect(await inHost(src, ['test', '-e', disk!]).then(() => 'exists', () => 'gone')).toBe('gone');
      const after = await waitFor('counting on the target', () => (counters(dst, name).length >= 5 ? counters(dst, name) : undefined));
      expect(after[0]).toBeGreaterThan(before.at(-1)!);
    } finally {
      await unblockHosts(src, dst);
    }
  });

  it('cancel midway (1 MiB/s): the source keeps running and counting; nothing remains on the target', async () => {
    const name = `vd-mig-cancel-${stamp}`;
    const [src] = [lab.hosts[0]!];
    const { dom, disk } = await countingGuest(sessions(), ids[0]!, src, lab, { name, disk: 'local' });
    made.push({ name, disk });
    const { taskId } = await call<{ taskId: string }>('migration.start', req({ uuid: dom.uuid, options: { bandwidthMiBs: 1 } }));
    await waitFor('bytes to flow', () => (core.tasks.get(taskId).progress?.done ?? 0) > 1 << 20, 120_000, 100);
    await call('tasks.cancel', { taskId });
    const t = await settle(taskId);
    expect(t.state).toBe('cancelled');
    const log = t.log.map((l) => l.message).join('\n');
    expect(log).toMatch(/Source .*: the VM is running/);
    expect(log).toMatch(/Target .*: no copy of the VM/);
    expect(t.cleanup.join('\n')).toMatch(/Undone: delete the partial copy of vda/);
    expect((await sessions().client(ids[0]!).call(P.DOMAIN_GET_STATE, { dom, flags: 0 })).state).toBe(1);
    const n = counters(src, name).at(-1)!;
    await waitFor('the source to keep counting', () => counters(src, name).at(-1)! > n + 5);
    await expect(sessions().client(ids[1]!).call(P.DOMAIN_LOOKUP_BY_UUID, { uuid: dom.uuid })).rejects.toThrow(/no domain/i);
    expect((await inHost(lab.hosts[1]!, ['sh', '-c', 'test -e "$1" && echo left || echo gone', 'sh', disk!])).trim()).toBe('gone');
  });
});

describe('a dropped connection', { timeout: 300_000 }, () => {
  it('the connection to the target drops mid-way: reported with the state each side is in; the source keeps running', async () => {
    const name = `vd-mig-drop-${stamp}`;
    const [src, dst] = [lab.hosts[0]!, lab.hosts[1]!];
    const { dom, disk } = await countingGuest(sessions(), ids[0]!, src, lab, { name, disk: 'local' });
    made.push({ name, disk });
    const { taskId } = await call<{ taskId: string }>('migration.start', req({ uuid: dom.uuid, options: { bandwidthMiBs: 1 } }));
    await waitFor('bytes to flow', () => (core.tasks.get(taskId).progress?.done ?? 0) > 1 << 20, 120_000, 100);
    // Every root SSH session on the target dies at once (the listener stays): our one connection is gone.
    await inHost(dst, ['pkill', '-KILL', '-f', '^sshd: root']);
    const t = await settle(taskId);
    expect(t.state).toBe('failed');
    expect(t.error).toMatchObject({ code: 'NOT_CONNECTED', message: expect.stringMatching(new RegExp(`^Lost the connection to ${ids[1]} during perform`)) });
    const log = t.log.map((l) => l.message).join('\n');
    expect(log).toMatch(new RegExp(`Source ${ids[0]}: the VM is running`));
    expect(log).toMatch(new RegExp(`Target ${ids[1]}: (no copy of the VM|no connection, state unknown)`));
    expect((await sessions().client(ids[0]!).call(P.DOMAIN_GET_STATE, { dom, flags: 0 })).state).toBe(1);
    const n = counters(src, name).at(-1)!;
    await waitFor('the source to keep counting', () => counters(src, name).at(-1)! > n + 5);
    // The registry brings the target back by itself.
    await waitFor('the target to reconnect', () => sessions().has(ids[1]!), 60_000, 250);
    await waitFor('no copy left on the target', async () => !(await sessions().client(ids[1]!).call(P.DOMAIN_LOOKUP_BY_UUID, { uuid: dom.uuid }).catch(() => null)), 30_000, 500);
  });
});

describe('offline and evacuation', { timeout: 300_000 }, () => {
  it('offline: a shut-off VM moves with its disk, SHA-256 equal on both hosts', async () => {
    // A hostile name: quotes, a command substitution, a semicolon, non-ASCII (libvirt only refuses '/').
    const name = `vd-mig-off "q" $(touch x); ü-${stamp}`;
    const [src, dst] = [lab.hosts[0]!, lab.hosts[1]!];
    const { dom, disk } = await defineGuest(sessions(), ids[0]!, src, lab, { name, disk: 'local' });
    made.push({ name, disk });
    // Some data in the disk: a marker in the middle of the 64 MiB image.
    await inHost(src, ['sh', '-c', 'printf "virtdeck-offline-%s" "$2" | dd of="$1" bs=1 seek=$((32*1024*1024)) conv=notrunc status=none', 'sh', disk!, stamp]);
    const srcSum = (await inHost(src, ['sha256sum', disk!])).split(' ')[0];
    const r = await call<PreflightReport>('migration.preflight', req({ uuid: dom.uuid }));
    expect(r).toMatchObject({ ok: true, mode: 'offline' });
    const { taskId } = await call<{ taskId: string }>('migration.start', req({ uuid: dom.uuid, options: { removeSourceDisks: true } }));
    const t = await settle(taskId);
    expect(t.state, JSON.stringify(t.error)).toBe('succeeded');
    const dstSum = (await inHost(dst, ['sha256sum', disk!])).split(' ')[0];
    expect(dstSum).toBe(srcSum);
    expect(t.log.map((l) => l.message).join('\n')).toContain(`SHA-256 ${srcSum} on both hosts`);
    const there = await sessions().client(ids[1]!).call(P.DOMAIN_LOOKUP_BY_UUID, { uuid: dom.uuid });
    expect((await sessions().client(ids[1]!).call(P.DOMAIN_GET_STATE, { dom: there, flags: 0 })).state).toBe(5);
    await expect(sessions().client(ids[0]!).call(P.DOMAIN_LOOKUP_BY_UUID, { uuid: dom.uuid })).rejects.toThrow(/no domain/i);
    expect((await inHost(src, ['sh', '-c', 'test -e "$1" && echo left || echo gone', 'sh', disk!])).trim()).toBe('gone');
    // And it boots there.
    await sessions().client(ids[1]!).call(P.DOMAIN_CREATE, { dom: there });
    await waitFor('it to boot on the target', () => serialLog(dst, name).includes('VIRTDECK-GUEST READY'), 120_000, 500);
  });

  it('evacuates a host with three running VMs (and a shut-off one): plan first, all run elsewhere, the host is in maintenance', async () => {
    // The last lab host (lab-2 or lab-3) runs the lab's two guests; a third joins them.
    // Its shut-off guest moves as a definition (and disk).
    const src = lab.hosts.at(-1)!;
    const srcId = ids.at(-1)!;
    // Earlier tests moved their guests onto lab-2: clear them so the host holds just what this test says.
    for (const m of made.splice(0)) for (const h of lab.hosts) await cleanupGuest(h, m.name, m.disk);
    const name = `vd-evac-${stamp}`;
    const { dom, disk } = await defineGuest(sessions(), srcId, src, lab, { name, disk: 'local' });
    made.push({ name, disk });
    await sessions().client(srcId).call(P.DOMAIN_CREATE, { dom });
    const before = await vms(srcId);
    expect(before.filter((d) => d.state === 'running')).toHaveLength(3);
    evacuated.push(...before.map((d) => d.name).filter((n) => n !== name));

    const plan = await call<{ moves: { uuid: string; name: string; state: string; targetHostId: string | null; reason: string; preflight?: { ok: boolean; mode: string; failed: string[] } }[] }>(
      'migration.planEvacuation',
      { hostId: srcId },
    );
    expect(plan.moves.map((m) => m.name).sort()).toEqual(before.map((d) => d.name).sort());
    for (const m of plan.moves) {
      expect(m.targetHostId, `${m.name}: ${m.reason}`).not.toBeNull();
      expect(m.targetHostId).not.toBe(srcId);
      expect(m.preflight?.ok, `${m.name}: ${m.preflight?.failed.join('; ')}`).toBe(true);
    }
    expect(plan.moves.find((m) => m.state === 'shutoff')?.preflight?.mode).toBe('offline');
    const { taskId } = await call<{ taskId: string }>('migration.evacuate', {
      hostId: srcId,
      moves: plan.moves.map((m) => ({ uuid: m.uuid, targetHostId: m.targetHostId })),
      parallel: 2,
    });
    const hosts = await call<{ config: { id: string; maintenance?: boolean } }[]>('hosts.list', {});
    expect(hosts.find((h) => h.config.id === srcId)!.config.maintenance).toBe(true);
    const t = await settle(taskId, 900_000);
    expect(t.state, JSON.stringify(t.error)).toBe('succeeded');
    expect(t.childIds).toHaveLength(plan.moves.length);
    expect(await vms(srcId)).toEqual([]);
    for (const m of plan.moves) {
      const list = await vms(m.targetHostId!);
      expect(list.find((d) => d.uuid === m.uuid)?.state, m.name).toBe(m.state === 'shutoff' ? 'shutoff' : 'running');
    }
    // Placement now never picks the evacuated host.
    const ranked = await call<{ hostId: string; eligible: boolean; reasons: string[] }[]>('placement.rank', { vcpus: 1, memoryKiB: 1024 });
    expect(ranked.find((s) => s.hostId === ids.at(-1))).toMatchObject({ eligible: false, reasons: [expect.stringMatching(/maintenance/)] });
  });
});
