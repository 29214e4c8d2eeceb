import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventPayload } from '../../shared/ipc/contract';
import type { BusMessage } from '../ipc/bus';
import { connectLabRoot, harness, inHost, REPO, waitForLab, type Harness, type LabHost } from '../hosts/lab-harness';
import { DomainActions } from './domain-actions';
import { domainEventsHook } from './domain-events';
import { DomainInventory } from './domain-inventory';
import { P } from './rpc/procedures/index';
import { LibvirtSessions } from './sessions';
import { silentLogger } from '../util/log';

// Domain services against a real lab host: libvirtd over the host's one SSH
// connection, real guests, real events.
let h: Harness;
let host: LabHost;
let hostId: string;
const sessions = new LibvirtSessions(silentLogger);
let inventory: DomainInventory;
let actions: DomainActions;
const stamp = Date.now();
const created: string[] = [];

async function define(name: string, withDisk = true): Promise<{ uuid: string; disk: string }> {
  const disk = `/var/lib/libvirt/images/vd-svc-${stamp}-${created.length}.qcow2`;
  if (withDisk) await inHost(host, ['qemu-img', 'create', '-q', '-f', 'qcow2', disk, '16M']);
  const xml = execFileSync('bash', [path.join(REPO, 'e2e/lab/guest-xml.sh'), name, disk]).toString();
  const dom = await sessions.client(hostId).call(P.DOMAIN_DEFINE_XML, { xml });
  created.push(dom.uuid);
  return { uuid: dom.uuid, disk };
}

function nextChange(pred: (m: BusMessage) => boolean, timeoutMs = 5000): Promise<BusMessage> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      off();
      reject(new Error('no matching domain.changed'));
    }, timeoutMs);
    const off = h.bus.subscribe((m) => {
      if (m.name === 'domain.changed' && pred(m)) {
        clearTimeout(t);
        off();
        resolve(m);
      }
    });
  });
}

beforeAll(async () => {
  const lab = await waitForLab();
  host = lab.hosts[0]!;
  h = await harness({ knownHostsLines: lab.hosts.map((x) => `${x.ip} ${x.hostKey}`) });
  inventory = new DomainInventory(sessions, silentLogger);
  actions = new DomainActions(sessions, inventory, silentLogger);
  sessions.addHook(domainEventsHook(inventory, h.bus, silentLogger));
  hostId = await connectLabRoot(h, lab, host, sessions, 'svc');
});

afterAll(async () => {
  for (const uuid of created) {
    await inHost(host, ['virsh', 'destroy', uuid]).catch(() => {});
    await inHost(host, ['virsh', 'undefine', uuid]).catch(() => {});
  }
  // The disks define() made (some VMs are deleted by the tests, which may keep them).
  await inHost(host, ['sh', '-c', 'rm -f /var/lib/libvirt/images/vd-svc-"$1"-*.qcow2', 'sh', String(stamp)]).catch(() => {});
  await h?.dispose();
});

describe('domain services on a lab host', () => {
  it('lists every domain with state, size and lease IPs', async () => {
    const list = await inventory.list(hostId);
    const web = list.find((d) => d.name === host.guests[0]);
    expect(web).toMatchObject({ state: 'running', vcpus: 1, memoryKiB: 96 * 1024, persistent: true });
    const off = list.find((d) => d.name.endsWith('-off'));
    expect(off?.state).toBe('shutoff');
    expect(off?.id).toBe(-1);
  });

  it('pushes fresh summaries for the domains events touched', async () => {
    const a = await define(`svc-a-${stamp}`);
    const b = await define(`svc-b-${stamp}`);
    // Starts finish at their own pace, so they may land in one batch or two.
    const running = new Set<string>();
    // Recorded, then asserted: the bus swallows whatever its listeners throw.
    const batches: string[][] = [];
    const seen = nextChange((m) => {
      const { upserted } = m.payload as { upserted: { uuid: string; state: string }[] };
      batches.push(upserted.map((d) => d.uuid));
      for (const d of upserted) if (d.state === 'running') running.add(d.uuid);
      return running.has(a.uuid) && running.has(b.uuid);
    });
    const res = await actions.domainLifecycle(hostId, [a.uuid, b.uuid], 'start');
    expect(res.every((r) => r.ok)).toBe(true);
    await seen;
    for (const uuids of batches) expect(new Set(uuids).size).toBe(uuids.length); // one row per domain per batch
    const paused = nextChange((m) => (m.payload as { upserted: { uuid: string; state: string }[] }).upserted.some((d) => d.uuid === a.uuid && d.state === 'paused'));
    await actions.domainLifecycle(hostId, [a.uuid], 'pause');
    await paused;
    const bad = await actions.domainLifecycle(hostId, [a.uuid], 'start');
    expect(bad[0]).toMatchObject({ ok: false, error: { code: 'LIBVIRT', hostId, message: expect.stringMatching(/already (running|active)|is not in shut off|domain is already/i) } });
    await actions.domainLifecycle(hostId, [a.uuid, b.uuid], 'forceOff');
  });

  it('keeps tags in our metadata namespace and reads them back', async () => {
    const { uuid } = await define(`svc-tags "q" $(x) 名 ${stamp}`);
    const changed = nextChange((m) => (m.payload as { upserted: { uuid: string; tags: string[] }[] }).upserted.some((d) => d.uuid === uuid && d.tags.includes('web')));
    expect(await actions.domainSetTags(hostId, uuid, ['web', 'a<b>&"c"', 'web'])).toEqual({ tags: ['web', 'a<b>&"c"'] });
    await changed;
    const details = await actions.domainGet(hostId, uuid);
    expect(details.tags).toEqual(['web', 'a<b>&"c"']);
    const dump = await inHost(host, ['virsh', 'dumpxml', uuid]);
    expect(dump).toContain('https://virtdeck.dev/xmlns/domain/1');
    await actions.domainSetTags(hostId, uuid, []);
    expect((await actions.domainGet(hostId, uuid)).tags).toEqual([]);
  });

  it('toggles autostart', async () => {
    const { uuid } = await define(`svc-auto-${stamp}`);
    expect(await actions.domainSetAutostart(hostId, uuid, true)).toEqual({ autostart: true });
    expect((await inventory.refresh(hostId, [uuid])).upserted[0]?.autostart).toBe(true);
    expect(await actions.domainSetAutostart(hostId, uuid, false)).toEqual({ autostart: false });
  });

  it('deletes a domain with its chosen volume, and refuses paths that are not its disks', async () => {
    await inHost(host, ['virsh', 'pool-refresh', 'default']).catch(() => {});
    const { uuid, disk } = await define(`svc-del-${stamp}`);
    await inHost(host, ['virsh', 'pool-refresh', 'default']).catch(() => {});
    await expect(actions.domainDelete(hostId, uuid, ['/etc/passwd'])).rejects.toMatchObject({ error: { code: 'VALIDATION' } });
    // Nothing was lost by the refused request.
    expect((await inventory.refresh(hostId, [uuid])).upserted).toHaveLength(1);
    const removed = nextChange((m) => (m.payload as { removed: string[] }).removed.includes(uuid));
    const r = await actions.domainDelete(hostId, uuid, [disk]);
    // The lab's images directory is the `default` pool, so the volume is known to libvirt.
    expect(r).toEqual({ deleted: true, volumesDeleted: [disk], volumeErrors: [] });
    await removed;
    await expect(inHost(host, ['test', '-e', disk])).rejects.toThrow();
    await expect(actions.domainGet(hostId, uuid)).rejects.toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('reports host facts', async () => {
    const { hostInfo } = await import('./host-info');
    const info = await hostInfo(sessions, hostId);
    expect(info.hostname).toBe(host.name);
    expect(info.libvirtVersion).toMatch(/^\d+\.\d+\.\d+$/);
    expect(info.cpus).toBeGreaterThan(0);
  });
});

const changed = (m: BusMessage) => m.payload as EventPayload<'domain.changed'>;

// Issue 8, item 7: bulk results carry error codes; every domain answer (list or
// pushed change) carries the read stamp the renderer's sequence guard compares.
describe('domain updates on a lab host', () => {
  it('a bulk call answers per domain: ok, or an AppError with a code (not a bare string)', async () => {
    const { uuid: mine } = await define(`svc-bulk-${stamp}`);
    const running = (await inventory.list(hostId)).find((d) => d.name === host.guests[0])!;
    const missing = '0badc0de-0000-4000-8000-000000000000';
    const res = await actions.domainLifecycle(hostId, [mine, running.uuid, missing], 'start');
    expect(res).toEqual([
      { uuid: mine, ok: true },
      {
        uuid: running.uuid,
        ok: false,
        error: { code: 'LIBVIRT', hostId, message: expect.stringMatching(/^Starting failed: .*already/i), detail: expect.objectContaining({ codeName: 'VIR_ERR_OPERATION_INVALID', libvirtCode: 55 }) },
      },
      { uuid: missing, ok: false, error: expect.objectContaining({ code: 'NOT_FOUND', hostId }) },
    ]);
    await actions.domainLifecycle(hostId, [mine], 'forceOff');
  });

  it('listings and pushed changes carry one growing per-host stamp; the events pass the contract', async () => {
    const { uuid } = await define(`svc-seq-${stamp}`);
    const before = await inventory.listing(hostId);
    expect(before).toMatchObject({ epoch: inventory.epoch, seq: expect.any(Number) });
    expect(before.domains.some((d) => d.uuid === uuid)).toBe(true);
    const started = nextChange((m) => changed(m).upserted.some((d) => d.uuid === uuid && d.state === 'running'));
    await actions.domainLifecycle(hostId, [uuid], 'start');
    const ev = changed(await started);
    expect(ev.epoch).toBe(before.epoch);
    expect(ev.seq).toBeGreaterThan(before.seq);
    const stopped = nextChange((m) => changed(m).upserted.some((d) => d.uuid === uuid && d.state === 'shutoff'));
    await actions.domainLifecycle(hostId, [uuid], 'forceOff');
    expect(changed(await stopped).seq).toBeGreaterThan(ev.seq);
    const after = await inventory.listing(hostId);
    expect(after.seq).toBeGreaterThan(ev.seq);
    // Everything the hook pushed went through the contract's schema, none dropped.
    expect(h.bus.rejected.size).toBe(0);
  });
});
