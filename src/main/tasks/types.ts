import type { CoreMsg } from '../../shared/i18n/core-text';
import type { TaskId, TaskLogEntry, TaskProgress, TaskTarget } from '../../shared/model/task';

// What a service sees of the Task engine (manager.ts): the spec it starts work
// with and the context its work runs in.

export interface TaskSpec {
  kind: string;
  /** A message (say(...)) the UI translates, or plain text (names only, or not yet in the catalogue). */
  title: string | CoreMsg;
  hostId?: string;
  target?: TaskTarget;
  /** Default true. A task that cannot stop safely midway (e.g. a migration past switchover) says false. */
  cancellable?: boolean;
  /** The call (and input) the UI may send again to retry after a failure. */
  retry?: { call: string; input: unknown };
  user?: string;
}

export interface ProgressUpdate {
  unit?: TaskProgress['unit'];
  done: number;
  total?: number;
  secondary?: TaskProgress['secondary'];
}

export interface TaskContext {
  readonly id: TaskId;
  /** Aborted on cancel (reason: AppFailure CANCELLED); pass it to every RPC call, stream and exec. */
  readonly signal: AbortSignal;
  phase(text: string | CoreMsg): void;
  progress(p: ProgressUpdate): void;
  log(message: string, level?: TaskLogEntry['level']): void;
  /**
   * Registers how to undo something this task just made (newest runs first).
   * `label` says what the undo does, e.g. "delete volume 'x.qcow2' in pool 'default'".
   * The returned function forgets the step (ownership passed on, e.g. the VM now uses the volume).
   */
  undo(label: string, fn: () => Promise<void>): () => void;
  /** Runs a child task; it is cancelled with the parent, and on success its undo steps pass to the parent. */
  child<R>(spec: TaskSpec, run: (ctx: TaskContext) => Promise<R>): Promise<R>;
  /** Throws the cancel reason if cancel was asked. */
  throwIfCancelled(): void;
}
