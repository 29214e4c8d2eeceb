import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskSummary } from '../../shared/model/task';
import { inHost, type Harness, type LabHost } from '../hosts/lab-harness';
import { tokenAuthenticator } from '../ipc/auth';
import { HttpFront } from '../ipc/http-server';
import { TaskManager } from '../tasks/manager';
import { silentLogger } from '../util/log';
import type { StorageDeps } from './pools';
import { Transfers } from './transfers';
import { storageLab, type StorageLab } from './lab-setup';
import { volumeList } from './volumes';

// Uploads and downloads as users run them: desktop files through the (faked)
// native dialog, and a browser's HTTP upload/download through the real
// serve-mode front, into and out of a real lab host's pool. The dialog is the
// one fake: Electron cannot run here, and all it does is hand back a path.

const MiB = 1024 * 1024;
const SIZE = 24 * MiB;
const pool = 'default';
let h: Harness;
let host: LabHost;
let hostId: string;
let deps: StorageDeps;
let tasks: TaskManager;
let transfers: Transfers;
let front: HttpFront;
let origin: string;
let dir: string;
let nextPath = '';
const token = 'test-token-for-transfers-0123456789';
let lab: StorageLab;
const stamp = Date.now().toString(36);
const made: string[] = [];

/** A disk-like image: pattern in a few MiB, a lone 4 KiB sector, zeros elsewhere. */
function image(): Buffer {
  const b = Buffer.alloc(SIZE);
  for (let mib = 0; mib < SIZE / MiB; mib++) {
    if (mib % 6 === 0) for (let i = 0; i < MiB; i += 4) b.writeUInt32LE(((mib * MiB + i) ^ 0x5bd1e995) >>> 0, mib * MiB + i);
  }
  b.write('VIRTDECK LONE SECTOR', 13 * MiB + 8192);
  return b;
}
const IMAGE = image();
const SHA = createHash('sha256').update(IMAGE).digest('hex');

const settled = (taskId: string) => tasks.settled(taskId);
const volNames = async () => (await volumeList(deps, hostId, pool)).map((v) => v.name);

function whenProgress(taskId: string, min: number): Promise<TaskSummary> {
  return new Promise((resolve) => {
    const off = h.bus.subscribe((m) => {
      const t = m.payload as TaskSummary;
      if (m.name === 'task.updated' && t.id === taskId && (t.progress?.done ?? 0) >= min) {
        off();
        resolve(t);
      }
    });
  });
}

/** PUTs `body` chunks to the upload route; `hold` pauses after a chunk until it resolves. */
function put(p: string, chunks: Buffer[], opts: { auth?: string; hold?: Promise<unknown>; abortAfter?: number } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const total = chunks.reduce((n, c) => n + c.length, 0);
    const req = http.request(`${origin}${p}`, { method: 'PUT', headers: { 'Content-Length': total, ...(opts.auth ? { Authorization: opts.auth } : {}) } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', (e) => (opts.abortAfter !== undefined || opts.hold ? resolve({ status: 0, body: String(e) }) : reject(e)));
    void (async () => {
      for (let i = 0; i < chunks.length; i++) {
        if (!req.write(chunks[i])) await new Promise((r) => req.once('drain', r));
        if (opts.abortAfter === i) return void req.destroy();
        if (opts.hold && i === 0) await opts.hold;
        if (req.destroyed) return;
      }
      req.end();
    })();
  });
}

const chunksOf = (b: Buffer, n = 4 * MiB) => Array.from({ length: Math.ceil(b.length / n) }, (_, i) => b.subarray(i * n, (i + 1) * n));

beforeAll(async () => {
  lab = await storageLab('transfers', { progressIntervalMs: 20 });
  ({ h, host, hostId, deps, tasks, dir } = lab);
  transfers = new Transfers(deps, tasks, { open: async () => nextPath, save: async () => nextPath });
  front = new HttpFront({ host: '127.0.0.1', port: 0, staticDir: dir, log: silentLogger, auth: tokenAuthenticator({ control: token }) });
  for (const route of transfers.routes()) front.addRoute(route);
  const { port } = await front.listen();
  origin = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  for (const name of made) await inHost(host, ['virsh', 'vol-delete', '--pool', pool, name]).catch(() => {});
  await front?.close();
  await lab?.dispose();
});

describe('desktop uploads and downloads (files chosen in the native dialog)', () => {
  const name = `vd-desk-${stamp}.img`;
  it('uploads a sparse image: holes skip the wire, the SHA-256 matches on the host', async () => {
    const file = path.join(dir, 'disk.img');
    writeFileSync(file, IMAGE);
    await expect(transfers.fileUpload({ hostId, pool, name, path: file, format: 'raw' })).rejects.toMatchObject({ error: { code: 'VALIDATION' } });
    nextPath = file;
    expect(await transfers.chooseFile({ mode: 'open' })).toEqual({ path: file, name: 'disk.img', size: SIZE });
    made.push(name);
    const { taskId } = await transfers.fileUpload({ hostId, pool, name, path: file, format: 'raw' });
    const t = await settled(taskId);
    expect(t.state).toBe('succeeded');
    expect(t.result).toMatchObject({ sha256: SHA, bytes: SIZE });
    const { bytesSent } = t.result as { bytesSent: number };
    expect(bytesSent).toBeLessThan(SIZE / 4); // 4 MiB of pattern + one 64 KiB block
    expect(t.progress).toMatchObject({ done: SIZE, total: SIZE, secondary: { label: 'sent as data', done: bytesSent } });
    expect(t.log.map((l) => l.message)).toContain(`SHA-256 ${SHA} matches on the host`);
    expect(t.retry).toMatchObject({ call: 'volumes.uploadFile' });
  });

  it('downloads it back into a sparse file with the same bytes', async () => {
    const out = path.join(dir, 'back.img');
    nextPath = out;
    await transfers.chooseFile({ mode: 'save', defaultName: 'back.img' });
    const { taskId } = await transfers.fileDownload({ hostId, pool, name }, out);
    const t = await settled(taskId);
    expect(t.state).toBe('succeeded');
    expect(createHash('sha256').update(readFileSync(out)).digest('hex')).toBe(SHA);
    expect(statSync(out).blocks * 512).toBeLessThan(SIZE / 2); // holes stayed holes
  });

  it('refuses paths that are not regular files, and files not chosen in the dialog', async () => {
    nextPath = dir;
    await expect(transfers.chooseFile({ mode: 'open' })).rejects.toMatchObject({ error: { code: 'VALIDATION', message: expect.stringContaining('not a regular file') } });
    await expect(transfers.fileDownload({ hostId, pool, name }, '/etc/passwd')).rejects.toMatchObject({ error: { code: 'VALIDATION' } });
  });
});

describe('browser uploads and downloads over the serve front', () => {
  it('uploads with the token and its one-time ticket; the link then dies', async () => {
    const name = `vd-web "1" $(x) ${stamp}.img`;
    made.push(name);
    const { taskId, uploadPath } = await transfers.browserUpload({ hostId, pool, name, size: SIZE, format: 'raw' });
    expect((await put(uploadPath, [IMAGE])).status).toBe(401); // no credential: refused before reading
    const r = await put(uploadPath, chunksOf(IMAGE), { auth: `Bearer ${token}` });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ taskId, sha256: SHA });
    expect((await settled(taskId)).state).toBe('succeeded');
    expect((await put(uploadPath, [IMAGE], { auth: `Bearer ${token}` })).status).toBe(404);
    expect(await volNames()).toContain(name);
  });

  it('cancelling halfway leaves no volume behind', async () => {
    const name = `vd-web-cancel-${stamp}.img`;
    made.push(name);
    const { taskId, uploadPath } = await transfers.browserUpload({ hostId, pool, name, size: SIZE, format: 'raw' });
    let release!: () => void;
    const hold = new Promise<void>((r) => (release = r));
    const answer = put(uploadPath, chunksOf(IMAGE), { auth: `Bearer ${token}`, hold });
    await whenProgress(taskId, 1);
    tasks.cancel(taskId);
    const t = await settled(taskId);
    release();
    await answer;
    expect(t.state).toBe('cancelled');
    expect(t.cleanup).toEqual([`Undone: delete the partial volume “${name}” in pool “${pool}”`]);
    expect(await volNames()).not.toContain(name);
  });

  it('a browser that goes away mid-upload fails the task with what arrived, and the volume goes', async () => {
    const name = `vd-web-gone-${stamp}.img`;
    made.push(name);
    const { taskId, uploadPath } = await transfers.browserUpload({ hostId, pool, name, size: SIZE, format: 'raw' });
    await put(uploadPath, chunksOf(IMAGE), { auth: `Bearer ${token}`, abortAfter: 1 });
    const t = await settled(taskId);
    expect(t.state).toBe('failed');
    expect(t.error?.message).toMatch(/^The browser stopped sending after \d+(\.\d)? MiB of 24 MiB/);
    expect(t.cleanup).toEqual([expect.stringMatching(/^Undone: delete the partial volume/)]);
    expect(await volNames()).not.toContain(name);
  });

  it('downloads through a one-time link, holes as zeros', async () => {
    const name = `vd-desk-${stamp}.img`;
    const { taskId, downloadPath, size } = await transfers.browserDownload({ hostId, pool, name });
    expect(size).toBe(SIZE);
    const got = await new Promise<{ status: number; body: Buffer; disposition: string }>((resolve, reject) =>
      http.get(`${origin}${downloadPath}`, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts), disposition: String(res.headers['content-disposition']) }));
        res.on('error', reject);
      }),
    );
    expect(got.status).toBe(200);
    expect(got.disposition).toContain(`filename="${name}"`);
    expect(createHash('sha256').update(got.body).digest('hex')).toBe(SHA);
    expect((await settled(taskId)).state).toBe('succeeded');
  });
});

describe('a dropped link mid-upload', () => {
  it('fails the task with what was sent and removes the partial volume once the host is back', async () => {
    const name = `vd-drop-${stamp}.img`;
    made.push(name);
    const { taskId, uploadPath } = await transfers.browserUpload({ hostId, pool, name, size: SIZE, format: 'raw' });
    let release!: () => void;
    const hold = new Promise<void>((r) => (release = r));
    const answer = put(uploadPath, chunksOf(IMAGE), { auth: `Bearer ${token}`, hold });
    await whenProgress(taskId, 1);
    // Kill the sshd process serving OUR connection (not the listener): the registry redials by itself.
    // It is the parent of the processes our session started (virt-ssh-helper), found by their SSH_CONNECTION.
    const clientPort = (await h.registry.transport(hostId).exec(['sh', '-c', 'echo $SSH_CONNECTION'])).stdout.toString().trim().split(' ')[1]!;
    const killed = await inHost(host, [
      'sh',
      '-c',
      'for p in /proc/[0-9]*; do tr "\\0" "\\n" <"$p/environ" 2>/dev/null | grep -q "^SSH_CONNECTION=[^ ]* $1 " && cut -d" " -f4 "$p/stat"; done | sort -u | xargs -r kill -- ; echo done',
      'sh',
      clientPort,
    ]);
    expect(killed.trim()).toBe('done');
    const t = await settled(taskId);
    release();
    await answer;
    expect(t.state).toBe('failed');
    expect(t.error?.message).toMatch(/after \d+ of \d+ bytes/);
    expect(t.cleanup).toEqual([`Undone: delete the partial volume “${name}” in pool “${pool}”`]);
    expect(t.log.map((l) => l.message).join('\n')).toMatch(/will be deleted when it is back/);
    expect(await volNames()).not.toContain(name);
  }, 120_000);
});
