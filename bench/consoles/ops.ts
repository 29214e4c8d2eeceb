// The measured operations, shared by the raw-forward baseline (in the core's
// process) and the page side of the bridge (page.ts, its own process as a
// browser tab would be). Target protocol: see SERVER in main.ts.
import type { Duplex } from 'node:stream';
import WebSocket from 'ws';

export const PINGS = 1000;
export const MSG = 32;
export const MIB = 32;

export type Pipe = { send(b: Buffer): Promise<void>; onData(cb: (b: Buffer) => void): void; close(): void };

export function rawPipe(ch: Duplex): Pipe {
  return {
    send: (b) => new Promise((r) => (ch.write(b) ? r() : ch.once('drain', () => r()))),
    onData: (cb) => ch.on('data', cb),
    close: () => ch.destroy(),
  };
}

export async function wsPipe(url: string): Promise<Pipe> {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
  return {
    // Like a page: keep sending until much is queued, then wait for the socket to take it.
    send: (b) =>
      new Promise<void>((r) => {
        let waiting = false;
        ws.send(b, { binary: true }, () => waiting && r());
        if (ws.bufferedAmount > 4 << 20) waiting = true;
        else r();
      }),
    onData: (cb) => ws.on('message', (d: Buffer) => cb(d)),
    close: () => ws.close(),
  };
}

/** Resolves with the time from `start` until `n` bytes arrived. */
function expectBytes(p: Pipe, n: number, start: number): Promise<number> {
  let got = 0;
  return new Promise((resolve) =>
    p.onData((b) => {
      got += b.length;
      if (got >= n) resolve(performance.now() - start);
    }),
  );
}

export async function latency(p: Pipe): Promise<number[]> {
  await p.send(Buffer.from('e'));
  let pending: ((b: Buffer) => void) | null = null;
  let acc = 0;
  p.onData((b) => {
    acc += b.length;
    if (acc >= MSG && pending) {
      acc -= MSG;
      const f = pending;
      pending = null;
      f(b);
    }
  });
  const out: number[] = [];
  const msg = Buffer.alloc(MSG, 0x61);
  for (let i = 0; i < PINGS + 50; i++) {
    const t = performance.now();
    await new Promise<void>((r) => {
      pending = () => r();
      void p.send(msg);
    });
    if (i >= 50) out.push(performance.now() - t); // the first 50 warm up
  }
  return out;
}

export async function down(p: Pipe): Promise<number> {
  const n = MIB << 20;
  const t = performance.now();
  const wait = expectBytes(p, n, t);
  const head = Buffer.alloc(5);
  head.write('s');
  head.writeUInt32BE(MIB, 1);
  await p.send(head);
  return MIB / ((await wait) / 1000);
}

export async function up(p: Pipe): Promise<number> {
  const t = performance.now();
  const wait = expectBytes(p, 1, t);
  const head = Buffer.alloc(5);
  head.write('k');
  head.writeUInt32BE(MIB, 1);
  await p.send(head);
  const chunk = Buffer.alloc(64 << 10, 3);
  for (let sent = 0; sent < MIB << 20; sent += chunk.length) await p.send(chunk);
  return MIB / ((await wait) / 1000);
}

