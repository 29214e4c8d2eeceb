import { describe, expect, it } from 'vitest';
import { lastSlot, missedRun, nextSlot } from './schedule-time';

const at = (d: string) => new Date(d).getTime();

describe('daily schedule time math (local time)', () => {
  it('finds the next and the last slot', () => {
    expect(nextSlot('02:30', at('2026-12-01T01:00:00'))).toBe(at('2026-12-01T02:30:00'));
    expect(nextSlot('02:30', at('2026-12-01T02:30:00'))).toBe(at('2026-12-02T02:30:00'));
    expect(lastSlot('02:30', at('2026-12-01T01:00:00'))).toBe(at('2026-11-30T02:30:00'));
    expect(lastSlot('02:30', at('2026-12-01T02:30:00'))).toBe(at('2026-12-01T02:30:00'));
  });
  it('counts a run as missed only when a slot passed after the last run and after the schedule was set', () => {
    expect(missedRun('02:00', at('2026-12-01T09:00:00'), at('2026-11-30T02:00:05'))).toBe(true);
    expect(missedRun('02:00', at('2026-12-01T09:00:00'), at('2026-12-01T02:00:05'))).toBe(false);
    // Set at 10:00 for 03:00: today's 03:00 was not missed.
    expect(missedRun('03:00', at('2026-12-01T10:05:00'), at('2026-12-01T10:00:00'))).toBe(false);
  });
});
