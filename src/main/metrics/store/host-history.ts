import fs from 'node:fs/promises';
import path from 'node:path';
import { bucketize, MinuteAccumulator, seriesPoints, type Series } from './aggregate';
import { AppendFile, realFs, type StoreFs } from './append-file';
import { decodeAll, decodeFrame, encodeFrame, frameBytes, type Frame, type FrameEntry } from './frame';
import { dayFile, DAY_MS, encodeBlock, HOUR_MS, indexBuffer, readSeries, type BlockIndex, type MinuteRow } from './hour-blocks';

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
 *
 * Nothing here blocks the event loop on the disk: appends update memory at
 * once and queue their file work (one serial queue per host, in order);
 * queries of the last hour are served from memory, older ones read blocks
 * asynchronously. A failed write is reported and cut back (AppendFile), and
 * the next one carries on.
 */
export class HostHistory {
  private frames: Frame[] = [];
  private minutes: MinuteRow[] = [];
  /** Minute rows of finished hours while their block is being built and written (still queryable). */
  private rolling: MinuteRow[] = [];
  private blocks: BlockIndex[] = [];
  private acc: MinuteAccumulator | undefined;
  private seg: AppendFile | undefined;
  private segStart = -1;
  /** Frames waiting for their segment write; one write takes all that queued up meanwhile. */
  private segBatch: Buffer[] | undefined;
  private min: AppendFile | undefined;
  private days = new Map<string, AppendFile>();
  private queue: Promise<void> = Promise.resolve();
  private readonly secDir: string;
  private readonly hourDir: string;

  private constructor(
    readonly dir: string,
    private readonly now: () => number,
    private readonly io: StoreFs,
    private readonly onError: (e: unknown) => void,
  ) {
    this.secDir = path.join(dir, 'sec');
    this.hourDir = path.join(dir, 'hours');
  }

  static async open(dir: string, opts: { now?: () => number; io?: StoreFs; onError?: (e: unknown) => void } = {}): Promise<HostHistory> {
    const h = new HostHistory(dir, opts.now ?? Date.now, opts.io ?? realFs, opts.onError ?? (() => undefined));
    await h.load();
    return h;
  }

  private async load(): Promise<void> {
    await fs.mkdir(this.secDir, { recursive: true });
    await fs.mkdir(this.hourDir, { recursive: true });
    const now = this.now();
    for (const name of (await fs.readdir(this.secDir)).sort()) {
      const file = path.join(this.secDir, name);
      if (Number(name.split('.')[0]) * 1000 < now - SECOND_TIER_MS - SEGMENT_MS) {
        await fs.rm(file, { force: true });
        continue;
      }
      this.frames.push(...(await this.readIntact(file)).filter((f) => f.t >= now - SECOND_TIER_MS));
    }
    for (const name of (await fs.readdir(this.hourDir)).sort()) {
      const file = path.join(this.hourDir, name);
      if (Number(name.split('.')[0]) * 1000 < now - MINUTE_TIER_MS - DAY_MS) await fs.rm(file, { force: true });
      else {
        const b = await fs.readFile(file);
        const { blocks, validBytes } = indexBuffer(b, file);
        if (validBytes < b.length) await fs.truncate(file, validBytes);
        this.blocks.push(...blocks);
      }
    }
    const minFile = path.join(this.dir, 'min.vdf');
    for (const f of await this.readIntact(minFile)) {
      this.minutes.push({ t: f.t, entries: Array.from(f.ids, (id, i) => ({ id, values: Array.from(f.vals.subarray(f.starts[i]!, f.starts[i + 1]!), (v) => (Number.isNaN(v) ? null : v)) })) });
    }
    this.min = await AppendFile.open(minFile, this.io);
    // The minute in progress when we stopped resumes from its 1 s frames.
    const minute = Math.floor(now / 60_000);
    this.acc = new MinuteAccumulator(minute);
    for (const f of this.frames) if (Math.floor(f.t / 60_000) === minute) this.acc.addFrame(f);
    this.rollHour(now);
    await this.queue;
  }

  /** Frames from a file; a torn tail is cut off so appends continue cleanly. */
  private async readIntact(file: string): Promise<Frame[]> {
    const b = await fs.readFile(file).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return Buffer.alloc(0);
      throw e;
    });
    const { frames, validBytes } = decodeAll(b);
    if (validBytes < b.length) await fs.truncate(file, validBytes);
    return frames;
  }

  /** Queues file work behind what is already queued; a failure is reported and the queue goes on. */
  private enqueue(op: () => Promise<void>): void {
    this.queue = this.queue.then(op).catch((e: unknown) => this.onError(e));
  }

  /** One tick of this host: memory now, a single frame write queued. Entries must be sorted by id. */
  append(t: number, entries: FrameEntry[]): void {
    const buf = encodeFrame(t, entries);
    const seg = Math.floor(t / SEGMENT_MS) * SEGMENT_MS;
    if (seg !== this.segStart) {
      this.segStart = seg;
      this.segBatch = undefined;
      // The handle changes inside the queue only, in order with the writes.
      this.enqueue(async () => {
        const old = this.seg;
        this.seg = undefined;
        await old?.close();
        this.seg = await AppendFile.open(path.join(this.secDir, `${seg / 1000}.vdf`), this.io);
        await this.expire(t);
      });
    }
    if (this.segBatch) this.segBatch.push(buf);
    else {
      const batch = (this.segBatch = [buf]);
      this.enqueue(async () => {
        if (this.segBatch === batch) this.segBatch = undefined;
        if (!this.seg) throw new Error(`${this.dir}: no segment file open for ${batch.length} frame(s)`);
        await this.seg.append(batch.length === 1 ? batch[0]! : Buffer.concat(batch));
      });
    }
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
      const buf = encodeFrame(row.t, row.entries);
      this.enqueue(() => this.min!.append(buf));
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
    this.minutes = this.minutes.filter((m) => m.t >= current);
    this.rolling.push(...done);
    const hours = [...new Set(done.map((m) => Math.floor(m.t / HOUR_MS) * HOUR_MS))].sort((a, b) => a - b);
    for (const h of hours) {
      const rows = done.filter((m) => m.t >= h && m.t < h + HOUR_MS);
      const file = dayFile(this.hourDir, h);
      this.enqueue(async () => {
        const block = await encodeBlock(h, rows).catch((e: unknown) => {
          this.rolling = this.rolling.filter((r) => !rows.includes(r));
          throw e;
        });
        // Queryable at once, from memory, until the write lands and says where it sits in the file.
        const indexed: BlockIndex[] = indexBuffer(block, file).blocks.map((b) => ({ ...b, pending: block }));
        this.blocks.push(...indexed);
        this.rolling = this.rolling.filter((r) => !rows.includes(r));
        const f = await this.dayFile(file);
        const at = f.size;
        try {
          await f.append(block);
        } catch (e) {
          this.blocks = this.blocks.filter((b) => !indexed.includes(b));
          throw e;
        }
        for (const b of indexed) {
          b.start += at;
          for (const e of b.entries.values()) e.off += at;
          delete b.pending;
        }
      });
    }
    // The open hour's minute log keeps only what's left (at most 60 rows), once the blocks are safe.
    const rest = Buffer.concat(this.minutes.map((r) => encodeFrame(r.t, r.entries)));
    this.enqueue(() => this.min!.rewrite(rest));
  }

  private async dayFile(file: string): Promise<AppendFile> {
    let f = this.days.get(file);
    if (!f) {
      // The index says where the good blocks end (a torn tail from a crash is cut here).
      const good = this.blocks.filter((b) => b.file === file && !b.pending);
      const end = good.length ? Math.max(...good.map((b) => b.start + b.bytes)) : undefined;
      f = await AppendFile.open(file, this.io, end);
      this.days.set(file, f);
    }
    return f;
  }

  private async expire(now: number): Promise<void> {
    for (const name of await fs.readdir(this.secDir)) {
      if (Number(name.split('.')[0]) * 1000 + SEGMENT_MS < now - SECOND_TIER_MS) await fs.rm(path.join(this.secDir, name), { force: true });
    }
    const keepFrom = now - MINUTE_TIER_MS;
    const old = this.blocks.filter((b) => b.hourStart + HOUR_MS < keepFrom);
    if (!old.length) return;
    this.blocks = this.blocks.filter((b) => !old.includes(b));
    for (const file of new Set(old.map((b) => b.file))) {
      if (this.blocks.some((b) => b.file === file)) continue;
      await this.days.get(file)?.close();
      this.days.delete(file);
      await fs.rm(file, { force: true });
    }
  }

  /** Resolves when every queued write has been tried. */
  flush(): Promise<void> {
    return this.queue;
  }

  /**
   * Averages one series over [from, to] into at most maxPoints buckets. Windows
   * reaching back past the 1 s tier use minute rows (blocks + open hour).
   */
  async query(id: number, width: number, from: number, to: number, maxPoints: number): Promise<Series & { step: number }> {
    const span = Math.max(1, to - from);
    // Slack: a "last hour" window computed a moment earlier by the caller still counts as fine-grained.
    const fine = from >= this.now() - SECOND_TIER_MS - 60_000;
    const stepMs = Math.max(fine ? 1000 : 60_000, Math.ceil(span / maxPoints / 1000) * 1000);
    if (fine) return { ...bucketize(seriesPoints(this.frames, id), width, from, to, stepMs), step: stepMs / 1000 };
    return { ...bucketize(await this.minutePoints(id, from, to), width, from, to, stepMs), step: stepMs / 1000 };
  }

  private async minutePoints(id: number, from: number, to: number): Promise<{ t: number; v: ArrayLike<number> }[]> {
    const out: { t: number; v: ArrayLike<number> }[] = [];
    // One consistent view, taken before the first await: a roll that lands while we read
    // moves rows from `rolling` into a new block, and must not count them twice or not at all.
    const blocks = [...this.blocks];
    const rows = [...this.rolling, ...this.minutes];
    const fhs = new Map<string, fs.FileHandle>();
    try {
      for (const b of blocks) {
        if (b.hourStart + HOUR_MS < from || b.hourStart > to || !b.entries.has(id)) continue;
        let fh = fhs.get(b.file);
        if (!fh && !b.pending) fhs.set(b.file, (fh = await fs.open(b.file, 'r')));
        const s = await readSeries(b, id, fh);
        if (!s) continue;
        for (let m = 0; m < 60; m++) out.push({ t: b.hourStart + m * 60_000, v: s.values.subarray(m * s.width, (m + 1) * s.width) });
      }
    } finally {
      for (const fh of fhs.values()) await fh.close();
    }
    for (const r of rows) {
      const e = r.entries.find((x) => x.id === id);
      if (e) out.push({ t: r.t, v: e.values.map((v) => v ?? NaN) });
    }
    return out;
  }

  /** Every series id present in this host's data (a damaged registry must not hand these out again). */
  idsInData(): Set<number> {
    const ids = new Set<number>();
    for (const f of this.frames) for (const id of f.ids) ids.add(id);
    for (const m of [...this.rolling, ...this.minutes]) for (const e of m.entries) ids.add(e.id);
    for (const b of this.blocks) for (const id of b.entries.keys()) ids.add(id);
    return ids;
  }

  /** Newest 1 s frames (for the top list after a restart). */
  get lastFrame(): Frame | undefined {
    return this.frames[this.frames.length - 1];
  }

  async footprint(): Promise<{ memoryBytes: number; diskBytes: number }> {
    let memoryBytes = 0;
    for (const f of this.frames) memoryBytes += frameBytes(f);
    for (const m of [...this.rolling, ...this.minutes]) memoryBytes += 32 + m.entries.reduce((a, e) => a + 24 + 8 * e.values.length, 0);
    for (const b of this.blocks) memoryBytes += 64 + b.entries.size * 48;
    return { memoryBytes, diskBytes: await dirSize(this.dir) };
  }

  async close(): Promise<void> {
    await this.queue;
    await this.seg?.close();
    await this.min?.close();
    for (const f of this.days.values()) await f.close();
    this.seg = this.min = undefined;
    this.days.clear();
  }
}

export async function dirSize(dir: string): Promise<number> {
  let n = 0;
  for (const e of await fs.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    n += e.isDirectory() ? await dirSize(p) : (await fs.stat(p)).size;
  }
  return n;
}
