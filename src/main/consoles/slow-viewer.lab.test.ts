import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CONSOLE_CLOSE } from '../../shared/ipc/calls/consoles';
import { harness, REPO, waitForLab, type Harness, type Lab, type LabHost } from '../hosts/lab-harness';
import { P } from '../libvirt/rpc/procedures/index';
import type { DomainRef } from '../libvirt/rpc/types';
import { LibvirtSessions } from '../libvirt/sessions';
import { silentLogger } from '../util/log';
import { createConsoles, type Consoles } from './index';
import { DisposableStore } from '../util/disposable';
import type { CallContext } from '../ipc/registry';

// A console page that stops reading must never stall its host: the serial
// stream shares the host's one libvirt channel with every reply, event and
// keepalive. Before streams were bounded, the channel paused behind the slow
// page and libvirtd dropped the whole host after ~30 s.

const run = promisify(execFile);
const STALL_MS = 60_000;
let lab: Lab;
let h1: LabHost;
let t: Harness;
let sessions: LibvirtSessions;
let consoles: Consoles;
let hostId: string;
const made: DomainRef[] = [];

async function diskless(name: string): Promise<string> {
  return (await run('bash', [path.join(REPO, 'e2e/lab/guest-xml.sh'), name])).stdout.replace(/<disk[\s\S]*?<\/disk>/, '');
}

async function until<T>(get: () => T | undefined | false, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = get();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeAll(async () => {
  lab = await waitForLab();
  h1 = lab.hosts[0]!;
  t = await harness({ knownHostsLines: [`${h1.ip} ${h1.hostKey}`] });
  sessions = new LibvirtSessions(silentLogger);
  t.registry.addAttachment((id, tr, signal, ctx) => sessions.attach(id, tr, signal, (r) => ctx.drop(r)));
  consoles = await createConsoles({ hosts: { libvirt: (id) => sessions.client(id), transport: (id) => t.registry.transport(id) }, log: silentLogger, ownListener: true });
  const host = await t.registry.add({ name: 'Slow viewer', target: { transport: 'ssh', hostname: h1.ip, user: 'root', identityFiles: [lab.ssh.key] }, autoConnect: false });
  hostId = host.config.id;
  expect((await t.registry.connect(hostId)).status).toBe('connected');
}, 120_000);

afterAll(async () => {
  const c = sessions?.has(hostId) ? sessions.client(hostId) : null;
  for (const dom of made) {
    await c?.call(P.DOMAIN_DESTROY, { dom }).catch(() => undefined);
    await c?.call(P.DOMAIN_UNDEFINE, { dom }).catch(() => undefined);
  }
  await consoles?.dispose();
  await t?.dispose();
});

it(`a serial page that stops reading for ${STALL_MS / 1000} s never stalls its host`, { timeout: STALL_MS + 90_000 }, async () => {
  const c = sessions.client(hostId);
  const name = `slow-viewer-${Date.now().toString(36)}`;
  const flooder = await c.call(P.DOMAIN_DEFINE_XML, { xml: await diskless(name) });
  made.push(flooder);
  await c.call(P.DOMAIN_CREATE, { dom: flooder });
  await run('bash', [path.join(REPO, 'e2e/lab/lab.sh'), 'wait-guest', h1.name, name, '60']);

  const ticket = await Promise.resolve(consoles.handlers['consoles.openSerial']({ hostId, uuid: flooder.uuid, force: false }, { connectionId: 'lab-test', disposables: new DisposableStore() } satisfies CallContext));
  const ws = new WebSocket(ticket.url);
  let received = 0;
  let closed: { code: number; reason: string } | undefined;
  ws.on('message', (d: Buffer, binary) => {
    if (!binary) return;
    received += d.length;
  });
  ws.on('close', (code, reason) => (closed = { code, reason: reason.toString() }));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  // The guest prints as fast as it can, forever.
  ws.send(Buffer.from('\rwhile :; do echo FLOOD-0123456789-abcdefghijklmnopqrstuvwxyz-0123456789; done\r'));
  // The typed command echoes once; the flood is the same line many times over.
  await until(() => received > 256 * 1024, 'the flood on the console (256 KiB)', 60_000);

  // The page stops reading: its socket is paused, TCP buffers fill, the bridge backs off.
  ws.pause();
  const pausedAt = received;

  // Meanwhile the host keeps answering calls and delivering events.
  const events: number[] = [];
  const cb = await c.call(P.CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, { eventID: 0, dom: null });
  const stop = c.onEvent('domainLifecycle', (ev) => {
    if (ev.dom.name.startsWith('slow-probe-')) events.push(ev.event);
  });
  const started = Date.now();
  let probes = 0;
  let slowest = 0;
  try {
    while (Date.now() - started < STALL_MS) {
      const probeName = `slow-probe-${probes}-${Date.now().toString(36)}`;
      const xml = await diskless(probeName);
      const t0 = performance.now();
      const probe = await c.call(P.DOMAIN_DEFINE_XML, { xml }, { timeoutMs: 10_000 });
      await c.call(P.DOMAIN_UNDEFINE, { dom: probe }, { timeoutMs: 10_000 });
      slowest = Math.max(slowest, performance.now() - t0);
      const want = (probes + 1) * 2; // DEFINED + UNDEFINED per probe
      await until(() => events.length >= want, `lifecycle events of probe ${probes}`, 10_000);
      probes++;
      expect(t.registry.get(hostId).state.status).toBe('connected');
      await new Promise((r) => setTimeout(r, 2_000)); // pacing between probes, not a wait for state
    }
  } finally {
    stop();
    await c.call(P.CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY, { callbackID: cb }).catch(() => undefined);
  }
  expect(probes).toBeGreaterThan(10);
  console.info(`slow viewer: ${probes} define/undefine probes answered during the stall, slowest ${slowest.toFixed(0)} ms; page received ${(pausedAt / 1024).toFixed(0)} KiB before it stopped reading`);
  expect(t.registry.get(hostId).state.status).toBe('connected');

  // The slow viewer itself: either it was dropped with a clear reason, or it
  // still works once it reads again. Either way, nothing was lost silently.
  ws.resume();
  if (closed) {
    expect(closed.code).toBe(CONSOLE_CLOSE.TOO_SLOW);
    expect(closed.reason).toMatch(/fell too far behind/);
  } else {
    await until(() => received > pausedAt + 1024 || closed, 'the console to flow again or close');
    if (closed) expect((closed as { code: number }).code).toBe(CONSOLE_CLOSE.TOO_SLOW);
  }
  ws.terminate();
  await c.call(P.DOMAIN_DESTROY, { dom: flooder });
});
