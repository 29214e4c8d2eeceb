import { describe, expect, it } from 'vitest';
import type { TaskSummary } from '../../../shared/model/task';
import { applyTaskUpdate, removeTasks } from './reducers';

const task = (id: string, createdAt: number, extra: Partial<TaskSummary> = {}): TaskSummary => ({
  id: `t-${id}-aaaaaa`,
  kind: 'k',
  title: id,
  childIds: [],
  state: 'running',
  phase: 'x',
  cancellable: true,
  cancelRequested: false,
  createdAt,
  cleanup: [],
  ...extra,
});

describe('task list reducers', () => {
  it('replaces a known task in place and inserts a new one by creation time', () => {
    const list = [task('b', 2), task('a', 1)];
    expect(applyTaskUpdate(list, task('a', 1, { state: 'succeeded' }))?.map((t) => [t.title, t.state])).toEqual([
      ['b', 'running'],
      ['a', 'succeeded'],
    ]);
    expect(applyTaskUpdate(list, task('c', 3))?.map((t) => t.title)).toEqual(['c', 'b', 'a']);
  });

  it('leaves an unloaded list alone and removes cleared tasks', () => {
    expect(applyTaskUpdate(undefined, task('a', 1))).toBeUndefined();
    expect(removeTasks([task('a', 1), task('b', 2)], ['t-a-aaaaaa'])?.map((t) => t.title)).toEqual(['b']);
  });
});
