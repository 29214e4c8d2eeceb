import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LibvirtSessions } from '../libvirt/sessions';
import { P } from '../libvirt/rpc/procedures/index';
import { silentLogger } from '../util/log';
import {
  cleanupGuest,
  connectLabHosts,
  counters,
  labHarness,
  neverRestarts,
  readMigLab,
  countingGuest,
  waitFor,
  type Harness,
  type MigLab,
} from './lab-fixtures';
import { migrationFlags, migrationParams } from './params';
import { migrateV3, MigrationStopped, type V3Phase } from './v3';
import { openRelay, RelayPorts } from './relay';
import { blockHosts, inHost, unblockHosts } from './lab-fixtures';
import type { MigrationStats } from '../../shared/model/migration';

// The v3 driver alone against two real hosts: a counting guest moves from
// lab-1 to lab-2 over the hosts' own network, and a bandwidth-limited one is
// cancelled midway.
let lab: MigLab;
let h: Harness;
const sessions = new LibvirtSessions(silentLogger);
let ids: string[];
const stamp = Date.now().toString(36);
const made: { host: number; name: string; disk?: string }[] = [];

beforeAll(async () => {
  lab = await readMigLab();
  h = await labHarness(lab);
  h.registry.addAttachment((id, t, signal, ctx) => sessions.attach(id, t, signal, (r) => ctx.drop(r)));
  ids = await connectLabHosts(h, lab, 2);
});

afterAll(async () => {
  await unblockHosts(lab.hosts[0]!, lab.hosts[1]!).catch(() => undefined);
  for (const m of made) for (const host of lab.hosts.slice(0, 2)) await cleanupGuest(host, m.name, m.host === lab.hosts.indexOf(host) ? m.disk : undefined);
  await h?.dispose();
});

const side = (i: number) => ({ hostId: ids[i]!, client: sessions.client(ids[i]!) });

describe('client-driven v3 between two lab hosts', { timeout: 300_000 }, () => {
  it('moves a running guest on shared storage; its counter never restarts', async () => {
    const name = `vd-v3-shared-${stamp}`;
    const [src, dst] = [lab.hosts[0]!, lab.hosts[1]!];
    const { dom, disk, before } = await countingGuest(sessions, ids[0]!, src, lab, { name, disk: 'shared' });
    made.push({ host: 0, name, disk });
    const phases: V3Phase[] = [];
    const stats: MigrationStats[] = [];
    const ac = new AbortController();
    const res = await migrateV3({
      src: { ...side(0), openBulk: () => sessions.openBulk(ids[0]!) },
      dst: side(1),
      dom,
      flags: migrationFlags({ kind: 'live', storage: 'none', persist: true, undefineSource: true, unsafe: true }),
      params: migrationParams({ migrateUri: `tcp://${dst.ip}` }),
      signal: ac.signal,
      log: silentLogger,
      onPhase: (p) => phases.push(p),
      onStats: (s) => stats.push(s),
    });
    expect(phases).toEqual(['begin', 'prepare', 'perform', 'finish', 'confirm']);
    expect(res.dom.uuid).toBe(dom.uuid);
    expect(res.final?.downtimeMs).toBeGreaterThan(0);
    // Running on the target, gone from the source (undefined there too).
    expect((await sessions.client(ids[1]!).call(P.DOMAIN_GET_STATE, { dom: res.dom, flags: 0 })).state).toBe(1);
    await expect(sessions.client(ids[0]!).call(P.DOMAIN_LOOKUP_BY_UUID, { uuid: dom.uuid })).rejects.toThrow(/no domain/i);
    // The target's serial log starts empty: the first numbers there continue the source's.
    const after = await waitFor('counting on the target', () => {
      const c = counters(dst, name);
      return c.length >= 5 ? c : undefined;
    });
    expect(after[0]).toBeGreaterThan(before.at(-1)!);
    expect(neverRestarts([...counters(src, name), ...after])).toBe(true);
  });

  it('a cancel midway aborts the job: the source keeps running and counting, nothing remains on the target', async () => {
    const name = `vd-v3-cancel-${stamp}`;
    const [src, dst] = [lab.hosts[0]!, lab.hosts[1]!];
    const { dom, disk } = await countingGuest(sessions, ids[0]!, src, lab, { name, disk: 'shared' });
    made.push({ host: 0, name, disk });
    const ac = new AbortController();
    let seen = 0;
    const run = migrateV3({
      src: { ...side(0), openBulk: () => sessions.openBulk(ids[0]!) },
      dst: side(1),
      dom,
      flags: migrationFlags({ kind: 'live', storage: 'none', persist: true, undefineSource: true, unsafe: true }),
      // 1 MiB/s: a 96 MiB guest would take well over a minute.
      params: migrationParams({ migrateUri: `tcp://${dst.ip}`, bandwidthMiBs: 1 }),
      signal: ac.signal,
      log: silentLogger,
      onStats: (s) => {
        seen = s.memoryProcessed ?? 0;
        if (seen > 1 << 20) ac.abort();
      },
    });
    const err = await run.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationStopped);
    expect((err as MigrationStopped).cancelled).toBe(true);
    expect(seen).toBeGreaterThan(1 << 20);
    expect((await sessions.client(ids[0]!).call(P.DOMAIN_GET_STATE, { dom, flags: 0 })).state).toBe(1);
    const n = counters(src, name).at(-1)!;
    await waitFor('the source to keep counting', () => (counters(src, name).at(-1)! > n + 5 ? true : undefined));
    await expect(sessions.client(ids[1]!).call(P.DOMAIN_LOOKUP_BY_UUID, { uuid: dom.uuid })).rejects.toThrow(/no domain/i);
  });
});

describe('storage copy and the relay through the workstation', { timeout: 300_000 }, () => {
  it('copies a local disk along with memory (copy-storage-all); the target pre-creates the volume', async () => {
    const name = `vd-v3-copy-${stamp}`;
    const [src, dst] = [lab.hosts[0]!, lab.hosts[1]!];
    const { dom, disk, before } = await countingGuest(sessions, ids[0]!, src, lab, { name, disk: 'local' });
    made.push({ host: 0, name, disk });
    made.push({ host: 1, name, disk });
    const stats: MigrationStats[] = [];
    await migrateV3({
      src: { ...side(0), openBulk: () => sessions.openBulk(ids[0]!) },
      dst: side(1),
      dom,
      flags: migrationFlags({ kind: 'live', storage: 'all', persist: true, undefineSource: true }),
      params: migrationParams({ migrateUri: `tcp://${dst.ip}`, migrateDisks: ['vda'] }),
      signal: new AbortController().signal,
      log: silentLogger,
      onStats: (s) => stats.push(s),
    });
    expect((await inHost(dst, ['sh', '-c', 'test -s "$1" && echo yes', 'sh', disk!])).trim()).toBe('yes');
    const after = await waitFor('counting on the target', () => (counters(dst, name).length >= 5 ? counters(dst, name) : undefined));
    expect(after[0]).toBeGreaterThan(before.at(-1)!);
  });

  it('hosts firewalled from each other: memory and disks relayed through our two SSH connections', async () => {
    const name = `vd-v3-relay-${stamp}`;
    const [src, dst] = [lab.hosts[0]!, lab.hosts[1]!];
    const { dom, disk, before } = await countingGuest(sessions, ids[0]!, src, lab, { name, disk: 'local' });
    made.push({ host: 0, name, disk });
    made.push({ host: 1, name, disk });
    await blockHosts(src, dst);
    const ports = new RelayPorts();
    const relayOpts = { source: h.registry.transport(ids[0]!), dest: h.registry.transport(ids[1]!), ports, log: silentLogger };
    const mem = await openRelay({ ...relayOpts, label: 'memory' });
    const disks = await openRelay({ ...relayOpts, label: 'disks' });
    try {
      await migrateV3({
        src: { ...side(0), openBulk: () => sessions.openBulk(ids[0]!) },
        dst: side(1),
        dom,
        flags: migrationFlags({ kind: 'live', storage: 'all', persist: true, undefineSource: true }),
        params: migrationParams({
          migrateUri: `tcp://127.0.0.1:${mem.port}`,
          listenAddress: '127.0.0.1',
          migrateDisks: ['vda'],
          disksUri: `tcp://127.0.0.1:${disks.port}`,
        }),
        signal: new AbortController().signal,
        log: silentLogger,
      });
      expect(mem.bytes.toDest).toBeGreaterThan(1 << 20);
      expect(disks.bytes.toDest).toBeGreaterThan(0);
    } finally {
      await mem.close();
      await disks.close();
    }
    expect(ports.inUse).toBe(0);
    const after = await waitFor('counting on the target', () => (counters(dst, name).length >= 5 ? counters(dst, name) : undefined));
    expect(after[0]).toBeGreaterThan(before.at(-1)!);
  });
});
