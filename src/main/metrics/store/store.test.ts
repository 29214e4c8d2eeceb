import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { VM_METRICS } from '../../../shared/model/metrics';
import { bucketize, quantize } from './aggregate';
import { decodeAll, encodeFrame, entryOf } from './frame';
import { HistoryStore } from './history-store';

const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'vd-store-'));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const UUID = '11111111-2222-3333-4444-555555555555';
const W = VM_METRICS.length;
const row = (cpu: number) => [cpu, ...Array.from({ length: W - 1 }, (_, i) => (i === 3 ? null : i))];

describe('frames', () => {
  it('round-trips, with null as NaN, and stops at a torn tail', () => {
    const a = encodeFrame(1000, [{ id: 1, values: [1.5, null] }, { id: 4, values: [7] }]);
    const b = encodeFrame(2000, [{ id: 2, values: [3] }]);
    const { frames, validBytes } = decodeAll(Buffer.concat([a, b, b.subarray(0, 9)]));
    expect(frames).toHaveLength(2);
    expect(validBytes).toBe(a.length + b.length);
    expect(Array.from(entryOf(frames[0]!, 1)!)).toEqual([1.5, NaN]);
    expect(entryOf(frames[0]!, 2)).toBeUndefined();
    expect(Array.from(entryOf(frames[0]!, 4)!)).toEqual([7]);
    // A flipped bit fails the CRC.
    const bad = Buffer.from(a);
    bad[20]! ^= 1;
    expect(decodeAll(bad).frames).toHaveLength(0);
  });

  it('bucketize averages what was measured and skips gaps', () => {
    const pts = [
      { t: 0, v: [1, NaN] },
      { t: 500, v: [3, 4] },
      { t: 1500, v: [5, NaN] },
    ];
    expect(bucketize(pts, 2, 0, 2000, 1000)).toEqual({ t: [0, 1000], columns: [[2, 5], [4, null]] });
  });

  it('quantize keeps ~4 significant digits', () => {
    const q = quantize(new Float32Array([123456.789, 0.00123456, 0, -42.4242]));
    expect(q[0]).toBeCloseTo(123456.789, -2);
    expect(Math.abs(q[1]! - 0.00123456) / 0.00123456).toBeLessThan(1e-3);
    expect(q[2]).toBe(0);
  });
});

describe('history store', () => {
  it('1 s tier: query downsamples to maxPoints; one frame write per tick per host', async () => {
    let now = Date.UTC(2026, 0, 1, 12, 0, 0);
    const store = new HistoryStore(tmp(), { now: () => now });
    const t0 = now;
    for (let s = 0; s < 600; s++) {
      now = t0 + s * 1000;
      store.append('h1', now, [
        { kind: 'host', key: 'host', name: 'h1', values: [s, 0, 0, 0, 0, 0, 0, 0] },
        { kind: 'vm', key: UUID, name: 'web', values: row(s % 100) },
      ]);
    }
    const h = await store.query('h1', UUID, t0, now, 60);
    expect(h.step).toBe(10);
    expect(h.t).toHaveLength(60);
    expect(h.columns[0]![0]).toBeCloseTo(4.5); // mean of 0..9
    expect(h.columns[4]).toSatisfy((c: (number | null)[]) => c.every((v) => v === null));
    // A "last hour" window asked a moment ago still gets 1 s points, not minutes.
    expect((await store.query('h1', UUID, now - 3_600_000 - 500, now, 1800)).step).toBeLessThan(60);
    await store.flush();
    const segs = fs.readdirSync(path.join(store.root, 'h1', 'sec'));
    expect(segs.length).toBe(1); // 10 minutes fit one segment file
    await store.close();
  });

  it('survives a restart: 1 s frames, minute rows and hour blocks come back', async () => {
    const dir = tmp();
    const t0 = Date.UTC(2026, 0, 1, 10, 0, 0);
    let now = t0;
    let store = new HistoryStore(dir, { now: () => now });
    // 2 h 5 min of background samples every 10 s.
    for (let s = 0; s <= 7500; s += 10) {
      now = t0 + s * 1000;
      store.append('h1', now, [{ kind: 'vm', key: UUID, name: 'web', values: row(50) }]);
    }
    const beforeFine = await store.query('h1', UUID, now - 300_000, now, 300);
    const beforeCoarse = await store.query('h1', UUID, t0, now, 200);
    await store.close();

    store = new HistoryStore(dir, { now: () => now });
    expect(await store.query('h1', UUID, now - 300_000, now, 300)).toEqual(beforeFine);
    const coarse = await store.query('h1', UUID, t0, now, 200);
    expect(coarse).toEqual(beforeCoarse);
    expect(coarse.step).toBe(60);
    // Two finished hours in blocks plus the open hour's minutes.
    expect(coarse.t.length).toBeGreaterThanOrEqual(124);
    expect(coarse.columns[0]!.every((v) => v === null || Math.abs(v - 50) < 0.05)).toBe(true);
    expect(await store.nameOf('h1', UUID)).toBe('web');
    await store.close();
  });

  it('a torn frame at the end of a segment is cut off and appends continue', async () => {
    const dir = tmp();
    const now = Date.UTC(2026, 0, 1, 10, 0, 0);
    const store = new HistoryStore(dir, { now: () => now });
    store.append('h1', now, [{ kind: 'vm', key: UUID, name: 'web', values: row(1) }]);
    await store.close();
    const seg = path.join(dir, 'h1', 'sec', fs.readdirSync(path.join(dir, 'h1', 'sec'))[0]!);
    fs.appendFileSync(seg, Buffer.from([1, 2, 3]));
    const again = new HistoryStore(dir, { now: () => now + 1000 });
    again.append('h1', now + 1000, [{ kind: 'vm', key: UUID, name: 'web', values: row(2) }]);
    expect((await again.query('h1', UUID, now - 1000, now + 2000, 100)).columns[0]).toEqual([1, 2]);
    await again.close();
  });

  it('expires the 1 s tier after an hour and keeps 7 days of minutes', async () => {
    const dir = tmp();
    const t0 = Date.UTC(2026, 0, 1, 0, 0, 0);
    let now = t0;
    const store = new HistoryStore(dir, { now: () => now });
    // Every 30 minutes: the tiers and expiry work the same, and the test stays quick on a busy machine.
    for (let m = 0; m < 9 * 24 * 60; m += 30) {
      now = t0 + m * 60_000;
      store.append('h1', now, [{ kind: 'vm', key: UUID, name: 'web', values: row(m % 60) }]);
    }
    await store.flush();
    const secFiles = fs.readdirSync(path.join(dir, 'h1', 'sec'));
    expect(secFiles.length).toBeLessThanOrEqual(8);
    const week = await store.query('h1', UUID, now - 7 * 86_400_000, now, 5000);
    expect(week.t[0]).toBeGreaterThanOrEqual(now - 7 * 86_400_000 - 3_600_000);
    expect((await store.query('h1', UUID, t0, t0 + 86_400_000, 100)).t).toHaveLength(0); // 9 days ago: gone
    expect(fs.readdirSync(path.join(dir, 'h1', 'hours')).length).toBeLessThanOrEqual(9);
    await store.close();
  });
});
