import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { VM_METRICS } from '../../../shared/model/metrics';
import { realFs, type StoreFs } from './append-file';
import { HistoryStore } from './history-store';

// What the store promises when things go wrong: the event loop never waits
// on the disk, a failed write leaves no garbage that hides later records, and
// a damaged series registry never gives one VM another VM's history.

const dirs: string[] = [];
const tmp = () => {
  const d = fsSync.mkdtempSync(path.join(os.tmpdir(), 'vd-store-dur-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  vi.restoreAllMocks();
  dirs.splice(0).forEach((d) => fsSync.rmSync(d, { recursive: true, force: true }));
});

const A = '11111111-2222-3333-4444-555555555555';
const B = '99999999-8888-7777-6666-555555555555';
const W = VM_METRICS.length;
const row = (cpu: number) => [cpu, ...Array.from({ length: W - 1 }, () => null)];

/** Appends `n` rows of one VM, `stepMs` apart from `from` (CPU column = cpu(i)); returns the last time. */
function fill(store: HistoryStore, key: string, name: string, from: number, n: number, stepMs: number, cpu: (i: number) => number): number {
  for (let i = 0; i < n; i++) store.append('h1', from + i * stepMs, [{ kind: 'vm', key, name, values: row(cpu(i)) }]);
  return from + (n - 1) * stepMs;
}

/**
 * Real files, except that chosen writes fail part-way like a full disk: the
 * first half of the buffer lands, then ENOSPC. (A fake only for the failure:
 * no real disk here can be made to fill at a chosen write.)
 */
function failingFs(shouldFail: (file: string) => boolean): StoreFs & { failures: number } {
  const io = {
    failures: 0,
    async open(file: string, flags: number) {
      const fh = await realFs.open(file, flags);
      return new Proxy(fh, {
        get(target, prop, receiver) {
          if (prop === 'write') {
            return async (buf: Buffer, off: number, len: number, pos: number) => {
              if (!shouldFail(file)) return target.write(buf, off, len, pos);
              io.failures++;
              await target.write(buf, off, Math.floor(len / 2), pos);
              throw Object.assign(new Error(`ENOSPC: no space left on device, write '${file}'`), { code: 'ENOSPC' });
            };
          }
          const v = Reflect.get(target, prop, receiver) as unknown;
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      });
    },
  };
  return io;
}

describe('history store durability', () => {
  it('never touches the disk synchronously: opening, appending, querying and closing use no *Sync call', async () => {
    const dir = tmp();
    const t0 = Date.UTC(2026, 0, 1, 10, 0, 0);
    let now = t0;
    // Every synchronous fs function, watched from here on (the old store wrote each tick with writeSync).
    const spies = Object.entries(fsSync)
      .filter(([k, v]) => k.endsWith('Sync') && typeof v === 'function')
      .map(([k]) => [k, vi.spyOn(fsSync as unknown as Record<string, (...a: unknown[]) => unknown>, k)] as const);
    const store = new HistoryStore(dir, { now: () => now });
    for (let s = 0; s < 3 * 3600; s += 10) {
      now = t0 + s * 1000;
      store.append('h1', now, [{ kind: 'vm', key: A, name: 'web', values: row(s % 100) }]);
    }
    await store.query('h1', A, now - 600_000, now, 100); // 1 s tier
    await store.query('h1', A, t0, now, 100); // hour blocks on disk
    await store.close();
    const again = new HistoryStore(dir, { now: () => now });
    expect((await again.query('h1', A, t0, now, 200)).t.length).toBeGreaterThan(100);
    await again.close();
    expect(spies.filter(([, s]) => s.mock.calls.length > 0).map(([k]) => k)).toEqual([]);
  });

  it('a write that fails part-way is cut back: the frames after it survive a restart', async () => {
    const dir = tmp();
    const t0 = Date.UTC(2026, 0, 1, 10, 0, 0);
    let now = t0;
    let failNext = false;
    const io = failingFs((f) => f.includes(`${path.sep}sec${path.sep}`) && failNext);
    const errors: unknown[] = [];
    const store = new HistoryStore(dir, { now: () => now, io, onError: (_h, e) => errors.push(e) });
    for (let s = 0; s < 10; s++) {
      now = t0 + s * 1000;
      failNext = s === 4;
      store.append('h1', now, [{ kind: 'vm', key: A, name: 'web', values: row(s) }]);
      await store.flush(); // one write per frame, so exactly frame 4 fails
    }
    await store.close();
    expect(io.failures).toBe(1);
    expect(String(errors[0])).toMatch(/ENOSPC/);
    const again = new HistoryStore(dir, { now: () => now });
    // Before: the torn half-frame stayed, later frames were appended behind it, and the
    // reader stopped (and truncated) at the tear: frames 5..9 were lost.
    expect((await again.query('h1', A, t0, now, 100)).columns[0]).toEqual([0, 1, 2, 3, 5, 6, 7, 8, 9]);
    await again.close();
  });

  it('an hour block that fails part-way does not hide the hours written after it', async () => {
    const dir = tmp();
    const t0 = Date.UTC(2026, 0, 1, 0, 0, 0);
    let now = t0;
    let blocksTried = 0;
    const io = failingFs((f) => f.includes(`${path.sep}hours${path.sep}`) && ++blocksTried === 1);
    const store = new HistoryStore(dir, { now: () => now, io });
    for (let m = 0; m < 4 * 60; m++) {
      now = t0 + m * 60_000;
      store.append('h1', now, [{ kind: 'vm', key: A, name: 'web', values: row(Math.floor(m / 60) + 1) }]);
    }
    await store.close();
    expect(io.failures).toBe(1);
    const again = new HistoryStore(dir, { now: () => now });
    const h = await again.query('h1', A, t0, now, 10_000);
    // Hour 1's block was lost to the failed write; hours 2 and 3 (blocks) and 4 (open) are all there.
    const hours = new Set(h.t.filter((_, i) => h.columns[0]![i] !== null).map((t) => Math.floor((t - t0) / 3_600_000)));
    expect([...hours].sort()).toEqual([1, 2, 3]);
    await again.close();
  });

  it('the hour just finished stays queryable while its block is compressed and written', async () => {
    const dir = tmp();
    const t0 = Date.UTC(2026, 0, 1, 0, 0, 0);
    let now = t0;
    const store = new HistoryStore(dir, { now: () => now });
    store.append('h1', now, [{ kind: 'vm', key: A, name: 'web', values: row(1) }]);
    await store.flush(); // the host is open; from here appends and the query run before any file work
    for (let m = 1; m <= 2 * 60; m++) {
      now = t0 + m * 60_000;
      store.append('h1', now, [{ kind: 'vm', key: A, name: 'web', values: row(Math.floor(m / 60) + 1) }]);
    }
    // Hour 1 has just rolled: its block is still being compressed (off the event loop) and queued for writing.
    const h = await store.query('h1', A, t0, now, 10_000);
    const hours = new Set(h.t.filter((_, i) => h.columns[0]![i] !== null).map((t) => Math.floor((t - t0) / 3_600_000)));
    expect([...hours].sort()).toEqual([0, 1]);
    expect(h.columns[0]!.filter((v) => v !== null)).toHaveLength(2 * 60);
    await store.close();
  });

  it('damage in the middle of a segment skips to the next good frame instead of dropping the rest', async () => {
    const dir = tmp();
    const t0 = Date.UTC(2026, 0, 1, 10, 0, 0);
    let now = t0;
    const store = new HistoryStore(dir, { now: () => now });
    now = fill(store, A, 'web', t0, 6, 1000, (s) => s);
    await store.close();
    const secDir = path.join(dir, 'h1', 'sec');
    const seg = path.join(secDir, (await fs.readdir(secDir))[0]!);
    const b = await fs.readFile(seg);
    const frameLen = b.length / 6;
    b[2 * frameLen + 20]! ^= 0xff; // a flipped byte inside frame 2
    await fs.writeFile(seg, b);
    const again = new HistoryStore(dir, { now: () => now });
    expect((await again.query('h1', A, t0, now, 100)).columns[0]).toEqual([0, 1, 3, 4, 5]);
    await again.close();
  });

  it('a damaged series registry never hands one VM the history of another', async () => {
    const dir = tmp();
    const t0 = Date.UTC(2026, 0, 1, 10, 0, 0);
    let now = t0;
    let store = new HistoryStore(dir, { now: () => now });
    now = fill(store, A, 'a', t0, 30, 1000, () => 50);
    await store.close();
    // Garbage where the registry was (a crash mid-write on a filesystem without ordered renames, a bad sector...).
    await fs.writeFile(path.join(dir, 'h1', 'series.json'), '[{"id":0,"kind":"vm","key":"');
    store = new HistoryStore(dir, { now: () => now });
    now = fill(store, B, 'b', t0 + 30_000, 10, 1000, () => 7);
    const b = await store.query('h1', B, t0, now, 100);
    // Before: B got id 0 again and showed A's 30 points at 50 %.
    expect(b.columns[0]!.filter((v) => v !== null)).toEqual(Array(10).fill(7));
    await store.close();
    // The damaged file is kept aside for a human; a new, good registry replaces it.
    expect(fsSync.existsSync(path.join(dir, 'h1', 'series.json.damaged'))).toBe(true);
    store = new HistoryStore(dir, { now: () => now });
    expect(await store.nameOf('h1', B)).toBe('b');
    expect((await store.query('h1', B, t0, now, 100)).columns[0]!.filter((v) => v !== null)).toHaveLength(10);
    await store.close();
  });

  it('a damaged registry with a good copy keeps the names it knew', async () => {
    const dir = tmp();
    const t0 = Date.UTC(2026, 0, 1, 10, 0, 0);
    let now = t0;
    let store = new HistoryStore(dir, { now: () => now });
    store.append('h1', now, [{ kind: 'vm', key: A, name: 'a', values: row(1) }]);
    await store.flush();
    now += 1000;
    store.append('h1', now, [{ kind: 'vm', key: B, name: 'b', values: row(2) }]); // second save: the first becomes series.json.bak
    await store.close();
    const reg = path.join(dir, 'h1', 'series.json');
    const text = await fs.readFile(reg, 'utf8');
    await fs.writeFile(reg, text.replace('"name":"b"', '"name":"x"')); // parses, but fails its checksum
    store = new HistoryStore(dir, { now: () => now });
    expect(await store.nameOf('h1', A)).toBe('a');
    expect((await store.query('h1', A, t0 - 1000, now, 100)).columns[0]!.filter((v) => v !== null)).toEqual([1]);
    // B came after the good copy: its history is orphaned, not lent to anyone, and B starts afresh.
    expect(await store.nameOf('h1', B)).toBeUndefined();
    expect((await store.query('h1', B, t0 - 1000, now, 100)).t).toEqual([]);
    await store.close();
  });
});
