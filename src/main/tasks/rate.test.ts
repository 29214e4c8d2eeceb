import { describe, expect, it } from 'vitest';
import { RateEstimator } from './rate';

describe('RateEstimator', () => {
  it('has no rate until two samples are far enough apart', () => {
    const r = new RateEstimator(0.8, 500);
    expect(r.update(0, 100, 0)).toEqual({});
    expect(r.update(10, 100, 100)).toEqual({});
    expect(r.update(50, 100, 500)).toEqual({ rate: 100, etaSeconds: 0.5 });
  });

  it('smooths a jumpy rate instead of following each chunk', () => {
    const r = new RateEstimator(0.8, 500);
    r.update(0, 10_000, 0);
    r.update(1000, 10_000, 1000); // 1000/s
    const s = r.update(10_000, 10_000, 2000); // burst: 9000/s instantaneous
    expect(s.rate).toBeCloseTo(0.8 * 1000 + 0.2 * 9000);
    expect(s.etaSeconds).toBe(0);
  });

  it('starts over when progress goes backwards (a retried phase)', () => {
    const r = new RateEstimator(0.8, 500);
    r.update(0, 100, 0);
    r.update(80, 100, 1000);
    expect(r.update(5, 100, 1500)).toEqual({});
    expect(r.update(25, 100, 2500).rate).toBe(20);
  });
});
