// Rate and ETA for a progress bar. An exponentially weighted average over
// samples taken at least `minIntervalMs` apart: raw per-chunk rates of a
// network transfer jump by 10x between chunks, and an ETA that jumps with
// them is worse than none.

export interface RateSample {
  rate?: number;
  etaSeconds?: number;
}

export class RateEstimator {
  private lastT: number | null = null;
  private lastDone = 0;
  private ewma: number | null = null;

  constructor(
    /** Weight of history: 0.8 keeps about the last 5 samples in view. */
    private readonly smoothing = 0.8,
    private readonly minIntervalMs = 500,
  ) {}

  /** Feed the cumulative amount done at time `t` (ms); returns the smoothed rate and ETA. */
  update(done: number, total: number | undefined, t: number): RateSample {
    if (this.lastT === null || done < this.lastDone) {
      this.lastT = t;
      this.lastDone = done;
      this.ewma = null;
      return {};
    }
    const dt = t - this.lastT;
    if (dt >= this.minIntervalMs) {
      const inst = ((done - this.lastDone) * 1000) / dt;
      this.ewma = this.ewma === null ? inst : this.smoothing * this.ewma + (1 - this.smoothing) * inst;
      this.lastT = t;
      this.lastDone = done;
    }
    if (this.ewma === null) return {};
    const rate = Math.max(0, this.ewma);
    const out: RateSample = { rate };
    if (total !== undefined && rate > 0 && total >= done) out.etaSeconds = (total - done) / rate;
    return out;
  }
}
