import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventPayload } from '../../shared/ipc/contract';
import type { BusMessage } from '../ipc/bus';
import { harness, inHost, REPO, waitForLab, type Harness, type LabHost } from '../hosts/lab-harness';
import { silentLogger } from '../util/log';
import { DomainActions } from './domain-actions';
import { domainEventsHook } from './domain-events';
import { DomainInventory } from './domain-inventory';
import { P } from './rpc/procedures/index';
import { LibvirtSessions } from './sessions';

// Issue 8, item 7 against a real lab host: bulk results carry error codes,
// and every domain answer (list or pushed change) carries the read stamp the
// renderer's sequence guard compares; pushed events pass the contract.
let h: Harness;
let host: LabHost;
let hostId: string;
const sessions = new LibvirtSessions(silentLogger);
let inventory: DomainInventory;
let actions: DomainActions;
const stamp = Date.now();
const created: string[] = [];
type Changed = EventPayload<'domain.changed'>;

function nextChange(pred: (p: Changed) => boolean, timeoutMs = 8000): Promise<Changed> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      off();
      reject(new Error('no matching domain.changed'));
    }, timeoutMs);
    const off = h.bus.subscribe((m: BusMessage) => {
      if (m.name !== 'domain.changed' || !pred(m.payload as Changed)) return;
      clearTimeout(t);
      off();
      resolve(m.payload as Changed);
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
  h.registry.addAttachment((id, t, signal, ctx) => sessions.attach(id, t, signal, (r) => ctx.drop(r)));
  const added = await h.registry.add({
    name: 'updates',
    target: { transport: 'ssh', hostname: host.ip, port: host.port, user: 'root', identityFiles: [lab.ssh.key] },
    autoConnect: false,
  });
  hostId = added.config.id;
  expect((await h.registry.connect(hostId)).status).toBe('connected');
});

afterAll(async () => {
  for (const uuid of created) {
    await inHost(host, ['virsh', 'destroy', uuid]).catch(() => {});
    await inHost(host, ['virsh', 'undefine', uuid]).catch(() => {});
  }
  await h?.dispose();
});

async function define(name: string): Promise<string> {
  const disk = `/var/lib/libvirt/images/vd-upd-${stamp}-${created.length}.qcow2`;
  await inHost(host, ['qemu-img', 'create', '-q', '-f', 'qcow2', disk, '16M']);
  const xml = execFileSync('bash', [path.join(REPO, 'e2e/lab/guest-xml.sh'), name, disk]).toString();
  const dom = await sessions.client(hostId).call(P.DOMAIN_DEFINE_XML, { xml });
  created.push(dom.uuid);
  return dom.uuid;
}

describe('domain updates on a lab host', () => {
  it('a bulk call answers per domain: ok, or an AppError with a code (not a bare string)', async () => {
    const mine = await define(`upd-bulk-${stamp}`);
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
    const uuid = await define(`upd-seq-${stamp}`);
    const before = await inventory.listing(hostId);
    expect(before).toMatchObject({ epoch: inventory.epoch, seq: expect.any(Number) });
    expect(before.domains.some((d) => d.uuid === uuid)).toBe(true);
    const started = nextChange((p) => p.upserted.some((d) => d.uuid === uuid && d.state === 'running'));
    await actions.domainLifecycle(hostId, [uuid], 'start');
    const ev = await started;
    expect(ev.epoch).toBe(before.epoch);
    expect(ev.seq).toBeGreaterThan(before.seq);
    const stopped = nextChange((p) => p.upserted.some((d) => d.uuid === uuid && d.state === 'shutoff'));
    await actions.domainLifecycle(hostId, [uuid], 'forceOff');
    expect((await stopped).seq).toBeGreaterThan(ev.seq);
    const after = await inventory.listing(hostId);
    expect(after.seq).toBeGreaterThan(ev.seq);
    // Everything the hook pushed went through the contract's schema, none dropped.
    expect(h.bus.rejected.size).toBe(0);
  });
});
