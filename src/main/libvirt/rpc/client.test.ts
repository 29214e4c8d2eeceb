import { afterEach, describe, expect, it } from 'vitest';
import { RpcClient } from './client';
import { encode, none, string, uhyperNum } from './codec';
import { LibvirtError, RpcAbortError, RpcClosedError, RpcTimeoutError, remoteError } from './errors';
import { KEEPALIVE_PROGRAM, KeepaliveProc, MessageStatus, MessageType, encodePacket } from './packet';
import { Events, P } from './procedures/index';
import { ScriptedPeer, socketPair } from './testing/peer';
import { prng, randBytes } from './testing/prng';

const dom = { name: 'vm1', uuid: '00112233-4455-6677-8899-aabbccddeeff', id: 3 };
let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup) await c();
  cleanup = [];
});

async function setup(opts = {}): Promise<{ client: RpcClient; peer: ScriptedPeer }> {
  const pair = await socketPair();
  cleanup.push(pair.dispose);
  const client = new RpcClient(pair.client, opts);
  cleanup.push(async () => client.destroy());
  return { client, peer: pair.peer };
}

const noDomain = () =>
  encode(remoteError, { code: 42, domain: 10, message: 'Domain not found', level: 2, dom: null, str1: null, str2: null, str3: null, int1: -1, int2: -1, net: null });

describe('RpcClient against a scripted peer', () => {
  it('matches out-of-order replies by serial with events interleaved', async () => {
    const { client, peer } = await setup();
    const events: unknown[] = [];
    const off = client.onEvent('domainLifecycle', (e) => events.push(e));
    const a = client.call(P.CONNECT_GET_HOSTNAME);
    const b = client.call(P.CONNECT_GET_LIB_VERSION);
    const c = client.call(P.DOMAIN_LOOKUP_BY_NAME, { name: 'missing' });
    const [ca, cb, cc] = [await peer.next(), await peer.next(), await peer.next()];
    expect([ca, cb, cc].map((p) => p.header.type)).toEqual([MessageType.CALL, MessageType.CALL, MessageType.CALL]);
    expect(new Set([ca, cb, cc].map((p) => p.header.serial)).size).toBe(3);
    peer.send({ proc: Events.domainLifecycle.proc, type: MessageType.MESSAGE }, encode(Events.domainLifecycle.msg, { callbackID: 1, dom, event: 2, detail: 0 }));
    peer.send({ proc: cc.header.proc, serial: cc.header.serial, status: MessageStatus.ERROR }, noDomain());
    peer.reply(cb, uhyperNum, 9000000);
    peer.reply(ca, string, 'host-a');
    expect(await a).toBe('host-a');
    expect(await b).toBe(9000000);
    await expect(c).rejects.toMatchObject({ code: 42, codeName: 'VIR_ERR_NO_DOMAIN', procedure: 'DOMAIN_LOOKUP_BY_NAME' });
    await expect(c).rejects.toBeInstanceOf(LibvirtError);
    expect(events).toEqual([{ callbackID: 1, dom, event: 2, detail: 0 }]);
    off();
    expect(client.resources.listeners).toBe(0);
  });

  it('answers PING with PONG', async () => {
    const { peer } = await setup();
    peer.raw(encodePacket({ prog: KEEPALIVE_PROGRAM, vers: 1, proc: KeepaliveProc.PING, type: MessageType.MESSAGE, serial: 0, status: 0 }));
    const pong = await peer.next();
    expect(pong.header).toMatchObject({ prog: KEEPALIVE_PROGRAM, proc: KeepaliveProc.PONG, type: MessageType.MESSAGE, serial: 0 });
  });

  it('closes the connection on a bad length word and rejects pending calls', async () => {
    const { client, peer } = await setup();
    const call = client.call(P.CONNECT_GET_HOSTNAME);
    await peer.next();
    const bad = Buffer.alloc(4);
    bad.writeUInt32BE(16 * 1024 * 1024 + 5, 0);
    peer.raw(bad);
    await expect(call).rejects.toBeInstanceOf(RpcClosedError);
    await peer.closed;
    await expect(client.call(P.CONNECT_GET_URI)).rejects.toBeInstanceOf(RpcClosedError);
  });

  it('rejects every pending call when the transport ends, and later calls at once', async () => {
    const { client, peer } = await setup();
    const calls = [client.call(P.CONNECT_GET_HOSTNAME), client.call(P.CONNECT_GET_URI)];
    await peer.next();
    peer.socket.end();
    for (const c of calls) await expect(c).rejects.toBeInstanceOf(RpcClosedError);
    expect(client.isOpen).toBe(false);
    await expect(client.call(P.CONNECT_GET_HOSTNAME)).rejects.toBeInstanceOf(RpcClosedError);
  });

  it('close() sends CONNECT_CLOSE and succeeds when the peer just hangs up', async () => {
    const { client, peer } = await setup();
    const closed = client.close();
    await expect(client.call(P.CONNECT_GET_HOSTNAME)).rejects.toBeInstanceOf(RpcClosedError);
    const pkt = await peer.next();
    expect(pkt.header.proc).toBe(P.CONNECT_CLOSE.proc);
    peer.socket.destroy();
    await closed;
    expect(client.resources).toEqual({ pending: 0, streams: 0, listeners: 0, timers: 0, transportListeners: 0 });
  });

  it('close() succeeds when the peer replies, and is idempotent', async () => {
    const { client, peer } = await setup();
    const closed = client.close();
    peer.reply(await peer.next(), none, undefined);
    await closed;
    await client.close();
    await peer.closed;
  });

  it('per-call timeout and AbortSignal; the late reply is dropped', async () => {
    const { client, peer } = await setup();
    const slow = client.call(P.CONNECT_GET_HOSTNAME, undefined, { timeoutMs: 30 });
    const slowCall = await peer.next();
    await expect(slow).rejects.toBeInstanceOf(RpcTimeoutError);
    peer.reply(slowCall, string, 'late');
    const ac = new AbortController();
    const aborted = client.call(P.CONNECT_GET_URI, undefined, { signal: ac.signal });
    await peer.next();
    ac.abort();
    await expect(aborted).rejects.toBeInstanceOf(RpcAbortError);
    await expect(client.call(P.CONNECT_GET_URI, undefined, { signal: ac.signal })).rejects.toBeInstanceOf(RpcAbortError);
    const ok = client.call(P.CONNECT_GET_HOSTNAME);
    peer.reply(await peer.next(), string, 'fine');
    expect(await ok).toBe('fine');
    expect(client.resources.pending).toBe(0);
  });

  it('encoding errors reject without sending anything', async () => {
    const { client } = await setup();
    await expect(client.call(P.DOMAIN_GET_XML_DESC, { dom: { ...dom, uuid: 'zz' }, flags: 0 })).rejects.toThrow(/UUID/);
    await expect(client.call(P.DOMAIN_GET_XML_DESC, { dom, flags: -1 })).rejects.toThrow(/out of range/);
  });

  it('keepalive: pings when idle and declares a silent peer dead', async () => {
    const { client, peer } = await setup();
    const closed = new Promise<RpcClosedError>((r) => client.onClose(r));
    client.startKeepalive({ intervalMs: 20, maxMissed: 2 });
    const ping = await peer.next();
    expect(ping.header).toMatchObject({ prog: KEEPALIVE_PROGRAM, proc: KeepaliveProc.PING });
    expect((await closed).message).toMatch(/keepalive/);
    expect(client.resources.timers).toBe(0);
  });

  it('keepalive: a peer that answers stays connected', async () => {
    const { client, peer } = await setup();
    client.startKeepalive({ intervalMs: 20, maxMissed: 1 });
    for (let i = 0; i < 4; i++) {
      const ping = await peer.next();
      expect(ping.header.proc).toBe(KeepaliveProc.PING);
      peer.raw(encodePacket({ prog: KEEPALIVE_PROGRAM, vers: 1, proc: KeepaliveProc.PONG, type: MessageType.MESSAGE, serial: 0, status: 0 }));
    }
    expect(client.isOpen).toBe(true);
    await client.close().catch(() => undefined);
  });

  it('survives garbage: only RpcClosedError, nothing thrown (seeded)', async () => {
    for (let seed = 1; seed <= 20; seed++) {
      const { client, peer } = await setup();
      const call = client.call(P.CONNECT_GET_HOSTNAME);
      await peer.next();
      peer.raw(randBytes(prng(seed), 64));
      peer.socket.end();
      await expect(call, `seed ${seed}`).rejects.toBeInstanceOf(Error);
      await call.catch((e) => expect(e instanceof RpcClosedError || e instanceof LibvirtError || e.name === 'RpcProtocolError', `seed ${seed}`).toBe(true));
    }
  });

  it('an undecodable reply rejects only that call', async () => {
    const { client, peer } = await setup();
    const bad = client.call(P.CONNECT_GET_LIB_VERSION);
    peer.send({ proc: P.CONNECT_GET_LIB_VERSION.proc, serial: (await peer.next()).header.serial }, Buffer.alloc(3));
    await expect(bad).rejects.toMatchObject({ name: 'RpcProtocolError' });
    const good = client.call(P.CONNECT_GET_HOSTNAME);
    peer.reply(await peer.next(), string, 'ok');
    expect(await good).toBe('ok');
  });
});
