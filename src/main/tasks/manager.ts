import { randomBytes } from 'node:crypto';
import { say, textOf } from '../../shared/i18n/core-text';
import { AppFailure } from '../../shared/ipc/result';
import {
  TERMINAL_TASK_STATES,
  type Task,
  type TaskId,
  type TaskLogEntry,
  type TaskRef,
  type TaskState,
  type TaskSummary,
} from '../../shared/model/task';
import { currentCaller } from '../auth/gate';
import type { EventBus } from '../ipc/bus';
import type { Logger } from '../util/log';
import { RateEstimator } from './rate';
import { cancelError, isCancel, setPhase, smallJson, summary, toTaskError } from './record';
import { TaskStore } from './store';
import type { TaskContext, TaskSpec } from './types';

// The one engine for long work (DESIGN.md: "Long work is one Task engine, its
// cancel an AbortSignal that reaches the RPC stream; a failed or cancelled task
// undoes what it made and says so"). A service starts work with `start()`,
// gets a TaskContext, and registers an undo step for everything it creates;
// the manager runs those steps, newest first, when the work fails or is
// cancelled, and records each outcome in the task's `cleanup` lines.

export type { ProgressUpdate, TaskContext, TaskSpec } from './types';

interface UndoStep {
  label: string;
  fn: () => Promise<void>;
}

interface Live {
  task: Task;
  controller: AbortController;
  undo: UndoStep[];
  rate: RateEstimator;
  done: Promise<void>;
  emitTimer: NodeJS.Timeout | null;
  lastEmit: number;
}

export interface TaskManagerOptions {
  configDir: string;
  bus: EventBus;
  log: Logger;
  /** Minimum time between progress events of one task (default 250 ms: "a few per second"). */
  progressIntervalMs?: number;
  /** Finished tasks kept as history (default 300). */
  historyLimit?: number;
  /** Log lines kept per task (default 400: the first 50 and the newest). */
  logLimit?: number;
}

const newTaskId = (): TaskId => `t-${Date.now().toString(36)}-${randomBytes(5).toString('hex')}`;

export const isTerminal = (s: TaskState): boolean => TERMINAL_TASK_STATES.includes(s);

export class TaskManager {
  private readonly tasks = new Map<TaskId, Task>();
  private readonly live = new Map<TaskId, Live>();
  private readonly store: TaskStore;
  private readonly progressIntervalMs: number;
  private readonly historyLimit: number;
  private readonly logLimit: number;
  private disposed = false;

  constructor(private readonly opts: TaskManagerOptions) {
    this.store = new TaskStore(opts.configDir, opts.log);
    this.progressIntervalMs = opts.progressIntervalMs ?? 250;
    this.historyLimit = opts.historyLimit ?? 300;
    this.logLimit = opts.logLimit ?? 400;
  }

  /** Loads history; tasks that were running when the core stopped become "interrupted". */
  async load(): Promise<void> {
    for (const t of await this.store.load()) this.tasks.set(t.id, t);
  }

  /** Starts `run` as a task and answers at once with its id. */
  start<R>(spec: TaskSpec, run: (ctx: TaskContext) => Promise<R>): TaskRef {
    const live = this.create(spec, undefined);
    live.done = this.execute(live, run).then(
      () => undefined,
      () => undefined, // the task records its own failure
    );
    return { taskId: live.task.id };
  }

  /** Like start(), for callers that also want to await the result (tests, composite work). */
  run<R>(spec: TaskSpec, run: (ctx: TaskContext) => Promise<R>): { taskId: TaskId; result: Promise<R> } {
    const live = this.create(spec, undefined);
    const result = this.execute(live, run);
    live.done = result.then(
      () => undefined,
      () => undefined,
    );
    return { taskId: live.task.id, result };
  }

  list(filter: { hostId?: string; states?: TaskState[]; limit?: number } = {}): TaskSummary[] {
    const out: TaskSummary[] = [];
    for (const t of [...this.tasks.values()].sort((a, b) => b.createdAt - a.createdAt)) {
      if (filter.hostId && t.hostId !== filter.hostId) continue;
      if (filter.states && !filter.states.includes(t.state)) continue;
      out.push(summary(t));
      if (out.length >= (filter.limit ?? 200)) break;
    }
    return out;
  }

  get(id: TaskId): Task {
    const t = this.tasks.get(id);
    if (!t) throw new AppFailure('NOT_FOUND', `No task ${id} (it may have been cleared)`);
    return { ...t, log: [...t.log] };
  }

  /** Resolves when the task has ended (undo included). */
  async settled(id: TaskId): Promise<Task> {
    await this.live.get(id)?.done;
    return this.get(id);
  }

  cancel(id: TaskId): { state: TaskState; cancelRequested: boolean } {
    const t = this.get(id);
    const live = this.live.get(id);
    if (!live || isTerminal(t.state)) return { state: t.state, cancelRequested: t.cancelRequested };
    if (!live.task.cancellable) {
      throw new AppFailure('CONFLICT', `“${t.title}” cannot be cancelled now: ${live.task.phase}`);
    }
    if (!live.task.cancelRequested) {
      live.task.cancelRequested = true;
      this.addLog(live.task, 'Cancel requested', 'warn');
      live.controller.abort(new AppFailure('CANCELLED', 'Cancelled by the user'));
      this.changed(live, true);
    }
    return { state: live.task.state, cancelRequested: true };
  }

  clear(ids?: TaskId[]): number {
    const removed: TaskId[] = [];
    for (const t of [...this.tasks.values()]) {
      if (ids && !ids.includes(t.id)) continue;
      if (!isTerminal(t.state)) continue;
      this.tasks.delete(t.id);
      removed.push(t.id);
    }
    if (removed.length) {
      this.opts.bus.emit('task.removed', { taskIds: removed });
      this.persist();
    }
    return removed.length;
  }

  get runningCount(): number {
    return this.live.size;
  }

  /** Cancels running work, waits a little for its undo, and saves what is left as interrupted. */
  async dispose(graceMs = 5000): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const running = [...this.live.values()];
    for (const l of running) {
      if (!l.controller.signal.aborted) l.controller.abort(new AppFailure('CANCELLED', 'VirtDeck is shutting down'));
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(running.map((l) => l.done)),
      new Promise<void>((r) => {
        timer = setTimeout(r, graceMs);
      }),
    ]);
    clearTimeout(timer);
    this.persist();
    await this.store.flush();
  }

  private create(spec: TaskSpec, parent: Live | undefined): Live {
    if (this.disposed) throw new AppFailure('CONFLICT', 'VirtDeck is shutting down: no new tasks');
    const now = Date.now();
    const user = spec.user ?? parent?.task.user ?? currentCaller.getStore()?.user;
    const task: Task = {
      id: newTaskId(),
      kind: spec.kind,
      title: textOf(spec.title),
      ...(typeof spec.title === 'string' ? {} : { titleMsg: spec.title }),
      ...(spec.hostId ? { hostId: spec.hostId } : {}),
      ...(spec.target ? { target: spec.target } : {}),
      ...(parent ? { parentId: parent.task.id } : {}),
      childIds: [],
      state: 'running',
      phase: 'Starting',
      phaseMsg: say('phase.starting'),
      cancellable: spec.cancellable ?? true,
      cancelRequested: false,
      createdAt: now,
      cleanup: [],
      ...(spec.retry ? { retry: spec.retry } : {}),
      // Who started it: the service says, or it is whoever made the call that started it.
      ...(user ? { user } : {}),
      log: [],
    };
    const controller = new AbortController();
    if (parent) {
      // A cancelled parent cancels its children with the same reason.
      const onAbort = () => controller.abort(parent.controller.signal.reason);
      if (parent.controller.signal.aborted) onAbort();
      else parent.controller.signal.addEventListener('abort', onAbort, { once: true });
      parent.task.childIds.push(task.id);
      this.changed(parent, true);
    }
    const live: Live = { task, controller, undo: [], rate: new RateEstimator(), done: Promise.resolve(), emitTimer: null, lastEmit: 0 };
    this.tasks.set(task.id, task);
    this.live.set(task.id, live);
    this.addLog(task, `Started: ${task.title}`);
    this.changed(live, true);
    this.trimHistory();
    return live;
  }

  private async execute<R>(live: Live, run: (ctx: TaskContext) => Promise<R>, parent?: Live): Promise<R> {
    const ctx = this.context(live);
    try {
      const value = await run(ctx);
      // Work that finished while cancel was asked still counts as done: it is all there.
      live.task.state = 'succeeded';
      setPhase(live.task, say('phase.done'));
      if (value !== undefined) live.task.result = smallJson(value);
      if (parent) parent.undo.push(...live.undo);
      live.undo = [];
      this.addLog(live.task, 'Succeeded');
      return value;
    } catch (e) {
      const cancelled = live.controller.signal.aborted && (isCancel(e) || isCancel(live.controller.signal.reason));
      const error = cancelled ? cancelError(live.controller.signal.reason) : toTaskError(e);
      live.task.state = cancelled ? 'cancelled' : 'failed';
      live.task.error = error;
      this.addLog(live.task, cancelled ? `Cancelled: ${error.message}` : `Failed: ${error.message}`, cancelled ? 'warn' : 'error');
      await this.rollback(live);
      setPhase(live.task, say(cancelled ? 'phase.cancelled' : 'phase.failed'));
      throw e;
    } finally {
      live.task.endedAt = Date.now();
      if (live.task.progress) delete live.task.progress.etaSeconds;
      this.live.delete(live.task.id);
      this.changed(live, true);
    }
  }

  private async rollback(live: Live): Promise<void> {
    if (live.undo.length === 0) return;
    setPhase(live.task, say('phase.undoing'));
    this.changed(live, true);
    for (const step of live.undo.reverse()) {
      try {
        await step.fn();
        live.task.cleanup.push(`Undone: ${step.label}`);
        this.addLog(live.task, `Undone: ${step.label}`);
      } catch (e) {
        const why = e instanceof Error ? e.message : String(e);
        live.task.cleanup.push(`NOT undone: ${step.label} (${why}); it was left behind`);
        this.addLog(live.task, `Could not undo: ${step.label}: ${why}`, 'error');
      }
      this.changed(live, false);
    }
    live.undo = [];
  }

  private context(live: Live): TaskContext {
    const t = live.task;
    return {
      id: t.id,
      signal: live.controller.signal,
      phase: (p) => {
        const text = textOf(p);
        if (t.phase === text) return;
        setPhase(t, p);
        this.addLog(t, text);
        this.changed(live, true);
      },
      progress: (p) => {
        const unit = p.unit ?? t.progress?.unit ?? 'steps';
        const { rate, etaSeconds } = live.rate.update(p.done, p.total, Date.now());
        t.progress = {
          unit,
          done: p.done,
          ...(p.total !== undefined ? { total: p.total } : {}),
          ...(rate !== undefined ? { rate } : {}),
          ...(etaSeconds !== undefined ? { etaSeconds } : {}),
          ...(p.secondary ? { secondary: p.secondary } : {}),
        };
        this.changed(live, false);
      },
      log: (message, level = 'info') => {
        this.addLog(t, message, level);
        this.changed(live, false);
      },
      undo: (label, fn) => {
        const step = { label, fn };
        live.undo.push(step);
        this.schedulePersist();
        return () => {
          live.undo = live.undo.filter((s) => s !== step);
          this.schedulePersist();
        };
      },
      child: (spec, run) => {
        const child = this.create({ ...spec, hostId: spec.hostId ?? t.hostId }, live);
        const result = this.execute(child, run, live);
        child.done = result.then(
          () => undefined,
          () => undefined,
        );
        return result;
      },
      throwIfCancelled: () => {
        if (live.controller.signal.aborted) throw live.controller.signal.reason ?? new AppFailure('CANCELLED', 'Cancelled');
      },
    };
  }

  private addLog(t: Task, message: string, level: TaskLogEntry['level'] = 'info'): void {
    t.log.push({ t: Date.now(), level, message });
    // Keep the beginning (what was asked) and the newest lines.
    if (t.log.length > this.logLimit) t.log.splice(50, t.log.length - this.logLimit + 1, { t: Date.now(), level: 'info', message: '… earlier lines dropped …' });
  }

  /** Emits task.updated: state changes at once, progress at most every progressIntervalMs. */
  private changed(live: Live, urgent: boolean): void {
    const emit = () => {
      live.emitTimer = null;
      live.lastEmit = Date.now();
      this.opts.bus.emit('task.updated', summary(live.task));
      this.schedulePersist();
    };
    const wait = this.progressIntervalMs - (Date.now() - live.lastEmit);
    if (urgent || wait <= 0) {
      if (live.emitTimer) clearTimeout(live.emitTimer);
      emit();
    } else if (!live.emitTimer) {
      live.emitTimer = setTimeout(emit, wait);
    }
  }

  private persistTimer: NodeJS.Timeout | null = null;

  /** Progress is saved at most every 2 s; ends and starts are saved at once (see changed()). */
  private schedulePersist(): void {
    if (this.persistTimer) return;
    this.persistTimer = setTimeout(() => {
      this.persistTimer = null;
      this.persist();
    }, 2000);
    this.persistTimer.unref();
  }

  private persist(): void {
    if (this.persistTimer) clearTimeout(this.persistTimer);
    this.persistTimer = null;
    this.store.save([...this.tasks.values()], (id) => this.live.get(id)?.undo.map((s) => s.label) ?? []);
  }

  private trimHistory(): void {
    const finished = [...this.tasks.values()].filter((t) => isTerminal(t.state)).sort((a, b) => a.createdAt - b.createdAt);
    const excess = finished.length - this.historyLimit;
    for (const t of finished.slice(0, Math.max(0, excess))) this.tasks.delete(t.id);
  }
}
