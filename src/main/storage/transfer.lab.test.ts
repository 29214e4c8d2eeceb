import { createHash, randomFillSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppFailure } from '../../shared/ipc/result';
import { harness, waitForLab, type Harness, type Lab } from '../hosts/lab-harness';
import { P } from '../libvirt/rpc/procedures/index';
import type { StorageVolRef } from '../libvirt/rpc/types';
import { LibvirtSessions } from '../libvirt/sessions';
import { silentLogger } from '../util/log';
import { FileChunks } from './file-chunks';
import { downloadVolume, relayVolume, uploadVolume, volumeSha256OnHost } from './transfer';

// Uploads, downloads and host-to-host relays against two real lab hosts.

const MiB = 1024 * 1024;
const SIZE = 48 * MiB;
let lab: Lab;
let t: Harness;
let sessions: LibvirtSessions;
const hostIds: string[] = [];
const made: { hostId: string; vol: StorageVolRef }[] = [];

/** A disk-like image: a few MiB of pattern at scattered offsets, zeros elsewhere. */
function* image(chunk = 1 * MiB): Generator<Buffer> {
  for (let off = 0; off < SIZE; off += chunk) {
    const b = Buffer.alloc(chunk);
    const mib = off / MiB;
    if (mib % 8 === 0 || mib === 13) for (let i = 0; i < chunk; i += 4) b.writeUInt32LE(((off + i) ^ 0x9e3779b9) >>> 0, i);
    if (mib === 21) b.write('VIRTDECK TAIL OF A SECTOR', chunk - 4096); // a lone 4 KiB of data inside zeros
    yield b;
  }
}
const dataBytes = () => [...image()].filter((b) => b.some((x) => x !== 0)).length; // whole MiBs with data
const imageSha = () => {
  const h = createHash('sha256');
  for (const b of image()) h.update(b);
  return h.digest('hex');
};
async function* source(): AsyncGenerator<Buffer> {
  yield* image();
}

async function newVolume(hostId: string, name: string, capacity = SIZE): Promise<StorageVolRef> {
  const c = sessions.client(hostId);
  const pool = await c.call(P.STORAGE_POOL_LOOKUP_BY_NAME, { name: 'default' });
  const xml = `<volume><name>${name}</name><capacity unit='bytes'>${capacity}</capacity><allocation>0</allocation><target><format type='raw'/></target></volume>`;
  const vol = await c.call(P.STORAGE_VOL_CREATE_XML, { pool, xml, flags: 0 });
  made.push({ hostId, vol });
  return vol;
}

beforeAll(async () => {
  lab = await waitForLab();
  t = await harness({ knownHostsLines: lab.hosts.slice(0, 2).map((h) => `${h.ip} ${h.hostKey}`) });
  sessions = new LibvirtSessions(silentLogger);
  t.registry.addAttachment((id, tr, signal, ctx) => sessions.attach(id, tr, signal, (r) => ctx.drop(r)));
  for (const h of lab.hosts.slice(0, 2)) {
    const added = await t.registry.add({ name: `Transfer ${h.name}`, target: { transport: 'ssh', hostname: h.ip, user: 'root', identityFiles: [lab.ssh.key] }, autoConnect: false });
    expect((await t.registry.connect(added.config.id)).status).toBe('connected');
    hostIds.push(added.config.id);
  }
}, 120_000);

afterAll(async () => {
  for (const { hostId, vol } of made) await sessions.client(hostId).call(P.STORAGE_VOL_DELETE, { vol, flags: 0 }).catch(() => undefined);
  await t?.dispose();
});

describe('volume transfers against the lab', () => {
  it('a sparse upload sends about the data, not the size, and the host checksums the same bytes', async () => {
    const [h1] = hostIds as [string];
    const vol = await newVolume(h1, `vd-upload-${Date.now().toString(36)}.img`);
    let calls = 0;
    // The shared channel stays free while the transfer runs on its own session.
    const probe = (async () => {
      await new Promise((r) => setTimeout(r, 50));
      await sessions.client(h1).call(P.CONNECT_GET_HOSTNAME, undefined, { timeoutMs: 2000 });
      calls++;
    })();
    const r = await uploadVolume({ sessions, hostId: h1, vol, size: SIZE, source: source(), signal: new AbortController().signal });
    await probe;
    expect(calls).toBe(1);
    expect(r.sha256).toBe(imageSha());
    expect(r.bytes).toBe(SIZE);
    // Data MiBs go whole (the lone 4 KiB rides in one 64 KiB block); zeros are holes.
    expect(r.bytesSent).toBe((dataBytes() - 1) * MiB + 64 * 1024);
    expect(r.holeBytes).toBe(SIZE - r.bytesSent);
    expect(await volumeSha256OnHost(t.registry.transport(h1), vol.key, SIZE)).toBe(r.sha256);
    // The file on the host is sparse too: holes were not written.
    const du = await t.registry.transport(h1).exec(['du', '-k', '--', vol.key]);
    expect(Number(du.stdout.toString().split('\t')[0]) * 1024).toBeLessThan(r.bytesSent + 4 * MiB);
  });

  it('a file read through a few recycled buffers arrives intact, with 1 MiB reads and with odd-sized ones', async () => {
    const [h1] = hostIds as [string];
    // Mostly random data (so a buffer refilled too early shows), some zero MiBs (holes), an odd tail.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vd-chunks-lab-'));
    const file = path.join(dir, 'dense.img');
    const bytes = Buffer.alloc(SIZE - 12345);
    for (let mib = 0; mib < SIZE / MiB; mib++) if (mib % 5 !== 2) randomFillSync(bytes, mib * MiB, Math.min(MiB, bytes.length - mib * MiB));
    writeFileSync(file, bytes);
    const sha = createHash('sha256').update(readFileSync(file)).digest('hex');
    try {
      // 1 MiB reads (what the app uses), and odd-sized ones that make the sparse scan keep views across reads.
      for (const opts of [{}, { chunk: 300_001, buffers: 2 }]) {
        const vol = await newVolume(h1, `vd-chunks-${Date.now().toString(36)}.img`, bytes.length);
        const r = await uploadVolume({ sessions, hostId: h1, vol, size: bytes.length, source: new FileChunks(file, opts), signal: new AbortController().signal });
        expect(r.sha256).toBe(sha);
        expect(r.holeBytes).toBeGreaterThan(0);
        expect(await volumeSha256OnHost(t.registry.transport(h1), vol.key, bytes.length)).toBe(sha);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a sparse download gets the holes back as holes and the same checksum', async () => {
    const [h1] = hostIds as [string];
    const vol = await newVolume(h1, `vd-down-${Date.now().toString(36)}.img`);
    const up = await uploadVolume({ sessions, hostId: h1, vol, size: SIZE, source: source(), signal: new AbortController().signal });
    const got = createHash('sha256');
    let holes = 0;
    const r = await downloadVolume({
      sessions,
      hostId: h1,
      vol,
      signal: new AbortController().signal,
      sink: (item) => {
        if (Buffer.isBuffer(item)) got.update(item);
        else {
          got.update(Buffer.alloc(item.hole));
          holes += item.hole;
        }
      },
    });
    expect(r.sha256).toBe(up.sha256);
    expect(got.digest('hex')).toBe(up.sha256);
    expect(r.bytes).toBe(SIZE);
    expect(holes).toBeGreaterThan(SIZE / 2);
    expect(r.bytesSent).toBeLessThan(SIZE / 2);
  });

  it('relays a volume from lab-1 to lab-2 through VirtDeck, holes passed through', async () => {
    const [h1, h2] = hostIds as [string, string];
    const src = await newVolume(h1, `vd-relay-src-${Date.now().toString(36)}.img`);
    await uploadVolume({ sessions, hostId: h1, vol: src, size: SIZE, source: source(), signal: new AbortController().signal });
    const dst = await newVolume(h2, `vd-relay-dst-${Date.now().toString(36)}.img`);
    const r = await relayVolume({ from: { sessions, hostId: h1, vol: src }, to: { sessions, hostId: h2, vol: dst }, size: SIZE, signal: new AbortController().signal });
    expect(r.sourceSha256).toBe(imageSha());
    expect(r.sha256).toBe(imageSha());
    expect(r.bytesSent).toBeLessThan(SIZE / 2);
    expect(await volumeSha256OnHost(t.registry.transport(h2), dst.key, SIZE)).toBe(imageSha());
  });

  it('cancel stops an upload midway with CANCELLED, saying how far it got, and leaves the host usable', async () => {
    const [h1] = hostIds as [string];
    const vol = await newVolume(h1, `vd-cancel-${Date.now().toString(36)}.img`);
    const ac = new AbortController();
    const err = await uploadVolume({
      sessions,
      hostId: h1,
      vol,
      size: SIZE,
      source: source(),
      sparse: false, // every byte on the wire: slow enough to stop midway
      signal: ac.signal,
      onProgress: (p) => {
        if (p.done >= 8 * MiB && !ac.signal.aborted) ac.abort(new AppFailure('CANCELLED', 'Cancelled by the user'));
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppFailure);
    expect((err as AppFailure).error.code).toBe('CANCELLED');
    expect((err as AppFailure).message).toMatch(/^Upload of vd-cancel-.* stopped after \d+ of 50331648 bytes .*: Cancelled by the user$/);
    // The volume is not in use any more: it can be deleted at once.
    await sessions.client(h1).call(P.STORAGE_VOL_DELETE, { vol, flags: 0 });
    made.splice(made.findIndex((m) => m.vol.key === vol.key), 1);
    await expect(sessions.client(h1).call(P.CONNECT_GET_HOSTNAME)).resolves.toBeTruthy();
  });

  it('a source that ends early fails the upload with a clear reason', async () => {
    const [h1] = hostIds as [string];
    const vol = await newVolume(h1, `vd-short-${Date.now().toString(36)}.img`);
    async function* short() {
      yield Buffer.alloc(MiB, 1);
    }
    await expect(uploadVolume({ sessions, hostId: h1, vol, size: SIZE, source: short(), signal: new AbortController().signal })).rejects.toThrow(
      `The source gave ${MiB} bytes but ${SIZE} were expected`,
    );
  });
});
