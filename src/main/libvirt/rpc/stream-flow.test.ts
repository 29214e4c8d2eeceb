// Flow control and sparse holes of RpcStream against a scripted peer (the
// edge cases a real libvirtd can't be made to produce on demand; the same
// paths against the real daemon: consoles.lab.test.ts, transfer.lab.test.ts).
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { RpcClient } from './client';
import { none, string } from './codec';
import { RpcStreamOverflowError } from './errors';
import { Keepalive } from './keepalive';
import { MessageStatus, MessageType, type Packet } from './packet';
import { P } from './procedures/index';
import { type ScriptedPeer, socketPair } from './testing/peer';
import { XdrReader } from './xdr';

const vol = { pool: 'p', name: 'v', key: '/p/v' };
let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup) await c();
  cleanup = [];
});

async function setup(opts: ConstructorParameters<typeof RpcClient>[1] = {}) {
  const pair = await socketPair();
  cleanup.push(pair.dispose);
  const client = new RpcClient(pair.client, opts);
  cleanup.push(async () => client.destroy());
  return { client, peer: pair.peer, socket: pair.client };
}

async function openDownload(client: RpcClient, peer: ScriptedPeer, streamOpts: Parameters<RpcClient['openStream']>[2] = {}) {
  const opening = client.openStream(P.STORAGE_VOL_DOWNLOAD, { vol, offset: 0, length: 0, flags: 0 }, streamOpts);
  const call = await peer.next();
  peer.reply(call, none, undefined);
  return { stream: await opening, serial: call.header.serial, proc: call.header.proc };
}

/** Next packet the peer receives that is not a keepalive. */
async function nextRemote(peer: ScriptedPeer): Promise<Packet> {
  for (;;) {
    const p = await peer.next();
    if (p.header.prog !== 0x6b656570) return p;
  }
}

describe('bounded streams (the default on a shared connection)', () => {
  it('an unread stream is closed alone when it falls behind; the connection keeps answering calls', async () => {
    const { client, peer, socket } = await setup();
    const { stream, serial, proc } = await openDownload(client, peer, { maxBufferedBytes: 256 * 1024 });
    const failed = once(stream, 'error');
    // Nobody reads the stream. A call made meanwhile must still be answered.
    const hostname = client.call(P.CONNECT_GET_HOSTNAME);
    const call = await nextRemote(peer);
    for (let i = 0; i < 8; i++) peer.send({ proc, serial, type: MessageType.STREAM, status: MessageStatus.CONTINUE }, Buffer.alloc(64 * 1024, i));
    peer.reply(call, string, 'lab-1');
    await expect(hostname).resolves.toBe('lab-1');
    const [err] = (await failed) as [Error];
    expect(err).toBeInstanceOf(RpcStreamOverflowError);
    expect(err.message).toMatch(/fell 0\.\d MiB behind; this stream was closed so the connection keeps serving everything else/);
    expect(socket.isPaused()).toBe(false);
    // The server is told to stop sending on that stream.
    const abort = await nextRemote(peer);
    expect(abort.header).toMatchObject({ type: MessageType.STREAM, serial, status: MessageStatus.ERROR });
    expect(client.resources.streams).toBe(0);
    // More data for the dead stream is dropped; calls still work.
    peer.send({ proc, serial, type: MessageType.STREAM, status: MessageStatus.CONTINUE }, Buffer.alloc(1024));
    const again = client.call(P.CONNECT_GET_HOSTNAME);
    peer.reply(await nextRemote(peer), string, 'lab-1');
    await expect(again).resolves.toBe('lab-1');
  });

  it('a reader that keeps up is never cut off however much flows', async () => {
    const { client, peer } = await setup();
    const { stream, serial, proc } = await openDownload(client, peer, { maxBufferedBytes: 128 * 1024 });
    let total = 0;
    stream.on('data', (c: Buffer) => (total += c.length));
    for (let i = 0; i < 64; i++) peer.send({ proc, serial, type: MessageType.STREAM, status: MessageStatus.CONTINUE }, Buffer.alloc(64 * 1024, i));
    peer.send({ proc, serial, type: MessageType.STREAM, status: MessageStatus.CONTINUE }); // EOF
    const finish = await nextRemote(peer);
    expect(finish.header).toMatchObject({ serial, status: MessageStatus.OK });
    peer.send({ proc, serial, type: MessageType.STREAM, status: MessageStatus.OK });
    await once(stream, 'close');
    expect(total).toBe(64 * 64 * 1024);
  });
});

describe('sparse upload holes', () => {
  it('a hole goes out as type STREAM_HOLE {hyper length, uint flags} after the data written before it', async () => {
    const { client, peer } = await setup();
    const opening = client.openStream(P.STORAGE_VOL_UPLOAD, { vol, offset: 0, length: 0, flags: 1 });
    const call = await peer.next();
    peer.reply(call, none, undefined);
    const stream = await opening;
    stream.write(Buffer.alloc(1000, 7));
    await stream.writeHole(5 * 2 ** 32 + 12); // beyond 32 bits on purpose
    stream.write(Buffer.alloc(10, 8));
    stream.end();
    const got: Packet[] = [];
    for (;;) {
      const p = await nextRemote(peer);
      got.push(p);
      if (p.header.status === MessageStatus.OK) break;
    }
    expect(got.map((p) => [p.header.type, p.header.status, p.payload.length])).toEqual([
      [MessageType.STREAM, MessageStatus.CONTINUE, 1000],
      [MessageType.STREAM_HOLE, MessageStatus.CONTINUE, 12],
      [MessageType.STREAM, MessageStatus.CONTINUE, 10],
      [MessageType.STREAM, MessageStatus.OK, 0],
    ]);
    const r = new XdrReader(got[1]!.payload);
    expect(r.hyper()).toBe(BigInt(5 * 2 ** 32 + 12));
    expect(r.uint()).toBe(0);
    peer.send({ proc: call.header.proc, serial: call.header.serial, type: MessageType.STREAM, status: MessageStatus.OK });
    await once(stream, 'close');
  });
});

describe('keepalive while we paused reading on purpose', () => {
  it('keeps pinging but does not declare the peer dead for silence we caused', async () => {
    let pings = 0;
    let dead: string | null = null;
    const ka = new Keepalive({ sendPing: () => pings++, dead: (why) => (dead = why) });
    ka.start({ intervalMs: 10, maxMissed: 2 });
    ka.hold(true);
    while (pings < 6) await new Promise((r) => setTimeout(r, 5));
    expect(dead).toBeNull();
    ka.hold(false); // resuming counts as fresh contact, then silence counts again
    while (dead === null) await new Promise((r) => setTimeout(r, 5));
    expect(dead).toMatch(/no data from the server for 2 intervals/);
    ka.stop();
  });
});
