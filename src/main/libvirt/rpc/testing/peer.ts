// A scripted peer on the far end of a real unix socket pair. Used ONLY for
// protocol edge cases a real libvirtd cannot be made to produce on demand
// (out-of-order replies, garbage, silence, lost CLOSE replies); behaviour
// against the real daemon is covered by client.lab.test.ts.
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { encode, type Codec } from '../codec';
import { MessageStatus, MessageType, type Header, type Packet, PacketReader, REMOTE_PROGRAM, encodePacket } from '../packet';

export class ScriptedPeer {
  private readonly reader = new PacketReader();
  private readonly queue: Packet[] = [];
  private waiters: ((p: Packet) => void)[] = [];
  readonly closed: Promise<void>;

  constructor(readonly socket: net.Socket) {
    socket.on('data', (c) =>
      this.reader.push(c, (p) => {
        const w = this.waiters.shift();
        if (w) w(p);
        else this.queue.push(p);
      }),
    );
    socket.on('error', () => undefined);
    this.closed = new Promise((r) => socket.once('close', () => r()));
  }

  next(timeoutMs = 2000): Promise<Packet> {
    const p = this.queue.shift();
    if (p) return Promise.resolve(p);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('peer: no packet')), timeoutMs);
      this.waiters.push((pkt) => {
        clearTimeout(t);
        resolve(pkt);
      });
    });
  }

  send(h: Partial<Header> & { proc: number }, payload?: Uint8Array): void {
    this.socket.write(encodePacket({ prog: REMOTE_PROGRAM, vers: 1, type: MessageType.REPLY, serial: 0, status: MessageStatus.OK, ...h }, payload));
  }

  reply<T>(call: Packet, codec: Codec<T>, value: T): void {
    this.send({ proc: call.header.proc, serial: call.header.serial }, encode(codec, value));
  }

  raw(b: Uint8Array): void {
    this.socket.write(b);
  }
}

export async function socketPair(): Promise<{ client: net.Socket; peer: ScriptedPeer; dispose: () => Promise<void> }> {
  const file = path.join(os.tmpdir(), `vd-rpc-${process.pid}-${Math.random().toString(36).slice(2)}.sock`);
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(file, r));
  const accepted = new Promise<net.Socket>((r) => server.once('connection', r));
  const client = net.createConnection(file);
  await new Promise<void>((r) => client.once('connect', () => r()));
  const peer = new ScriptedPeer(await accepted);
  return {
    client,
    peer,
    dispose: async () => {
      client.destroy();
      peer.socket.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
