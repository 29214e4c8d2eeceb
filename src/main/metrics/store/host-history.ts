import fs from 'node:fs';
import path from 'node:path';
import { bucketize, MinuteAccumulator, seriesPoints, type Series } from './aggregate';
import { decodeAll, decodeFrame, encodeFrame, frameBytes, type Frame, type FrameEntry } from './frame';
import { dayFile, DAY_MS, encodeBlock, HOUR_MS, indexBuffer, indexFile, readSeries, type BlockIndex, type MinuteRow } from './hour-blocks';

/** The 1 s tier covers this much; its files rotate every SEGMENT_MS. */
export const SECOND_TIER_MS = HOUR_MS;
export const SEGMENT_MS = 600_000;
export const MINUTE_TIER_MS = 7 * DAY_MS;

/**
 * One host's history in its own directory:
 *   sec/<segment start s>.vdf  1 s frames, one append per tick (kept 1 h)
 *   min.vdf                    minute frames of the hour in progress
 *   hours/<day start s>.vdb    one columnar block per finished hour (kept 7 d)
 * The last hour of 1 s frames and the open hour's minutes live in memory too.
 */
export class HostHistory {
  private frames: Frame[] = [];
  private minutes: MinuteRow[] = [];
  private blocks: BlockIndex[] = [];
  private acc: MinuteAccumulator | undefined;
  private segFd: number | undefined;
  private segStart = -1;
  private minFd: number | undefined;
  private readonly secDir: string;
  private readonly hourDir: string;

  constructor(
    readonly dir: string,
    private readonly now: () => number = Date.now,
  ) {
    this.secDir = path.join(dir, 'sec');
    this.hourDir = path.join(dir, 'hours');
  }

  open(): void {
    fs.mkdirSync(this.secDir, { recursive: true });
    fs.mkdirSync(this.hourDir, { recursive: true });
    const now = this.now();
    for (const name of fs.readdirSync(this.secDir).sort()) {
      const file = path.join(this.secDir, name);
      if (Number(name.split('.')[0]) * 1000 < now - SECOND_TIER_MS - SEGMENT_MS) {
        fs.rmSync(file, { force: true });
        continue;
      }
      this.frames.push(...this.readIntact(file).filter((f) => f.t >= now - SECOND_TIER_MS));
    }
    for (const name of fs.readdirSync(this.hourDir).sort()) {
      const file = path.join(this.hourDir, name);
      if (Number(name.split('.')[0]) * 1000 < now - MINUTE_TIER_MS - DAY_MS) fs.rmSync(file, { force: true });
      else {
        const { blocks, validBytes } = indexFile(file);
        if (validBytes < fs.statSync(file).size) fs.truncateSync(file, validBytes);
        this.blocks.push(...blocks);
      }
    }
    const minFile = path.join(this.dir, 'min.vdf');
    if (fs.existsSync(minFile)) {
      for (const f of this.readIntact(minFile)) {
        this.minutes.push({ t: f.t, entries: Array.from(f.ids, (id, i) => ({ id, values: Array.from(f.vals.subarray(f.starts[i]!, f.starts[i + 1]!), (v) => (Number.isNaN(v) ? null : v)) })) });
      }
    }
    this.minFd = fs.openSync(minFile, 'a');
    // The minute in progress when we stopped resumes from its 1 s frames.
    const minute = Math.floor(now / 60_000);
    this.acc = new MinuteAccumulator(minute);
    for (const f of this.frames) if (Math.floor(f.t / 60_000) === minute) this.acc.addFrame(f);
    this.rollHour(now);
  }

  /** Frames from a file up to the first torn one; the torn tail is cut off so appends continue cleanly. */
  private readIntact(file: string): Frame[] {
    const b = fs.readFileSync(file);
    const { frames, validBytes } = decodeAll(b);
    if (validBytes < b.length) fs.truncateSync(file, validBytes);
    return frames;
  }

  /** One tick of this host: a single write of one frame. Entries must be sorted by id. */
  append(t: number, entries: FrameEntry[]): void {
    const buf = encodeFrame(t, entries);
    const seg = Math.floor(t / SEGMENT_MS) * SEGMENT_MS;
    if (seg !== this.segStart || this.segFd === undefined) {
      if (this.segFd !== undefined) fs.closeSync(this.segFd);
      this.segFd = fs.openSync(path.join(this.secDir, `${seg / 1000}.vdf`), 'a');
      this.segStart = seg;
      this.expire(t);
    }
    fs.writeSync(this.segFd, buf);
    const frame = decodeFrame(buf)!.frame;
    this.frames.push(frame);
    const minute = Math.floor(t / 60_000);
    if (this.acc && this.acc.minute !== minute) this.closeMinute(minute);
    (this.acc ??= new MinuteAccumulator(minute)).addFrame(frame);
    while (this.frames.length && this.frames[0]!.t < t - SECOND_TIER_MS) this.frames.shift();
  }

  private closeMinute(next: number): void {
    const acc = this.acc!;
    if (acc.size) {
      const row: MinuteRow = { t: acc.minute * 60_000, entries: acc.entries() };
      fs.writeSync(this.minFd!, encodeFrame(row.t, row.entries));
      this.minutes.push(row);
    }
    this.acc = new MinuteAccumulator(next);
    this.rollHour(next * 60_000);
  }

  /** Moves finished hours' minute rows into columnar blocks. */
  private rollHour(now: number): void {
    const current = Math.floor(now / HOUR_MS) * HOUR_MS;
    const done = this.minutes.filter((m) => m.t < current);
    if (!done.length) return;
    const hours = [...new Set(done.map((m) => Math.floor(m.t / HOUR_MS) * HOUR_MS))].sort((a, b) => a - b);
    for (const h of hours) {
      const block = encodeBlock(h, done.filter((m) => m.t >= h && m.t < h + HOUR_MS));
      const file = dayFile(this.hourDir, h);
      const at = fs.existsSync(file) ? fs.statSync(file).size : 0;
      fs.appendFileSync(file, block);
      this.blocks.push(...indexBuffer(block, file, at).blocks);
    }
    this.minutes = this.minutes.filter((m) => m.t >= current);
    // Rewrite the open hour's minute log with what's left (at most 60 rows).
    fs.closeSync(this.minFd!);
    const minFile = path.join(this.dir, 'min.vdf');
    fs.writeFileSync(minFile, Buffer.concat(this.minutes.map((r) => encodeFrame(r.t, r.entries))));
    this.minFd = fs.openSync(minFile, 'a');
  }

  private expire(now: number): void {
    for (const name of fs.readdirSync(this.secDir)) {
      if (Number(name.split('.')[0]) * 1000 + SEGMENT_MS < now - SECOND_TIER_MS) fs.rmSync(path.join(this.secDir, name), { force: true });
    }
    const keepFrom = now - MINUTE_TIER_MS;
    const old = this.blocks.filter((b) => b.hourStart + HOUR_MS < keepFrom);
    if (!old.length) return;
    this.blocks = this.blocks.filter((b) => !old.includes(b));
    for (const file of new Set(old.map((b) => b.file))) {
      if (!this.blocks.some((b) => b.file === file)) fs.rmSync(file, { force: true });
    }
  }

  /**
   * Averages one series over [from, to] into at most maxPoints buckets. Windows
   * reaching back past the 1 s tier use minute rows (blocks + open hour).
   */
  query(id: number, width: number, from: number, to: number, maxPoints: number): Series & { step: number } {
    const span = Math.max(1, to - from);
    // Slack: a "last hour" window computed a moment earlier by the caller still counts as fine-grained.
    const fine = from >= this.now() - SECOND_TIER_MS - 60_000;
    const stepMs = Math.max(fine ? 1000 : 60_000, Math.ceil(span / maxPoints / 1000) * 1000);
    if (fine) return { ...bucketize(seriesPoints(this.frames, id), width, from, to, stepMs), step: stepMs / 1000 };
    return { ...bucketize(this.minutePoints(id, from, to), width, from, to, stepMs), step: stepMs / 1000 };
  }

  private *minutePoints(id: number, from: number, to: number): Generator<{ t: number; v: ArrayLike<number> }> {
    const fds = new Map<string, number>();
    try {
      for (const b of this.blocks) {
        if (b.hourStart + HOUR_MS < from || b.hourStart > to) continue;
        let fd = fds.get(b.file);
        if (fd === undefined) fds.set(b.file, (fd = fs.openSync(b.file, 'r')));
        const s = readSeries(b, id, fd);
        if (!s) continue;
        for (let m = 0; m < 60; m++) yield { t: b.hourStart + m * 60_000, v: s.values.subarray(m * s.width, (m + 1) * s.width) };
      }
    } finally {
      for (const fd of fds.values()) fs.closeSync(fd);
    }
    for (const r of this.minutes) {
      const e = r.entries.find((x) => x.id === id);
      if (e) yield { t: r.t, v: e.values.map((v) => v ?? NaN) };
    }
  }

  /** Newest 1 s frames (for the top list after a restart). */
  get lastFrame(): Frame | undefined {
    return this.frames[this.frames.length - 1];
  }

  footprint(): { memoryBytes: number; diskBytes: number } {
    let memoryBytes = 0;
    for (const f of this.frames) memoryBytes += frameBytes(f);
    for (const m of this.minutes) memoryBytes += 32 + m.entries.reduce((a, e) => a + 24 + 8 * e.values.length, 0);
    for (const b of this.blocks) memoryBytes += 64 + b.entries.size * 48;
    return { memoryBytes, diskBytes: dirSize(this.dir) };
  }

  close(): void {
    if (this.segFd !== undefined) fs.closeSync(this.segFd);
    if (this.minFd !== undefined) fs.closeSync(this.minFd);
    this.segFd = this.minFd = undefined;
  }
}

export function dirSize(dir: string): number {
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    n += e.isDirectory() ? dirSize(p) : fs.statSync(p).size;
  }
  return n;
}
