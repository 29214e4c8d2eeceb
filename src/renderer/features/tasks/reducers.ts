import type { TaskSummary } from '../../../shared/model/task';

/** Patches a task list (newest first) with one pushed summary. Pure, for the event bridge. */
export function applyTaskUpdate(old: TaskSummary[] | undefined, t: TaskSummary): TaskSummary[] | undefined {
  if (!old) return old;
  const i = old.findIndex((x) => x.id === t.id);
  if (i >= 0) {
    const next = old.slice();
    next[i] = t;
    return next;
  }
  return [t, ...old].sort((a, b) => b.createdAt - a.createdAt);
}

export function removeTasks(old: TaskSummary[] | undefined, ids: readonly string[]): TaskSummary[] | undefined {
  if (!old) return old;
  const gone = new Set(ids);
  return old.filter((t) => !gone.has(t.id));
}
