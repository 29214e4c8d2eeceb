import { Duplex } from 'node:stream';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { RpcClient } from './client';
import { encode, none, string } from './codec';
import { LibvirtError, RpcClosedError, remoteError } from './errors';
import { MessageStatus, MessageType, PacketReader, STREAM_CHUNK_MAX, type Packet, encodePacket, REMOTE_PROGRAM } from './packet';
import { P } from './procedures/index';
import { type ScriptedPeer, socketPair } from './testing/peer';

const vol = { pool: 'p', name: 'v', key: '/p/v' };
let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup) await c();
  cleanup = [];
});

async function setup(): Promise<{ client: RpcClient; peer: ScriptedPeer }> {
  const pair = await socketPair();
  cleanup.push(pair.dispose);
  const client = new RpcClient(pair.client);
  cleanup.push(async () => client.destroy());
  return { client, peer: pair.peer };
}

async function open(client: RpcClient, peer: ScriptedPeer, p = P.STORAGE_VOL_UPLOAD) {
  const opening = client.openStream(p, { vol, offset: 0, length: 0, flags: 0 });
  const call = await peer.next();
  peer.reply(call, none, undefined);
  return { stream: await opening, serial: call.header.serial, proc: call.header.proc };
}

const streamPkt = (peer: ScriptedPeer, proc: number, serial: number, status: number, payload?: Buffer) =>
  peer.send({ proc, serial, type: MessageType.STREAM, status }, payload);

/** Waits on state with a deadline (the socket pair is real I/O: no fixed sleep fits every machine). */
async function until(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe('RpcStream over a scripted peer', () => {
  it('upload: chunks data, finishes, waits for the confirmation', async () => {
    const { client, peer } = await setup();
    const { stream, serial, proc } = await open(client, peer);
    const data = Buffer.alloc(STREAM_CHUNK_MAX * 2 + 100, 0x5a);
    stream.end(data);
    const got: Packet[] = [];
    for (;;) {
      const p = await peer.next();
      got.push(p);
      if (p.header.status !== MessageStatus.CONTINUE) break;
    }
    expect(got.map((p) => [p.header.type, p.header.serial, p.header.status, p.payload.length])).toEqual([
      [MessageType.STREAM, serial, MessageStatus.CONTINUE, STREAM_CHUNK_MAX],
      [MessageType.STREAM, serial, MessageStatus.CONTINUE, STREAM_CHUNK_MAX],
      [MessageType.STREAM, serial, MessageStatus.CONTINUE, 100],
      [MessageType.STREAM, serial, MessageStatus.OK, 0],
    ]);
    let finished = false;
    stream.on('finish', () => (finished = true));
    // A whole call round trip on the same client: a 'finish' not waiting for
    // the server would have fired by the time its reply is processed.
    const roundTrip = client.call(P.CONNECT_GET_HOSTNAME);
    peer.reply(await peer.next(), string, 'peer');
    expect(await roundTrip).toBe('peer');
    expect(finished).toBe(false); // not before the server confirms
    streamPkt(peer, proc, serial, MessageStatus.OK);
    await once(stream, 'close');
    expect(finished).toBe(true);
    expect(client.resources.streams).toBe(0);
  });

  it('download: delivers data, answers the server finish, closes cleanly', async () => {
    const { client, peer } = await setup();
    const { stream, serial, proc } = await open(client, peer, P.STORAGE_VOL_DOWNLOAD);
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    streamPkt(peer, proc, serial, MessageStatus.CONTINUE, Buffer.from('hello '));
    streamPkt(peer, proc, serial, MessageStatus.CONTINUE, Buffer.from('world'));
    streamPkt(peer, proc, serial, MessageStatus.CONTINUE); // libvirtd's EOF: an empty CONTINUE
    const ours = await peer.next();
    expect(ours.header).toMatchObject({ type: MessageType.STREAM, serial, status: MessageStatus.OK });
    streamPkt(peer, proc, serial, MessageStatus.OK);
    await once(stream, 'close');
    expect(Buffer.concat(chunks).toString()).toBe('hello world');
    expect(client.resources.streams).toBe(0);
  });

  it('a server error with a payload destroys the stream with a LibvirtError', async () => {
    const { client, peer } = await setup();
    const { stream, serial, proc } = await open(client, peer);
    const err = encode(remoteError, { code: 38, domain: 18, message: 'No space left', level: 2, dom: null, str1: null, str2: null, str3: null, int1: 0, int2: 0, net: null });
    streamPkt(peer, proc, serial, MessageStatus.ERROR, err);
    const [e] = (await once(stream, 'error')) as [LibvirtError];
    expect(e).toBeInstanceOf(LibvirtError);
    expect(e.codeName).toBe('VIR_ERR_SYSTEM_ERROR');
    expect(client.resources.streams).toBe(0);
  });

  it('a failed finish reported as a REPLY on the stream serial reaches the stream', async () => {
    const { client, peer } = await setup();
    const { stream, serial, proc } = await open(client, peer);
    stream.end();
    expect((await peer.next()).header.status).toBe(MessageStatus.OK);
    const err = encode(remoteError, { code: 1, domain: 38, message: 'finish failed', level: 2, dom: null, str1: null, str2: null, str3: null, int1: 0, int2: 0, net: null });
    peer.send({ proc, serial, type: MessageType.REPLY, status: MessageStatus.ERROR }, err);
    const [e] = (await once(stream, 'error')) as [Error];
    expect(e.message).toBe('finish failed');
  });

  it('abort sends status ERROR with no payload', async () => {
    const { client, peer } = await setup();
    const { stream, serial } = await open(client, peer);
    stream.abort();
    const p = await peer.next();
    expect(p.header).toMatchObject({ type: MessageType.STREAM, serial, status: MessageStatus.ERROR });
    expect(p.payload.length).toBe(0);
    expect(client.resources.streams).toBe(0);
  });

  it('a refused stream call rejects and registers nothing', async () => {
    const { client, peer } = await setup();
    const opening = client.openStream(P.DOMAIN_OPEN_CONSOLE, { dom: { name: 'x', uuid: '00112233-4455-6677-8899-aabbccddeeff', id: 1 }, dev_name: null, flags: 0 });
    const call = await peer.next();
    const err = encode(remoteError, { code: 55, domain: 10, message: 'busy', level: 2, dom: null, str1: null, str2: null, str3: null, int1: 0, int2: 0, net: null });
    peer.send({ proc: call.header.proc, serial: call.header.serial, status: MessageStatus.ERROR }, err);
    await expect(opening).rejects.toMatchObject({ code: 55 });
    expect(client.resources.streams).toBe(0);
  });

  it('the transport ending destroys open streams with RpcClosedError', async () => {
    const { client, peer } = await setup();
    const { stream } = await open(client, peer);
    const errored = once(stream, 'error');
    peer.socket.destroy();
    const [e] = (await errored) as [Error];
    expect(e).toBeInstanceOf(RpcClosedError);
    expect(client.resources).toMatchObject({ streams: 0, pending: 0 });
  });
});

/** A transport whose writes complete only when the test says so (to observe backpressure). */
class ManualTransport extends Duplex {
  readonly written: Buffer[] = [];
  /** Every buffer the client handed to write(), including those the Writable still queues. */
  readonly handed: Buffer[] = [];
  private callbacks: (() => void)[] = [];
  constructor() {
    super({ writableHighWaterMark: 1024 });
    const write = this.write.bind(this) as (...a: unknown[]) => boolean;
    this.write = ((chunk: Buffer, ...rest: unknown[]) => {
      this.handed.push(chunk);
      return write(chunk, ...rest);
    }) as typeof this.write;
  }
  override _read(): void {}
  override _write(chunk: Buffer, _e: BufferEncoding, cb: () => void): void {
    this.written.push(chunk);
    this.callbacks.push(cb);
  }
  /** Completes every write made so far, including those the Writable queued behind them. */
  flush(): void {
    while (this.callbacks.length) {
      const cbs = this.callbacks;
      this.callbacks = [];
      for (const cb of cbs) cb();
    }
  }
  feed(b: Buffer): void {
    this.push(b);
  }
}

describe('stream backpressure', () => {
  it('pauses the transport while nobody reads, resumes when drained', async () => {
    const pair = await socketPair();
    cleanup.push(pair.dispose);
    const client = new RpcClient(pair.client, { streamFlow: 'pause' });
    cleanup.push(async () => client.destroy());
    const { stream, serial, proc } = await open(client, pair.peer, P.STORAGE_VOL_DOWNLOAD);
    for (let i = 0; i < 16; i++) streamPkt(pair.peer, proc, serial, MessageStatus.CONTINUE, Buffer.alloc(64 * 1024, i));
    // Nobody reads: the client stops pulling from the socket (the bytes cross a real socket pair).
    await until(() => pair.client.isPaused(), 'the transport to pause');
    let total = 0;
    stream.on('data', (c: Buffer) => (total += c.length));
    streamPkt(pair.peer, proc, serial, MessageStatus.CONTINUE); // EOF
    const ours = await pair.peer.next();
    expect(ours.header.status).toBe(MessageStatus.OK);
    expect(total).toBe(16 * 64 * 1024);
    expect(pair.client.isPaused()).toBe(false);
    streamPkt(pair.peer, proc, serial, MessageStatus.OK);
    await once(stream, 'close');
  });

  it("a write's callback waits until the transport let go of the payload (the writer may then reuse it)", async () => {
    const t = new ManualTransport();
    const client = new RpcClient(t);
    const opening = client.openStream(P.STORAGE_VOL_UPLOAD, { vol, offset: 0, length: 0, flags: 0 });
    t.flush();
    let call: Packet | undefined;
    new PacketReader().push(t.written[0] as Buffer, (p) => (call = p));
    t.feed(encodePacket({ prog: REMOTE_PROGRAM, vers: 1, proc: P.STORAGE_VOL_UPLOAD.proc, type: MessageType.REPLY, serial: call?.header.serial ?? 0, status: 0 }));
    const stream = await opening;
    const payload = Buffer.alloc(100_000, 0x61);
    let released = false;
    stream.write(payload, () => (released = true));
    await new Promise((res) => setImmediate(res));
    expect(t.handed.some((w) => w.buffer === payload.buffer && w.byteOffset === payload.byteOffset && w.length === payload.length)).toBe(true); // by reference, not a copy
    expect(released).toBe(false); // the transport still holds it
    t.flush();
    await until(() => released, 'the write callback');
    // A transport that dies holding the payload fails the write instead of leaving it hanging.
    const dying = new Promise<Error | null | undefined>((res) => stream.write(Buffer.alloc(100_000), res));
    stream.on('error', () => undefined);
    client.destroy();
    expect(await dying).toBeInstanceOf(Error);
  });

  it('waits for the transport to drain before sending more', async () => {
    const t = new ManualTransport();
    const client = new RpcClient(t);
    const opening = client.openStream(P.STORAGE_VOL_UPLOAD, { vol, offset: 0, length: 0, flags: 0 });
    t.flush();
    const r = new PacketReader();
    let call: Packet | undefined;
    r.push(t.written[0] as Buffer, (p) => (call = p));
    t.feed(encodePacket({ prog: REMOTE_PROGRAM, vers: 1, proc: P.STORAGE_VOL_UPLOAD.proc, type: MessageType.REPLY, serial: call?.header.serial ?? 0, status: 0 }));
    const stream = await opening;
    const writeDone = new Promise<void>((res) => stream.write(Buffer.alloc(STREAM_CHUNK_MAX * 3), () => res()));
    // The transport is in memory: once a macrotask turn has passed, every
    // write the client was going to make without a drain has been made.
    const settle = () => new Promise((res) => setImmediate(res));
    // Whole packets handed to the transport so far (a chunk's header and payload are separate writes).
    const sent = () => {
      const out: Packet[] = [];
      const rd = new PacketReader();
      for (const w of t.handed) rd.push(w, (p) => out.push(p));
      return out.map((p) => [p.header.type, p.payload.length]);
    };
    const chunk = [MessageType.STREAM, STREAM_CHUNK_MAX];
    await settle();
    expect(sent().slice(1)).toEqual([chunk]); // the call + one chunk: the rest waits for drain
    // Each drain lets exactly one more chunk out.
    for (const n of [2, 3]) {
      t.flush();
      await settle();
      expect(sent().slice(1)).toEqual(Array(n).fill(chunk));
    }
    t.flush();
    await writeDone;
    expect(sent().length).toBe(4);
    // The payload left as written, not copied behind its header.
    expect(t.handed.filter((w) => w.length === STREAM_CHUNK_MAX)).toHaveLength(3);
    const gone = once(stream, 'error');
    client.destroy();
    expect((await gone)[0]).toBeInstanceOf(RpcClosedError);
  });
});
