import { describe, expect, it } from 'vitest';
import type { TaskSummary } from '../../../shared/model/task';
import { childTasks, formatDuration, fraction, progressText, rateText, rootTasks, secondaryText } from './format';

const task = (id: string, extra: Partial<TaskSummary> = {}): TaskSummary => ({
  id,
  kind: 'k',
  title: id,
  childIds: [],
  state: 'succeeded',
  phase: 'Done',
  cancellable: true,
  cancelRequested: false,
  createdAt: 0,
  cleanup: [],
  ...extra,
});

describe('task progress text', () => {
  it('says amounts, rate and time left the way people read them', () => {
    const p = { unit: 'bytes' as const, done: 120 * 2 ** 20, total: 300 * 2 ** 20, rate: 45.2 * 2 ** 20, etaSeconds: 4.2 };
    expect(progressText(p)).toBe('120 MiB of 300 MiB');
    expect(rateText(p, 'running')).toBe('45.2 MiB/s · about 4 s left');
    expect(rateText(p, 'succeeded')).toBe('');
    expect(fraction(p)).toBeCloseTo(0.4);
    expect(fraction({ unit: 'bytes', done: 5 })).toBeUndefined();
    expect(progressText({ unit: 'steps', done: 3, total: 7 })).toBe('3 of 7');
    expect(progressText({ unit: 'percent', done: 40.4 })).toBe('40%');
  });

  it('puts bytes on the wire beside bytes of the image', () => {
    expect(secondaryText({ unit: 'bytes', done: 300 * 2 ** 20, secondary: { label: 'sent as data', done: 30 * 2 ** 20 } })).toBe('sent as data: 30 MiB (10% of what is done)');
    expect(secondaryText({ unit: 'bytes', done: 1 })).toBeUndefined();
  });

  it('formats durations', () => {
    expect(formatDuration(0.2)).toBe('< 1 s');
    expect(formatDuration(59.6)).toBe('1 min');
    expect(formatDuration(125)).toBe('2 min 5 s');
    expect(formatDuration(3840)).toBe('1 h 4 min');
    expect(formatDuration(Number.NaN)).toBe('—');
  });
});

describe('task nesting', () => {
  it('lists running roots first, newest first, with children under their parent', () => {
    const list = [task('old', { createdAt: 1 }), task('run', { state: 'running', createdAt: 2 }), task('new', { createdAt: 3 }), task('c2', { parentId: 'run', createdAt: 5 }), task('c1', { parentId: 'run', createdAt: 4 }), task('orphan', { parentId: 'gone', createdAt: 6 })];
    expect(rootTasks(list).map((t) => t.id)).toEqual(['run', 'orphan', 'new', 'old']);
    expect(childTasks(list, 'run').map((t) => t.id)).toEqual(['c1', 'c2']);
  });
});
