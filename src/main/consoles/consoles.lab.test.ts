import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CONSOLE_CLOSE } from '../../shared/ipc/calls/consoles';
import { AppFailure } from '../../shared/ipc/result';
import { harness, inHost, REPO, waitForLab, type Harness, type Lab, type LabHost } from '../hosts/lab-harness';
import { P } from '../libvirt/rpc/procedures/index';
import type { DomainRef } from '../libvirt/rpc/types';
import { LibvirtSessions } from '../libvirt/sessions';
import { silentLogger } from '../util/log';
import { createConsoles, type Consoles } from './index';
import { DisposableStore } from '../util/disposable';
import type { CallContext } from '../ipc/registry';

// The consoles service against lab-1's real sshd + libvirtd + QEMU. Run in the lab netns:
//   ip netns exec lab npx vitest run -c vitest.lab.config.ts src/main/consoles

const run = promisify(execFile);
let lab: Lab;
let h1: LabHost;
let t: Harness;
let sessions: LibvirtSessions;
let consoles: Consoles;
let hostId: string;
let guestUuid: string;
let guest: DomainRef;

async function waitFor<T>(get: () => T | undefined | false, what: string, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = get();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A console client that keeps everything it received as text. */
async function client(url: string) {
  const ws = new WebSocket(url);
  let text = '';
  let closed: { code: number; reason: string } | undefined;
  ws.on('message', (d: Buffer, binary) => binary && (text += d.toString('latin1')));
  ws.on('close', (code, reason) => (closed = { code, reason: reason.toString() }));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_q, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
  return { ws, text: () => text, closed: () => closed, type: (s: string) => ws.send(Buffer.from(s)) };
}

/** Our process's TCP connections to the host's sshd, as (local port) seen from the lab netns. */
async function ourSshConnections(ip: string): Promise<number> {
  const { stdout } = await run('ss', ['-Htnp', 'state', 'established', `( dport = :22 and dst ${ip} )`]);
  return stdout.split('\n').filter((l) => l.includes(`pid=${process.pid},`)).length;
}
const sshdProcesses = async (host: LabHost) => (await inHost(host, ['ps', '-eo', 'args'])).split('\n').filter((l) => l.startsWith('sshd:') && !l.includes('[listener]')).length;

beforeAll(async () => {
  lab = await waitForLab();
  h1 = lab.hosts[0]!;
  t = await harness({ knownHostsLines: [`${h1.ip} ${h1.hostKey}`] });
  sessions = new LibvirtSessions(silentLogger);
  t.registry.addAttachment((id, tr, signal, ctx) => sessions.attach(id, tr, signal, (r) => ctx.drop(r)));
  consoles = await createConsoles({ hosts: { libvirt: (id) => sessions.client(id), transport: (id) => t.registry.transport(id) }, log: silentLogger, ownListener: true });
  const host = await t.registry.add({ name: 'Consoles lab', target: { transport: 'ssh', hostname: h1.ip, user: 'root', identityFiles: [lab.ssh.key] }, autoConnect: false });
  hostId = host.config.id;
  expect((await t.registry.connect(hostId)).status).toBe('connected');
  // Our own diskless guest (the initramfs is the whole OS): shared lab guests may be in use by other tests.
  const name = `consoles-lab-${Date.now().toString(36)}`;
  const xml = (await run('bash', [path.join(REPO, 'e2e/lab/guest-xml.sh'), name])).stdout.replace(/<disk[\s\S]*?<\/disk>/, '');
  const c = sessions.client(hostId);
  guest = await c.call(P.DOMAIN_DEFINE_XML, { xml });
  await c.call(P.DOMAIN_CREATE, { dom: guest });
  await run('bash', [path.join(REPO, 'e2e/lab/lab.sh'), 'wait-guest', h1.name, name, '60']);
  guestUuid = guest.uuid;
});

afterAll(async () => {
  if (guest) {
    const c = sessions.client(hostId);
    await c.call(P.DOMAIN_DESTROY, { dom: guest }).catch(() => undefined);
    await c.call(P.DOMAIN_UNDEFINE, { dom: guest }).catch(() => undefined);
  }
  await consoles?.dispose();
  await t?.dispose();
});

describe('consoles against lab-1', () => {
  it('bridges the VNC display: the RFB greeting comes through the one-time WebSocket', async () => {
    const ticket = await open.openVnc({ hostId, uuid: guestUuid });
    expect(ticket.target).toMatch(/^127\.0\.0\.1:59\d\d$/);
    const c = await client(ticket.url);
    await waitFor(() => c.text().startsWith('RFB 003.008\n'), 'RFB greeting');
    await expect(client(ticket.url)).rejects.toThrow('HTTP 403');
    c.ws.close();
    await waitFor(() => consoles.bridge.stats.live === 0, 'bridge idle');
  });

  it('types into the serial console and reads the guest shell\'s answer', async () => {
    const ticket = await open.openSerial({ hostId, uuid: guestUuid, force: false });
    const c = await client(ticket.url);
    const n = Math.floor(Math.random() * 1e6);
    c.type(`\recho hi-$((${n}+1))\r`);
    await waitFor(() => c.text().includes(`hi-${n + 1}`), 'echo from the guest');

    // A second client is refused with a clear CONFLICT… then takes over with force.
    const busy = await open.openSerial({ hostId, uuid: guestUuid, force: false }).catch((e: unknown) => e);
    expect(busy).toBeInstanceOf(AppFailure);
    expect((busy as AppFailure).error).toMatchObject({ code: 'CONFLICT', detail: { busy: true } });
    const forced = await open.openSerial({ hostId, uuid: guestUuid, force: true });
    const closed = await waitFor(() => c.closed(), 'first client closed');
    expect(closed).toEqual({ code: CONSOLE_CLOSE.TAKEN_OVER, reason: 'Another client took over this console.' });
    const c2 = await client(forced.url);
    c2.type(`echo again-$((${n}+2))\r`);
    await waitFor(() => c2.text().includes(`again-${n + 2}`), 'echo after take-over');
    c2.ws.close();
    await waitFor(() => consoles.bridge.stats.live === 0, 'bridge idle');
    // The console is free again right after a clean close.
    const again = await open.openSerial({ hostId, uuid: guestUuid, force: false });
    (await client(again.url)).ws.close();
  });

  it('runs a host shell with a working resize', async () => {
    const ticket = await open.openShell({ hostId, cols: 80, rows: 24 });
    const c = await client(ticket.url);
    c.ws.send(JSON.stringify({ t: 'resize', cols: 123, rows: 45 }));
    c.type('stty size; echo "host=$(uname -n)"\n');
    await waitFor(() => c.text().includes('45 123') && c.text().includes(`host=${h1.name}`), 'stty size and uname from the host');
    c.type('exit\n');
    expect(await waitFor(() => c.closed(), 'shell exit')).toMatchObject({ code: CONSOLE_CLOSE.ENDED });
  });

  it('opens three consoles over the one SSH connection', async () => {
    await waitFor(() => consoles.bridge.stats.live === 0, 'bridge idle');
    const connsBefore = await ourSshConnections(h1.ip);
    const sshdBefore = await sshdProcesses(h1);
    expect(connsBefore).toBe(1);
    const vnc = await client((await open.openVnc({ hostId, uuid: guestUuid })).url);
    const serial = await client((await open.openSerial({ hostId, uuid: guestUuid, force: true })).url);
    const shell = await client((await open.openShell({ hostId, cols: 80, rows: 24 })).url);
    shell.type('echo three-open\n');
    await waitFor(() => shell.text().includes('three-open') && vnc.text().startsWith('RFB'), 'all three live');
    expect(await ourSshConnections(h1.ip)).toBe(1);
    // Other lab users may log in meanwhile; our channels must not add sshd processes of their own.
    expect(await sshdProcesses(h1)).toBeLessThanOrEqual(sshdBefore);
    for (const c of [vnc, serial, shell]) c.ws.close();
    await waitFor(() => consoles.bridge.stats.live === 0 && consoles.bridge.stats.sockets === 0, 'all closed');
  });

  it('says clearly when the guest is off', async () => {
    const off = await sessions.client(hostId).call(P.DOMAIN_LOOKUP_BY_NAME, { name: 'lab1-off' });
    for (const call of [
      () => open.openVnc({ hostId, uuid: off.uuid }),
      () => open.openSerial({ hostId, uuid: off.uuid, force: false }),
    ]) {
      const e = await call().then(() => undefined, (x: unknown) => x);
      expect((e as AppFailure).error).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/^lab1-off is off: start it to see its (display|console)\.$/), detail: { off: true } });
    }
  });

  it('explains a VM without a display, and reads a VNC password from the secure XML', async () => {
    const xml = (await run('bash', [path.join(REPO, 'e2e/lab/guest-xml.sh'), 'consoles-lab-nogfx'])).stdout;
    // Diskless (the initramfs is the whole guest) and no <graphics>: only the serial console.
    const noGfx = xml.replace(/<disk[\s\S]*?<\/disk>/, '').replace(/<graphics[\s\S]*?<\/graphics>/, '').replace(/<video>[\s\S]*?<\/video>/, '');
    const c = sessions.client(hostId);
    const dom = await c.call(P.DOMAIN_DEFINE_XML, { xml: noGfx });
    try {
      await c.call(P.DOMAIN_CREATE, { dom });
      const e = await open.openVnc({ hostId, uuid: dom.uuid }).catch((x: unknown) => x);
      expect((e as AppFailure).error).toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/no graphical display\. Try its serial console/) });
    } finally {
      await c.call(P.DOMAIN_DESTROY, { dom }).catch(() => undefined);
      await c.call(P.DOMAIN_UNDEFINE, { dom });
    }
    const pwXml = xml.replace(/<disk[\s\S]*?<\/disk>/, '').replace('consoles-lab-nogfx', 'consoles-lab-pw').replace("<graphics type='vnc'", "<graphics type='vnc' passwd='pa&amp;ss'");
    const pw = await c.call(P.DOMAIN_DEFINE_XML, { xml: pwXml });
    try {
      await c.call(P.DOMAIN_CREATE, { dom: pw });
      const ticket = await open.openVnc({ hostId, uuid: pw.uuid });
      expect(ticket.password).toBe('pa&ss');
      const v = await client(ticket.url);
      await waitFor(() => v.text().startsWith('RFB'), 'greeting');
      v.ws.close();
    } finally {
      await c.call(P.DOMAIN_DESTROY, { dom: pw }).catch(() => undefined);
      await c.call(P.DOMAIN_UNDEFINE, { dom: pw });
    }
  });
});

// The contract handlers, as the registry calls them for the desktop's single user (no access record: the core's default subject).
const ctx = { connectionId: 'lab-test', disposables: new DisposableStore() } satisfies CallContext;
const open = {
  openVnc: (a: { hostId: string; uuid: string }) => Promise.resolve(consoles.handlers['consoles.openVnc'](a, ctx)),
  openSerial: (a: { hostId: string; uuid: string; force: boolean }) => Promise.resolve(consoles.handlers['consoles.openSerial'](a, ctx)),
  openShell: (a: { hostId: string; cols: number; rows: number }) => Promise.resolve(consoles.handlers['consoles.openShell'](a, ctx)),
};
