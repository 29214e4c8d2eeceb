import { describe, expect, it } from 'vitest';
import { WriteFlow } from './flow';

describe('WriteFlow', () => {
  it('pauses above the high watermark and resumes below the low one, once each', () => {
    const queue: Array<() => void> = [];
    const signals: string[] = [];
    const flow = new WriteFlow((_d, done) => queue.push(done), (t) => signals.push(t), 100, 20);
    for (let i = 0; i < 6; i++) flow.push(new Uint8Array(30));
    expect(signals).toEqual(['pause']);
    expect(flow.buffered).toBe(180);
    while (queue.length > 1) queue.shift()!();
    expect(signals).toEqual(['pause']); // 30 bytes left: not below 20 yet
    queue.shift()!();
    expect(signals).toEqual(['pause', 'resume']);
    expect(flow.buffered).toBe(0);
    expect(flow.isPaused).toBe(false);
  });
});
