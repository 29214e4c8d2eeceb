import { entryOf, type Frame } from './frame';

// Downsampling: the average of what was measured in each bucket. Missing
// values (NaN) are skipped, not counted as zero, so a VM sampled every 10 s
// averages its 6 samples per minute, and a stopped VM leaves a gap.

export class MinuteAccumulator {
  private sums = new Map<number, { sum: Float64Array; n: Uint16Array }>();
  constructor(public minute: number) {}

  add(id: number, vals: ArrayLike<number>): void {
    let a = this.sums.get(id);
    if (!a || a.sum.length !== vals.length) this.sums.set(id, (a = { sum: new Float64Array(vals.length), n: new Uint16Array(vals.length) }));
    for (let i = 0; i < vals.length; i++) {
      const v = vals[i]!;
      if (Number.isNaN(v)) continue;
      a.sum[i]! += v;
      a.n[i]!++;
    }
  }

  addFrame(f: Frame): void {
    for (let i = 0; i < f.ids.length; i++) this.add(f.ids[i]!, f.vals.subarray(f.starts[i]!, f.starts[i + 1]!));
  }

  get size(): number {
    return this.sums.size;
  }

  /** Entries sorted by series id, averaged; null where nothing was measured. */
  entries(): { id: number; values: (number | null)[] }[] {
    return [...this.sums.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([id, { sum, n }]) => ({ id, values: Array.from(sum, (s, i) => (n[i]! > 0 ? s / n[i]! : null)) }));
  }
}

export interface Series {
  t: number[];
  columns: (number | null)[][];
}

/**
 * Averages points of one series into buckets of `stepMs` aligned to the epoch.
 * `points` yields (t, values) in time order.
 */
export function bucketize(points: Iterable<{ t: number; v: ArrayLike<number> }>, width: number, from: number, to: number, stepMs: number): Series {
  const out: Series = { t: [], columns: Array.from({ length: width }, () => []) };
  let bucket = -1;
  let sum = new Float64Array(width);
  let n = new Uint32Array(width);
  const flush = () => {
    if (bucket < 0) return;
    out.t.push(bucket * stepMs);
    for (let i = 0; i < width; i++) out.columns[i]!.push(n[i]! > 0 ? sum[i]! / n[i]! : null);
    sum = new Float64Array(width);
    n = new Uint32Array(width);
  };
  for (const p of points) {
    if (p.t < from || p.t > to) continue;
    const b = Math.floor(p.t / stepMs);
    if (b !== bucket) {
      flush();
      bucket = b;
    }
    for (let i = 0; i < width && i < p.v.length; i++) {
      const v = p.v[i]!;
      if (Number.isNaN(v)) continue;
      sum[i]! += v;
      n[i]!++;
    }
  }
  flush();
  return out;
}

/** Points of one series across frames, for bucketize. */
export function* seriesPoints(frames: Iterable<Frame>, id: number): Generator<{ t: number; v: Float32Array }> {
  for (const f of frames) {
    const v = entryOf(f, id);
    if (v) yield { t: f.t, v };
  }
}

/** Float32 with the low mantissa bits cleared (~4 significant digits): deflate then packs charts' data 2-4x tighter. */
export function quantize(a: Float32Array): Float32Array {
  const u = new Uint32Array(a.buffer, a.byteOffset, a.length);
  for (let i = 0; i < u.length; i++) if (!Number.isNaN(a[i]!)) u[i] = (u[i]! + 0x400) & ~0x7ff;
  return a;
}
