import { textOf, type CoreMsg } from '../../shared/i18n/core-text';
import type { AppError } from '../../shared/ipc/result';
import { AppFailure } from '../../shared/ipc/result';
import type { Task, TaskSummary } from '../../shared/model/task';

// Pure helpers of the task manager: what a task record becomes on the bus,
// how an exception becomes its error, and how a phase is stored.

export function summary(t: Task): TaskSummary {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { log, ...rest } = t;
  return { ...rest, childIds: [...rest.childIds], cleanup: [...rest.cleanup], ...(rest.progress ? { progress: { ...rest.progress } } : {}) };
}

export const isCancel = (e: unknown): boolean =>
  (e instanceof AppFailure && e.error.code === 'CANCELLED') || (e instanceof Error && (e.name === 'AbortError' || e.name === 'RpcAbortError'));

export function cancelError(reason: unknown): AppError {
  if (reason instanceof AppFailure) return reason.error;
  return { code: 'CANCELLED', message: 'Cancelled' };
}

export function toTaskError(e: unknown): AppError {
  if (e instanceof AppFailure) return e.error;
  return { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) };
}

/** Results are for the UI (an id, a name): anything big or cyclic is dropped rather than stored. */
export function smallJson(v: unknown): unknown {
  try {
    const s = JSON.stringify(v);
    return s !== undefined && s.length <= 64 * 1024 ? (JSON.parse(s) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

/** The phase as English text, and as a message when it is one (plain text drops an older message). */
export function setPhase(t: Task, p: string | CoreMsg): void {
  t.phase = textOf(p);
  if (typeof p === 'string') delete t.phaseMsg;
  else t.phaseMsg = p;
}
