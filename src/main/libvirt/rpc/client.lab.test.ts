// Against the real libvirtd on this machine (unix socket). Started here as root
// when missing. Every domain is named vdtest-<run>-... and removed in afterAll.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RpcClient } from './client';
import { LOCAL_SOCKET, LOCAL_SOCKET_RO, openLibvirt, openLibvirtConnection } from './connect';
import { ErrorCode, LibvirtError, RpcClosedError } from './errors';
import { KEEPALIVE_PROGRAM, KeepaliveProc, PacketReader } from './packet';
import {
  DomainState,
  DomainStatsTypes,
  type EventMap,
  Events,
  LifecycleEvent,
  MetadataType,
  P,
} from './procedures/index';
import { connectUnix, ensureLocalLibvirtd, tinyDomainXml } from './testing/local';
import type { DomainRef } from './types';
import { typedParamsToRecord } from './types';

// No libvirtd is a failure, not a skip: this suite is the proof the client speaks to a real daemon.
beforeAll(async () => {
  if (!(await ensureLocalLibvirtd())) throw new Error(`no libvirtd socket at ${LOCAL_SOCKET}, and none could be started (run as root with libvirt-daemon-system installed)`);
});

const RUN = `vdtest-${process.pid}-${randomBytes(3).toString('hex')}`;

async function cleanupLeftovers(c: RpcClient): Promise<void> {
  const { pools } = await c.call(P.CONNECT_LIST_ALL_STORAGE_POOLS, { need_results: 1, flags: 0 });
  for (const pool of pools.filter((p) => p.name.startsWith(RUN))) await c.call(P.STORAGE_POOL_DESTROY, { pool }).catch(() => undefined);
  const { domains } = await c.call(P.CONNECT_LIST_ALL_DOMAINS, { need_results: 1, flags: 0 });
  for (const dom of domains.filter((d) => d.name.startsWith(RUN))) {
    await c.call(P.DOMAIN_DESTROY_FLAGS, { dom, flags: 0 }).catch(() => undefined);
    await c.call(P.DOMAIN_UNDEFINE_FLAGS, { dom, flags: 0 }).catch(() => undefined);
  }
}

function waitFor<K extends keyof EventMap>(c: RpcClient, name: K, pred: (e: EventMap[K]) => boolean, ms = 15000): Promise<EventMap[K]> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      off();
      reject(new Error(`no ${name} event within ${ms} ms`));
    }, ms);
    const off = c.onEvent(name, (e) => {
      if (!pred(e)) return;
      clearTimeout(t);
      off();
      resolve(e);
    });
  });
}

describe('RpcClient against local libvirtd', () => {
  let c: RpcClient;
  const callbacks: number[] = [];

  beforeAll(async () => {
    c = await openLibvirt(await connectUnix());
    for (const ev of [Events.domainLifecycle, Events.domainDeviceAdded, Events.domainMetadataChange, Events.domainReboot, Events.domainDeviceRemoved]) {
      callbacks.push(await c.call(P.CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, { eventID: ev.eventId as number, dom: null }));
    }
  });

  afterAll(async () => {
    if (!c?.isOpen) return;
    await cleanupLeftovers(c);
    for (const callbackID of callbacks) await c.call(P.CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY, { callbackID });
    await c.close();
    expect(c.resources).toEqual({ pending: 0, streams: 0, listeners: 0, timers: 0, transportListeners: 0 });
  });

  it('answers host questions', async () => {
    expect(await c.call(P.CONNECT_GET_HOSTNAME)).toBe(os.hostname());
    expect(await c.call(P.CONNECT_GET_LIB_VERSION)).toBeGreaterThanOrEqual(9000000);
    expect(await c.call(P.CONNECT_GET_URI)).toBe('qemu:///system');
    expect(await c.call(P.CONNECT_GET_CAPABILITIES)).toContain('<capabilities>');
    const info = await c.call(P.NODE_GET_INFO);
    expect(info.cpus).toBe(os.cpus().length);
    expect(info.model).toMatch(/\w/);
    const n = (await c.call(P.NODE_GET_MEMORY_STATS, { nparams: 0, cellNum: -1, flags: 0 })).nparams;
    const mem = await c.call(P.NODE_GET_MEMORY_STATS, { nparams: n, cellNum: -1, flags: 0 });
    expect(mem.params.map((p) => p.field)).toContain('total');
    const nets = await c.call(P.CONNECT_LIST_ALL_NETWORKS, { need_results: 1, flags: 0 });
    for (const net of nets.nets) expect(await c.call(P.NETWORK_GET_XML_DESC, { net, flags: 0 })).toContain(`<name>${net.name}</name>`);
  });

  it('runs a domain through its lifecycle with events', async () => {
    const name = `${RUN}-life`;
    const defined = waitFor(c, 'domainLifecycle', (e) => e.dom.name === name && e.event === LifecycleEvent.DEFINED);
    const dom = await c.call(P.DOMAIN_DEFINE_XML_FLAGS, { xml: tinyDomainXml(name), flags: 0 });
    expect(dom).toMatchObject({ name, id: -1 });
    await defined;
    expect((await c.call(P.CONNECT_LIST_ALL_DOMAINS, { need_results: 1, flags: 0 })).domains.map((d) => d.name)).toContain(name);

    const started = waitFor(c, 'domainLifecycle', (e) => e.dom.name === name && e.event === LifecycleEvent.STARTED);
    const running = await c.call(P.DOMAIN_CREATE_WITH_FLAGS, { dom, flags: 0 });
    expect(running.id).toBeGreaterThan(0);
    expect((await started).dom.uuid).toBe(dom.uuid);
    expect(await c.call(P.DOMAIN_GET_STATE, { dom, flags: 0 })).toMatchObject({ state: DomainState.RUNNING });
    const stats = await c.call(P.CONNECT_GET_ALL_DOMAIN_STATS, { doms: [], stats: DomainStatsTypes.STATE, flags: 0 });
    const mine = stats.find((s) => s.dom.name === name);
    expect(typedParamsToRecord(mine?.params ?? [])['state.state']).toBe(DomainState.RUNNING);
    const info = await c.call(P.DOMAIN_GET_INFO, { dom: running });
    expect(info).toMatchObject({ state: DomainState.RUNNING, maxMem: 32768, nrVirtCpu: 1 });

    const suspended = waitFor(c, 'domainLifecycle', (e) => e.dom.name === name && e.event === LifecycleEvent.SUSPENDED);
    await c.call(P.DOMAIN_SUSPEND, { dom: running });
    await suspended;
    expect((await c.call(P.DOMAIN_GET_STATE, { dom, flags: 0 })).state).toBe(DomainState.PAUSED);
    const resumed = waitFor(c, 'domainLifecycle', (e) => e.dom.name === name && e.event === LifecycleEvent.RESUMED);
    await c.call(P.DOMAIN_RESUME, { dom: running });
    await resumed;

    const added = waitFor(c, 'domainDeviceAdded', (e) => e.dom.name === name);
    await c.call(P.DOMAIN_ATTACH_DEVICE_FLAGS, {
      dom: running,
      xml: "<rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>",
      flags: 1,
    });
    expect((await added).devAlias).toMatch(/^rng/);

    const meta = waitFor(c, 'domainMetadataChange', (e) => e.dom.name === name);
    const uri = 'https://virtdeck.example/xmlns/test';
    await c.call(P.DOMAIN_SET_METADATA, { dom, type: MetadataType.ELEMENT, metadata: '<tags><tag>a&amp;b</tag></tags>', key: 'vd', uri, flags: 0 });
    expect(await meta).toMatchObject({ type: MetadataType.ELEMENT, nsuri: uri });
    expect(await c.call(P.DOMAIN_GET_METADATA, { dom, type: MetadataType.ELEMENT, uri, flags: 0 })).toContain('a&amp;b');

    const stopped = waitFor(c, 'domainLifecycle', (e) => e.dom.name === name && e.event === LifecycleEvent.STOPPED);
    await c.call(P.DOMAIN_DESTROY_FLAGS, { dom, flags: 0 });
    await stopped;
    expect((await c.call(P.DOMAIN_GET_STATE, { dom, flags: 0 })).state).toBe(DomainState.SHUTOFF);
    await expect(c.call(P.DOMAIN_SUSPEND, { dom })).rejects.toMatchObject({ code: ErrorCode.OPERATION_INVALID });

    const undefined_ = waitFor(c, 'domainLifecycle', (e) => e.dom.name === name && e.event === LifecycleEvent.UNDEFINED);
    await c.call(P.DOMAIN_UNDEFINE_FLAGS, { dom, flags: 0 });
    await undefined_;
    const gone = await c.call(P.DOMAIN_LOOKUP_BY_NAME, { name }).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(LibvirtError);
    expect(gone).toMatchObject({ code: 42, codeName: 'VIR_ERR_NO_DOMAIN' });
  });

  it('round-trips hostile and non-ASCII names', async () => {
    const names = [`${RUN} "q" 'x' $(touch vdtest-pwn) \`id\` ü日本`, `${RUN}-;rm -rf ~;&<>|*?`];
    for (const name of names) {
      const dom = await c.call(P.DOMAIN_DEFINE_XML_FLAGS, { xml: tinyDomainXml(name), flags: 0 });
      expect(dom.name).toBe(name);
      const found = await c.call(P.DOMAIN_LOOKUP_BY_NAME, { name });
      expect(found).toEqual(dom);
      expect(await c.call(P.DOMAIN_LOOKUP_BY_UUID, { uuid: dom.uuid })).toEqual(dom);
      expect(await c.call(P.DOMAIN_GET_XML_DESC, { dom, flags: 0 })).toContain('<name>');
      await c.call(P.DOMAIN_UNDEFINE_FLAGS, { dom, flags: 0 });
    }
    expect(fs.existsSync('vdtest-pwn')).toBe(false);
  });

  it('matches 100 pipelined calls of mixed kinds', async () => {
    const dom = await c.call(P.DOMAIN_DEFINE_XML_FLAGS, { xml: tinyDomainXml(`${RUN}-pipe`), flags: 0 });
    const host = os.hostname();
    const calls: Promise<unknown>[] = [];
    const expected: unknown[] = [];
    for (let i = 0; i < 100; i++) {
      switch (i % 4) {
        case 0:
          calls.push(c.call(P.CONNECT_GET_HOSTNAME));
          expected.push(host);
          break;
        case 1:
          calls.push(c.call(P.DOMAIN_LOOKUP_BY_NAME, { name: dom.name }));
          expected.push(dom);
          break;
        case 2:
          calls.push(c.call(P.DOMAIN_LOOKUP_BY_NAME, { name: `${RUN}-absent-${i}` }).catch((e: LibvirtError) => e.code));
          expected.push(ErrorCode.NO_DOMAIN);
          break;
        default:
          calls.push(c.call(P.DOMAIN_GET_STATE, { dom, flags: 0 }));
          expected.push({ state: DomainState.SHUTOFF, reason: expect.any(Number) });
      }
    }
    expect(await Promise.all(calls)).toEqual(expected);
    await c.call(P.DOMAIN_UNDEFINE_FLAGS, { dom, flags: 0 });
  });

  it('streams the serial console of a running guest', async () => {
    const dom = await c.call(P.DOMAIN_DEFINE_XML_FLAGS, { xml: tinyDomainXml(`${RUN}-console`), flags: 0 });
    const running = await c.call(P.DOMAIN_CREATE_WITH_FLAGS, { dom, flags: 1 /* START_PAUSED */ });
    const consoleStream = await c.openStream(P.DOMAIN_OPEN_CONSOLE, { dom: running, dev_name: null, flags: 1 });
    let text = '';
    const banner = new Promise<void>((resolve) =>
      consoleStream.on('data', (b: Buffer) => {
        text += b.toString('latin1');
        if (/SeaBIOS/.test(text)) resolve();
      }),
    );
    await c.call(P.DOMAIN_RESUME, { dom: running });
    await banner;
    consoleStream.write('\r'); // keystrokes travel too (SeaBIOS ignores them)
    const closed = new Promise((r) => consoleStream.once('close', r));
    consoleStream.on('error', () => undefined); // the console ends when the guest does
    await c.call(P.DOMAIN_DESTROY_FLAGS, { dom, flags: 0 });
    await closed;
    expect(c.resources.streams).toBe(0);
    await c.call(P.DOMAIN_UNDEFINE_FLAGS, { dom, flags: 0 });
  });

  it('uploads and downloads a volume through streams', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vdtest-pool-'));
    const pool = await c.call(P.STORAGE_POOL_CREATE_XML, {
      xml: `<pool type='dir'><name>${RUN}-pool</name><target><path>${dir}</path></target></pool>`,
      flags: 0,
    });
    try {
      expect((await c.call(P.CONNECT_LIST_ALL_STORAGE_POOLS, { need_results: 1, flags: 0 })).pools).toContainEqual(pool);
      expect(await c.call(P.STORAGE_POOL_GET_XML_DESC, { pool, flags: 0 })).toContain(dir);
      const size = 3 * 1024 * 1024 + 123;
      const vol = await c.call(P.STORAGE_VOL_CREATE_XML, {
        pool,
        xml: `<volume><name>v.raw</name><capacity unit='bytes'>${size}</capacity><target><format type='raw'/></target></volume>`,
        flags: 0,
      });
      expect(await c.call(P.STORAGE_VOL_LOOKUP_BY_PATH, { path: path.join(dir, 'v.raw') })).toEqual(vol);
      expect((await c.call(P.STORAGE_POOL_LIST_ALL_VOLUMES, { pool, need_results: 1, flags: 0 })).vols).toEqual([vol]);
      const data = randomBytes(size);
      const up = await c.openStream(P.STORAGE_VOL_UPLOAD, { vol, offset: 0, length: size, flags: 0 });
      await new Promise<void>((resolve, reject) => {
        up.on('error', reject);
        up.end(data, () => resolve());
      });
      expect(fs.readFileSync(path.join(dir, 'v.raw')).equals(data)).toBe(true);

      const down = await c.openStream(P.STORAGE_VOL_DOWNLOAD, { vol, offset: 0, length: 0, flags: 0 });
      const parts: Buffer[] = [];
      for await (const part of down) parts.push(part as Buffer);
      expect(Buffer.concat(parts).equals(data)).toBe(true);
      await new Promise((r) => (down.closed ? r(null) : down.once('close', r)));
      expect(c.resources.streams).toBe(0);

      expect(await c.call(P.STORAGE_VOL_GET_XML_DESC, { vol, flags: 0 })).toContain('v.raw');
      await c.call(P.STORAGE_VOL_DELETE, { vol, flags: 0 });
      await expect(c.call(P.STORAGE_VOL_LOOKUP_BY_PATH, { path: path.join(dir, 'v.raw') })).rejects.toMatchObject({ code: ErrorCode.NO_STORAGE_VOL });
    } finally {
      await c.call(P.STORAGE_POOL_DESTROY, { pool });
      fs.rmSync(dir, { recursive: true, force: true });
    }
    await expect(c.call(P.STORAGE_POOL_LOOKUP_BY_NAME, { name: `${RUN}-pool` })).rejects.toMatchObject({ code: ErrorCode.NO_STORAGE_POOL });
  });

  it('measures call latency (printed for the report)', async () => {
    const list = () => c.call(P.CONNECT_LIST_ALL_DOMAINS, { need_results: 1, flags: 0 });
    for (let i = 0; i < 50; i++) await list();
    const times: number[] = [];
    for (let i = 0; i < 500; i++) {
      const t0 = performance.now();
      await list();
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const pipelined: number[] = [];
    for (let k = 0; k < 10; k++) {
      const t0 = performance.now();
      await Promise.all(Array.from({ length: 100 }, list));
      pipelined.push(performance.now() - t0);
    }
    pipelined.sort((a, b) => a - b);
    const stats0 = performance.now();
    await c.call(P.CONNECT_GET_ALL_DOMAIN_STATS, { doms: [], stats: DomainStatsTypes.STATE, flags: 0 });
    const statsMs = performance.now() - stats0;
    console.log(
      `[rpc latency] CONNECT_LIST_ALL_DOMAINS sequential: median ${times[250]?.toFixed(3)} ms, p95 ${times[475]?.toFixed(3)} ms; ` +
        `100 pipelined: median ${pipelined[5]?.toFixed(2)} ms total; GET_ALL_DOMAIN_STATS(STATE) ${statsMs.toFixed(3)} ms`,
    );
    expect(times[250]).toBeLessThan(50);
  });
});

describe('connection handling against local libvirtd', () => {
  it('read-only socket: reads work, writes are denied', async () => {
    const { client, eventCallbacks, keepalive } = await openLibvirtConnection(await connectUnix(LOCAL_SOCKET_RO), { readOnly: true });
    expect(eventCallbacks).toBe(true);
    expect(keepalive).toBe(true);
    await client.call(P.CONNECT_LIST_ALL_DOMAINS, { need_results: 1, flags: 0 });
    const err = await client.call(P.DOMAIN_DEFINE_XML_FLAGS, { xml: tinyDomainXml(`${RUN}-ro`), flags: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LibvirtError);
    expect((err as LibvirtError).code).toBe(ErrorCode.OPERATION_DENIED);
    await client.close();
  });

  it('CONNECT_OPEN without AUTH_LIST is refused (code 39), as documented', async () => {
    const { RpcClient } = await import('./client');
    const raw = new RpcClient(await connectUnix());
    const err = await raw.call(P.CONNECT_OPEN, { name: 'qemu:///system', flags: 0 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: ErrorCode.RPC });
    raw.destroy();
  });

  it('keepalive pings are answered; close releases everything; calls after close fail at once', async () => {
    const sock = await connectUnix();
    const baseline = ['data', 'end', 'close', 'drain', 'error'].map((e) => sock.listenerCount(e));
    // Count our PINGs and the daemon's PONGs on the wire (both are whole packets of the keepalive program).
    const wire = { ping: 0, pong: 0 };
    const tally = (dir: 'ping' | 'pong') => {
      const r = new PacketReader();
      return (b: Buffer) => r.push(b, (p) => void (p.header.prog === KEEPALIVE_PROGRAM && p.header.proc === KeepaliveProc[dir === 'ping' ? 'PING' : 'PONG'] && wire[dir]++));
    };
    const countPings = tally('ping');
    const write = sock.write.bind(sock);
    sock.write = ((chunk: Buffer, ...rest: never[]) => (countPings(Buffer.from(chunk)), write(chunk, ...rest))) as typeof sock.write;
    const countPongs = tally('pong');
    sock.on('data', countPongs);
    const client = await openLibvirt(sock, { keepalive: { intervalMs: 50, maxMissed: 2 } });
    // More pings than maxMissed, each answered: without the PONGs the client would have given up.
    const deadline = Date.now() + 10_000;
    while (wire.pong < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(wire.ping).toBeGreaterThanOrEqual(4);
    expect(wire.pong).toBeGreaterThanOrEqual(4);
    expect(client.isOpen).toBe(true);
    sock.off('data', countPongs);
    expect(client.resources.timers).toBe(1);
    const off = client.onEvent('domainLifecycle', () => undefined);
    await client.close();
    off();
    expect(client.resources).toEqual({ pending: 0, streams: 0, listeners: 0, timers: 0, transportListeners: 0 });
    // Back to the socket's own listeners (plus the one error swallower for racing writes).
    expect(['data', 'end', 'close', 'drain'].map((e) => sock.listenerCount(e))).toEqual(baseline.slice(0, 4));
    expect(sock.listenerCount('error')).toBeLessThanOrEqual((baseline[4] ?? 0) + 1);
    expect(sock.destroyed).toBe(true);
    await expect(client.call(P.CONNECT_GET_HOSTNAME)).rejects.toBeInstanceOf(RpcClosedError);
  });
});

export type { DomainRef };
