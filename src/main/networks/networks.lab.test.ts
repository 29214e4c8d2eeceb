import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDomainXml } from '../../shared/libvirt/domain-xml';
import { AppFailure } from '../../shared/ipc/result';
import { parseCidr } from '../../shared/net/ip';
import { findConflicts } from '../../shared/net/subnets';
import type { BusMessage } from '../ipc/bus';
import type { NetworkCreateInput } from '../../shared/model/network';
import { connectLabRoot, harness, inHost, REPO, waitForLab, type Harness, type LabHost } from '../hosts/lab-harness';
import { domainEventsHook } from '../libvirt/domain-events';
import { DomainInventory } from '../libvirt/domain-inventory';
import { P } from '../libvirt/rpc/procedures/index';
import { LibvirtSessions } from '../libvirt/sessions';
import { TaskManager } from '../tasks/manager';
import { silentLogger } from '../util/log';
import { domainSetNetwork } from './attach';
import { networkCheckSubnet, networkCreatePlan, networkCreateTask } from './create';
import { networkEventsHook } from './events';
import { hostInterfaces } from './interfaces';
import { VmNicIndex } from './nic-index';
import { reservationRemove, reservationSet } from './reservations';
import { NetworkService } from './service';
import { hasCorrectUpdateOrder } from './update';

// Network services against a real lab host: libvirtd over SSH, real dnsmasq
// leases handed to a real (TCG) guest, real events.
let h: Harness;
let host: LabHost;
let hostId: string;
let defaultCidr: string;
const sessions = new LibvirtSessions(silentLogger);
let svc: NetworkService;
let tasks: TaskManager;
const stamp = Date.now().toString(36);
const NAME = `vd net "q" $(x) 名 ${stamp}`;
const guests: string[] = [];
const nets: string[] = [];

const fail = async (p: Promise<unknown>): Promise<AppFailure> => {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppFailure) return e;
    throw e;
  }
  throw new Error('expected a failure');
};

function nextEvent(name: BusMessage['name'], pred: (payload: never) => boolean, timeoutMs = 10_000): Promise<BusMessage> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      off();
      reject(new Error(`no matching ${name} within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = h.bus.subscribe((m) => {
      if (m.name === name && pred(m.payload as never)) {
        clearTimeout(t);
        off();
        resolve(m);
      }
    });
  });
}

async function defineGuest(name: string, network = 'default'): Promise<{ uuid: string; mac: string }> {
  const disk = `/var/lib/libvirt/images/vd-net-${stamp}-${guests.length}.qcow2`;
  await inHost(host, ['qemu-img', 'create', '-q', '-f', 'qcow2', disk, '16M']);
  const xml = execFileSync('bash', [path.join(REPO, 'e2e/lab/guest-xml.sh'), name, disk], { env: { ...process.env, LAB_GUEST_NETWORK: network } }).toString();
  const dom = await sessions.client(hostId).call(P.DOMAIN_DEFINE_XML, { xml });
  guests.push(dom.uuid);
  const mac = parseDomainXml(await sessions.client(hostId).call(P.DOMAIN_GET_XML_DESC, { dom, flags: 0 })).nics[0]!.mac!;
  return { uuid: dom.uuid, mac };
}

/** What the networks.create handler does: refusals at once, then the task. */
async function createNet(input: Omit<NetworkCreateInput, 'hostId'>) {
  const run = networkCreateTask(svc, tasks, await networkCreatePlan(svc, { ...input, hostId }));
  run.result.catch(() => {});
  return run;
}

async function defineNet(xml: string, name: string) {
  nets.push(name);
  return sessions.client(hostId).call(P.NETWORK_DEFINE_XML, { xml });
}

beforeAll(async () => {
  const lab = await waitForLab();
  host = lab.hosts[0]!;
  defaultCidr = (host as LabHost & { network: { subnet: string } }).network.subnet;
  h = await harness({ knownHostsLines: lab.hosts.map((x) => `${x.ip} ${x.hostKey}`) });
  const inventory = new DomainInventory(sessions, silentLogger);
  tasks = new TaskManager({ configDir: path.join(h.dir, 'tasks'), bus: h.bus, log: silentLogger });
  await tasks.load();
  svc = new NetworkService(sessions, new VmNicIndex(sessions, silentLogger), silentLogger);
  sessions.addHook(domainEventsHook(inventory, h.bus, silentLogger));
  sessions.addHook(networkEventsHook({ nics: svc.nics, inventory, bus: h.bus, log: silentLogger }));
  hostId = await connectLabRoot(h, lab, host, sessions, 'net');
});

afterAll(async () => {
  for (const uuid of guests) {
    await inHost(host, ['virsh', 'destroy', uuid]).catch(() => {});
    await inHost(host, ['virsh', 'undefine', uuid]).catch(() => {});
  }
  for (const n of nets) {
    await inHost(host, ['virsh', 'net-destroy', n]).catch(() => {});
    await inHost(host, ['virsh', 'net-undefine', n]).catch(() => {});
  }
  await inHost(host, ['ip', 'route', 'del', '10.99.0.0/16']).catch(() => {});
  await inHost(host, ['sh', '-c', 'rm -f /var/lib/libvirt/images/vd-net-"$1"-*.qcow2', 'sh', String(stamp)]).catch(() => {});
  await h?.dispose();
});

describe('virtual networks on a lab host', () => {
  it('lists every mode with state, bridge, subnet and DHCP range', async () => {
    await defineNet(`<network><name>vd-iso-${stamp}</name><ip address='10.98.1.1' prefix='24'/></network>`, `vd-iso-${stamp}`);
    await defineNet(`<network><name>vd-open-${stamp}</name><forward mode='open'/><ip address='10.98.2.1' prefix='24'/></network>`, `vd-open-${stamp}`);
    await defineNet(`<network><name>vd-br-${stamp}</name><forward mode='bridge'/><bridge name='br-none'/></network>`, `vd-br-${stamp}`);
    const list = await svc.networkList(hostId);
    const def = list.find((n) => n.name === 'default');
    expect(def).toMatchObject({ active: true, persistent: true, autostart: true, mode: 'nat', bridge: 'virbr0' });
    expect(def?.ips[0]).toMatchObject({ family: 'ipv4', cidr: defaultCidr, dhcpRanges: [{ start: expect.stringMatching(/\.2$/), end: expect.stringMatching(/\.254$/) }] });
    expect(list.find((n) => n.name === `vd-iso-${stamp}`)).toMatchObject({ mode: 'isolated', active: false, autostart: false });
    expect(list.find((n) => n.name === `vd-open-${stamp}`)).toMatchObject({ mode: 'open' });
    expect(list.find((n) => n.name === `vd-br-${stamp}`)).toMatchObject({ mode: 'bridge', bridge: 'br-none', ips: [] });
  });

  it('refuses subnets overlapping a network, a host address or a host route, and suggests a free one', async () => {
    const half = defaultCidr.replace('.0/24', '.128/25');
    const d = await networkCheckSubnet(svc, hostId, half);
    expect(d.ok).toBe(false);
    expect(d.reason).toBe(`${half} overlaps network 'default' (${defaultCidr}, NAT on virbr0)`);
    // Stopped networks hold their subnet too (starting both would clash).
    expect((await networkCheckSubnet(svc, hostId, '10.98.1.0/24')).reason).toMatch(new RegExp(`network 'vd-iso-${stamp}' \\(10.98.1.0/24, isolated on virbr\\d+, stopped\\)`));
    expect((await networkCheckSubnet(svc, hostId, '10.77.0.0/16')).conflicts).toContainEqual({ kind: 'address', name: 'eth0', cidr: `${host.ip.replace(/\.\d+$/, '.0')}/24`, detail: `${host.ip}/24` });
    await inHost(host, ['ip', 'route', 'add', '10.99.0.0/16', 'via', host.ip.replace(/\.\d+$/, '.1')]);
    const routed = await networkCheckSubnet(svc, hostId, '10.99.5.0/24');
    expect(routed.reason).toMatch(/a host route to 10\.99\.0\.0\/16 on eth0, via /);
    const free = await networkCheckSubnet(svc, hostId);
    expect(free.suggestion).toMatch(/^192\.168\.\d+\.0\/24$/);
    expect(findConflicts(parseCidr(free.suggestion!)!, free.occupied)).toEqual([]);
    expect(free.warnings).toEqual([]);
    expect(free.occupied.length).toBeGreaterThanOrEqual(4);
    const e = await fail(createNet({ name: `vd-clash-${stamp}`, mode: 'nat', ipv4: { cidr: half, dhcp: null }, autostart: false, start: true }));
    expect(e.error.code).toBe('CONFLICT');
    expect(e.message).toContain("overlaps network 'default'");
    expect((await svc.networkList(hostId)).some((n) => n.name === `vd-clash-${stamp}`)).toBe(false);
  });

  it('creates a NAT network with a hostile name, pushed as an event; a taken name and bad ranges are refused', async () => {
    nets.push(NAME);
    const seen = nextEvent('network.changed', (p: { names: string[] }) => p.names.includes(NAME));
    const t0 = performance.now();
    const run = await createNet({
      name: NAME,
      mode: 'nat',
      ipv4: { cidr: '192.168.100.0/24', dhcp: { start: '192.168.100.100', end: '192.168.100.199' } },
      autostart: true,
      start: true,
    });
    const made = await run.result;
    console.log(`network create (checks, then define + start + autostart as a task): ${(performance.now() - t0).toFixed(0)} ms`);
    const task = await tasks.settled(run.taskId);
    expect(task).toMatchObject({ state: 'succeeded', kind: 'network.create', target: { kind: 'network', id: NAME }, progress: { unit: 'steps', done: 3, total: 3 }, cleanup: [] });
    expect(task.log.map((l) => l.message)).toContain(`'${NAME}' is running on ${made.bridge}, autostarted`);
    expect(made).toMatchObject({ name: NAME, active: true, autostart: true, persistent: true, mode: 'nat', bridge: expect.stringMatching(/^virbr\d+$/) });
    expect(made.ips[0]).toMatchObject({ address: '192.168.100.1', cidr: '192.168.100.0/24', dhcpRanges: [{ start: '192.168.100.100', end: '192.168.100.199' }] });
    await seen;
    const again = await fail(createNet({ name: NAME, mode: 'isolated', ipv4: { cidr: '192.168.101.0/24', dhcp: null }, autostart: false, start: false }));
    expect(again.error.code).toBe('CONFLICT');
    expect(again.message).toContain('already exists');
    const bad = await fail(createNet({ name: `vd-bad-${stamp}`, mode: 'route', ipv4: { cidr: '192.168.102.0/24', dhcp: { start: '192.168.102.1', end: '192.168.102.9' } }, autostart: false, start: false }));
    expect(bad.error.code).toBe('VALIDATION');
    expect(bad.message).toContain('IPv4 DHCP start: The range must not include the gateway 192.168.102.1');
  });

  it('reserves an address for a guest that then gets exactly that IP, seen promptly in its summary and the leases', async () => {
    expect(await hasCorrectUpdateOrder(sessions.client(hostId))).toBe(true);
    const guest = `vd-net-guest-${stamp}`;
    const { uuid, mac } = await defineGuest(guest);
    const refused = await fail(reservationSet(svc, { hostId, name: NAME, mac, ip: '192.168.100.1' }, 'add'));
    expect(refused.message).toContain('gateway');
    const outside = await fail(reservationSet(svc, { hostId, name: NAME, mac, ip: '192.168.7.5' }, 'add'));
    expect(outside.message).toContain("not inside the network's subnet (192.168.100.0/24)");
    const details = await reservationSet(svc, { hostId, name: NAME, mac, ip: '192.168.100.50', hostname: 'web-50' }, 'add');
    expect(details.reservations).toContainEqual(expect.objectContaining({ mac, ip: '192.168.100.50', name: 'web-50', vm: { uuid, name: guest }, leased: false }));
    // Live and saved: both the running dnsmasq and the definition have it.
    expect(await inHost(host, ['virsh', 'net-dumpxml', '--inactive', NAME])).toContain(`<host mac='${mac}' name='web-50' ip='192.168.100.50'/>`);
    expect((await fail(reservationSet(svc, { hostId, name: NAME, mac: '52:54:00:00:00:01', ip: '192.168.100.50' }, 'add'))).message).toContain(`already reserved for ${mac}`);

    expect(await domainSetNetwork(sessions, silentLogger, hostId, uuid, mac, { type: 'network', network: NAME })).toEqual({ live: false, saved: true });
    const users = (await svc.networkGet(hostId, NAME)).users;
    expect(users).toEqual([expect.objectContaining({ uuid, vm: guest, mac, type: 'network', source: NAME, state: 'shutoff' })]);

    const leased = nextEvent('network.leasesChanged', (p: { networks: string[] }) => p.networks.includes(NAME), 60_000);
    const withIp = nextEvent('domain.changed', (p: { upserted: { uuid: string; ips: string[] }[] }) => p.upserted.some((d) => d.uuid === uuid && d.ips.includes('192.168.100.50')), 60_000);
    const t0 = performance.now();
    await sessions.client(hostId).call(P.DOMAIN_CREATE_WITH_FLAGS, { dom: await sessions.client(hostId).call(P.DOMAIN_LOOKUP_BY_UUID, { uuid }), flags: 0 });
    await leased;
    const tLease = performance.now();
    await withIp;
    const tIp = performance.now();
    console.log(`guest start -> lease seen ${((tLease - t0) / 1000).toFixed(1)} s; lease -> IP in domain.changed ${(tIp - tLease).toFixed(0)} ms`);
    // The 10 s IP poll of domain-events would take 5 s on average: this is the lease watch.
    expect(tIp - tLease).toBeLessThan(2000);

    const leases = await svc.networkLeases(hostId, NAME);
    expect(leases).toContainEqual(expect.objectContaining({ ip: '192.168.100.50', mac, family: 'ipv4', vm: { uuid, name: guest } }));
    const after = await svc.networkGet(hostId, NAME);
    expect(after.reservations.find((r) => r.mac === mac)).toMatchObject({ leased: true });
    expect(after.plans[0]).toMatchObject({ cidr: '192.168.100.0/24', dhcp: { size: 100, leased: 0 }, outside: { reserved: 1 } });
    expect(after.plans[0]?.suggestion).toBe('192.168.100.2');

    // Deleting a network in use is refused, naming the VM.
    const inUse = await fail(svc.networkDelete(hostId, NAME));
    expect(inUse.error.code).toBe('CONFLICT');
    expect(inUse.message).toBe(`Network '${NAME}' is in use by VM '${guest}' (running). Move their NICs to another network or delete them first.`);

    // Moving the running guest back to default is live and saved.
    expect(await domainSetNetwork(sessions, silentLogger, hostId, uuid, mac, { type: 'network', network: 'default' })).toEqual({ live: true, saved: true });
    expect(await inHost(host, ['virsh', 'domiflist', uuid])).toContain('default');
    const moved = await reservationSet(svc, { hostId, name: NAME, mac, ip: '192.168.100.60' }, 'update');
    expect(moved.reservations.find((r) => r.mac === mac)).toMatchObject({ ip: '192.168.100.60', name: undefined });
    expect((await reservationRemove(svc, hostId, NAME, mac)).reservations).toEqual([]);
    await sessions.client(hostId).call(P.DOMAIN_DESTROY, { dom: await sessions.client(hostId).call(P.DOMAIN_LOOKUP_BY_UUID, { uuid }) });
  });

  it('lists host interfaces from libvirt with addresses and members from ip', async () => {
    const r = await hostInterfaces(svc, hostId);
    expect(r.source).toBe('libvirt');
    const by = new Map(r.interfaces.map((i) => [i.name, i]));
    expect(by.get('virbr0')).toMatchObject({ kind: 'bridge', network: 'default', addresses: [expect.stringMatching(/^192\.168\.\d+\.1\/24$/)] });
    expect(by.get('eth0')).toMatchObject({ kind: 'ethernet', state: 'up', addresses: expect.arrayContaining([`${host.ip}/24`]) });
  });

  it('deletes an unused network and pushes the change; a disconnect midway says what was left', async () => {
    const gone = nextEvent('network.changed', (p: { names: string[] }) => p.names.includes(NAME));
    expect(await svc.networkDelete(hostId, NAME)).toEqual({ deleted: true });
    await gone;
    expect((await svc.networkList(hostId)).some((n) => n.name === NAME)).toBe(false);

    const name = `vd-cut-${stamp}`;
    nets.push(name);
    // Drop the host's connection the moment libvirt reports the definition.
    const off = h.bus.subscribe((m) => {
      if (m.name === 'network.changed' && (m.payload as { names: string[] }).names.includes(name)) h.registry.disconnect(hostId);
    });
    const run = await createNet({ name, mode: 'isolated', ipv4: { cidr: '192.168.103.0/24', dhcp: null }, autostart: true, start: true });
    const cut = await fail(run.result);
    off();
    expect(cut.error.code).toBe('NOT_CONNECTED');
    expect(cut.message).toMatch(new RegExp(`the host disconnected midway\\. '${name}' is defined; whether it started is not known`));
    const task = await tasks.settled(run.taskId);
    expect(task).toMatchObject({ state: 'failed', error: { code: 'NOT_CONNECTED' } });
    expect(task.cleanup.every((l) => l.startsWith('NOT undone'))).toBe(true);
    expect((await h.registry.connect(hostId)).status).toBe('connected');
    expect((await svc.networkList(hostId)).find((n) => n.name === name)).toBeDefined();
  });

  it('cancelling a creation while the network starts leaves nothing behind', async () => {
    const name = `vd-cancel-${stamp}`;
    nets.push(name);
    const run = await createNet({ name, mode: 'nat', ipv4: { cidr: '192.168.104.0/24', dhcp: { start: '192.168.104.2', end: '192.168.104.254' } }, autostart: true, start: true });
    const off = h.bus.subscribe((m) => {
      if (m.name === 'task.updated' && (m.payload as { id: string; phase: string }).id === run.taskId && (m.payload as { phase: string }).phase.startsWith('Starting')) tasks.cancel(run.taskId);
    });
    await fail(run.result);
    off();
    const task = await tasks.settled(run.taskId);
    expect(task.state).toBe('cancelled');
    expect(task.cleanup).toEqual([`Undone: stop network '${name}'`, `Undone: remove network '${name}' if it was defined`]);
    expect((await svc.networkList(hostId)).some((n) => n.name === name)).toBe(false);
  });
});
