// Sizes as the rest of the task UI and the e2e checks read them ("30 MiB"); digits are the same in both languages.
import { formatBytes } from '../../../shared/libvirt/units';
import { formatDuration as durationWords, formatNumber } from '../../i18n/format';
import { i18n } from '../../i18n';
import type { TaskProgress, TaskState, TaskSummary } from '../../../shared/model/task';

// Pure text for task rows: amounts, rate, time left, durations.

const amount = (unit: TaskProgress['unit'], n: number): string =>
  unit === 'bytes' ? formatBytes(n) : unit === 'percent' ? `${formatNumber(Math.round(n))}%` : formatNumber(n);

/** "1 h 4 min", "2 min 5 s", "4 s", "< 1 s" (in the UI's language). */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 1) return i18n.t('tasks:fmt.underSec');
  return durationWords(seconds);
}

/** Fraction done in [0, 1], or undefined when the size of the work is unknown. */
export function fraction(p: TaskProgress | undefined): number | undefined {
  if (!p) return undefined;
  if (p.unit === 'percent') return Math.min(1, p.done / 100);
  if (!p.total) return undefined;
  return Math.min(1, p.done / p.total);
}

/** "120 MiB of 300 MiB", "3 of 7", "40%". */
export function progressText(p: TaskProgress): string {
  if (p.unit === 'percent') return `${Math.round(p.done)}%`;
  return p.total !== undefined ? i18n.t('tasks:fmt.of', { done: amount(p.unit, p.done), total: amount(p.unit, p.total) }) : amount(p.unit, p.done);
}

/** "45.2 MiB/s · about 4 s left" (empty when nothing is known yet). */
export function rateText(p: TaskProgress, state: TaskState): string {
  const parts: string[] = [];
  if (p.rate !== undefined && state === 'running') parts.push(p.unit === 'bytes' ? `${formatBytes(p.rate)}/s` : `${formatNumber(p.rate, 1)}/s`);
  if (p.etaSeconds !== undefined && state === 'running') parts.push(i18n.t('tasks:fmt.left', { d: formatDuration(p.etaSeconds) }));
  return parts.join(' · ');
}

/** "sent as data: 40 MiB (13% of the size)" for sparse transfers. */
export function secondaryText(p: TaskProgress): string | undefined {
  if (!p.secondary) return undefined;
  const of = p.unit === 'bytes' && p.done > 0 ? ' ' + i18n.t('tasks:fmt.ofDone', { pct: formatNumber(Math.round((100 * p.secondary.done) / p.done)) }) : '';
  const label = i18n.exists(`tasks:secondary.${p.secondary.label}`) ? i18n.t(`tasks:secondary.${p.secondary.label}` as 'tasks:secondary.sent') : p.secondary.label;
  return `${label}: ${amount(p.unit, p.secondary.done)}${of}`;
}

/** How long it ran (ended) or has been running (now). */
export const elapsed = (t: Pick<TaskSummary, 'createdAt' | 'endedAt'>, now: number) => formatDuration(((t.endedAt ?? now) - t.createdAt) / 1000);

/** A task state in the UI's language. */
export const stateLabel = (s: TaskState): string => i18n.t(`tasks:state.${s}`);

/** Top-level tasks: running first, then the rest, newest first in each. Children show under their parent. */
export function rootTasks(tasks: readonly TaskSummary[]): TaskSummary[] {
  const ids = new Set(tasks.map((t) => t.id));
  const order = (t: TaskSummary) => (t.state === 'running' ? 0 : 1);
  return tasks.filter((t) => !t.parentId || !ids.has(t.parentId)).sort((a, b) => order(a) - order(b) || b.createdAt - a.createdAt);
}

/** A task's children in the order they started. */
export const childTasks = (tasks: readonly TaskSummary[], id: string): TaskSummary[] =>
  tasks.filter((c) => c.parentId === id).sort((a, b) => a.createdAt - b.createdAt);
