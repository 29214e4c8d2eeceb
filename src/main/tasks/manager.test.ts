import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { say } from '../../shared/i18n/core-text';
import { AppFailure } from '../../shared/ipc/result';
import type { TaskSummary } from '../../shared/model/task';
import { EventBus } from '../ipc/bus';
import { silentLogger } from '../util/log';
import { TaskManager, type TaskContext } from './manager';

let dir: string;
let bus: EventBus;
let updates: TaskSummary[];

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'vd-tasks-'));
  bus = new EventBus();
  updates = [];
  bus.subscribe((m) => {
    if (m.name === 'task.updated') updates.push(m.payload as TaskSummary);
  });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const manager = (extra: Partial<ConstructorParameters<typeof TaskManager>[0]> = {}) =>
  new TaskManager({ configDir: dir, bus, log: silentLogger, progressIntervalMs: 50, ...extra });

/** A promise plus its resolver: lets a test hold a task at a known point. */
function gate<T = void>(): { promise: Promise<T>; open: (v: T) => void } {
  let open!: (v: T) => void;
  const promise = new Promise<T>((r) => (open = r));
  return { promise, open };
}

/** Resolves when the signal aborts (what real work does: an RPC call rejecting on abort). */
const untilAborted = (ctx: TaskContext) =>
  new Promise<never>((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true }));

describe('TaskManager', () => {
  it('keeps titles and phases given as messages: English text for logs, key and parameters for the UI', async () => {
    const tm = manager();
    const g = gate();
    const { taskId } = tm.start({ kind: 'test.work', title: say('title.vmClone', { vm: 'web', name: 'web-2' }) }, async (ctx) => {
      ctx.phase(say('phase.copyingDisk', { disk: 'vda' }));
      await g.promise;
      ctx.phase('Plain words');
    });
    await expect.poll(() => tm.get(taskId).phase).toBe('Copying vda');
    expect(tm.get(taskId)).toMatchObject({ title: 'Clone web as web-2', titleMsg: { key: 'title.vmClone', params: { vm: 'web', name: 'web-2' } }, phaseMsg: { key: 'phase.copyingDisk', params: { disk: 'vda' } } });
    g.open();
    await expect.poll(() => tm.get(taskId).state).toBe('succeeded');
    const t = tm.get(taskId);
    expect(t.log.map((l) => l.message)).toContain('Plain words');
    expect(t).toMatchObject({ phase: 'Done', phaseMsg: { key: 'phase.done' } });
  });

  it('answers with an id at once, then reports phase and progress and ends succeeded with a result', async () => {
    const tm = manager();
    const g = gate();
    const { taskId } = tm.start({ kind: 'test.work', title: 'Work', hostId: 'lab-1' }, async (ctx) => {
      ctx.phase('Copying');
      ctx.progress({ unit: 'bytes', done: 10, total: 100 });
      await g.promise;
      ctx.progress({ unit: 'bytes', done: 100, total: 100 });
      return { uuid: 'abc' };
    });
    expect(tm.get(taskId)).toMatchObject({ state: 'running', phase: 'Copying', progress: { unit: 'bytes', done: 10, total: 100 } });
    expect(tm.list({ states: ['running'] }).map((t) => t.id)).toEqual([taskId]);
    g.open();
    const t = await tm.settled(taskId);
    expect(t).toMatchObject({ state: 'succeeded', result: { uuid: 'abc' }, cleanup: [] });
    expect(t.endedAt).toBeGreaterThanOrEqual(t.createdAt);
    expect(t.log.map((l) => l.message)).toEqual(['Started: Work', 'Copying', 'Succeeded']);
    expect(updates.at(-1)).toMatchObject({ id: taskId, state: 'succeeded' });
    expect(tm.runningCount).toBe(0);
  });

  it('coalesces progress events to a few per second but always sends the final state', async () => {
    const tm = manager({ progressIntervalMs: 200 });
    const { taskId, result } = tm.run({ kind: 'test.burst', title: 'Burst' }, async (ctx) => {
      for (let i = 0; i <= 1000; i++) ctx.progress({ unit: 'steps', done: i, total: 1000 });
    });
    await result;
    const mine = updates.filter((u) => u.id === taskId);
    expect(mine.length).toBeLessThan(10);
    expect(mine.at(-1)).toMatchObject({ state: 'succeeded', progress: { done: 1000 } });
  });

  it('cancel aborts the signal, runs undo steps newest first, and says what it undid', async () => {
    const tm = manager();
    const undone: string[] = [];
    const started = gate();
    const { taskId } = tm.start({ kind: 'test.cancel', title: 'Cancellable' }, async (ctx) => {
      ctx.undo('delete volume a', async () => void undone.push('a'));
      const forget = ctx.undo('delete volume b', async () => void undone.push('b'));
      ctx.undo('undefine domain c', async () => void undone.push('c'));
      forget(); // b now belongs to something that stays
      started.open();
      await untilAborted(ctx);
    });
    await started.promise;
    expect(tm.cancel(taskId)).toEqual({ state: 'running', cancelRequested: true });
    const t = await tm.settled(taskId);
    expect(undone).toEqual(['c', 'a']);
    expect(t).toMatchObject({ state: 'cancelled', error: { code: 'CANCELLED' }, cleanup: ['Undone: undefine domain c', 'Undone: delete volume a'] });
  });

  it('a failure keeps the error code and message, and an undo that fails is reported as left behind', async () => {
    const tm = manager();
    const { taskId, result } = tm.run({ kind: 'test.fail', title: 'Fails' }, async (ctx) => {
      ctx.undo('delete volume x', async () => {
        throw new Error('volume is busy');
      });
      throw new AppFailure('LIBVIRT', 'pool default is full', { hostId: 'lab-1' });
    });
    await expect(result).rejects.toThrow('pool default is full');
    const t = tm.get(taskId);
    expect(t).toMatchObject({ state: 'failed', error: { code: 'LIBVIRT', message: 'pool default is full', hostId: 'lab-1' } });
    expect(t.cleanup).toEqual(['NOT undone: delete volume x (volume is busy); it was left behind']);
  });

  it('children are cancelled with the parent, and a succeeded child hands its undo steps to the parent', async () => {
    const tm = manager();
    const undone: string[] = [];
    const secondRunning = gate();
    const { taskId } = tm.start({ kind: 'test.parent', title: 'Parent', hostId: 'lab-1' }, async (ctx) => {
      await ctx.child({ kind: 'test.child', title: 'Disk 1' }, async (c) => {
        c.undo('delete volume disk1', async () => void undone.push('disk1'));
      });
      await ctx.child({ kind: 'test.child', title: 'Disk 2' }, async (c) => {
        c.undo('delete volume disk2', async () => void undone.push('disk2'));
        secondRunning.open();
        await untilAborted(c);
      });
    });
    await secondRunning.promise;
    const parent = tm.get(taskId);
    expect(parent.childIds).toHaveLength(2);
    const [c1, c2] = parent.childIds.map((id) => tm.get(id));
    expect(c1).toMatchObject({ state: 'succeeded', parentId: taskId, hostId: 'lab-1' });
    expect(c2).toMatchObject({ state: 'running' });
    tm.cancel(taskId);
    const t = await tm.settled(taskId);
    expect(tm.get(c2!.id)).toMatchObject({ state: 'cancelled', cleanup: ['Undone: delete volume disk2'] });
    expect(t).toMatchObject({ state: 'cancelled', cleanup: ['Undone: delete volume disk1'] });
    expect(undone).toEqual(['disk2', 'disk1']);
  });

  it('refuses to cancel a task marked not cancellable, naming its phase', async () => {
    const tm = manager();
    const g = gate();
    const { taskId } = tm.start({ kind: 'test.fixed', title: 'Switchover', cancellable: false }, async (ctx) => {
      ctx.phase('Switching over');
      await g.promise;
    });
    expect(() => tm.cancel(taskId)).toThrow(/cannot be cancelled now: Switching over/);
    g.open();
    await tm.settled(taskId);
  });

  it('history survives a restart; a task that was running comes back interrupted with what it owed', async () => {
    const tm = manager();
    const started = gate();
    const done = tm.run({ kind: 'test.done', title: 'Finished' }, async () => 'ok');
    await done.result;
    const { taskId } = tm.start({ kind: 'test.crash', title: 'Upload' }, async (ctx) => {
      ctx.phase('Uploading');
      ctx.progress({ unit: 'bytes', done: 512, total: 1024 });
      ctx.undo("delete volume 'half.img' in pool 'default'", async () => undefined);
      started.open();
      await new Promise(() => undefined); // the core "dies" here
    });
    await started.promise;
    // Simulate a crash: save what the manager has, without dispose() (which would cancel and undo).
    (tm as unknown as { persist(): void }).persist();
    await (tm as unknown as { store: { flush(): Promise<void> } }).store.flush();

    const again = manager();
    await again.load();
    expect(again.get(done.taskId)).toMatchObject({ state: 'succeeded', result: 'ok' });
    const t = again.get(taskId);
    expect(t).toMatchObject({ state: 'interrupted', phase: 'Interrupted during: Uploading', progress: { done: 512, total: 1024 } });
    expect(t.cleanup).toEqual(["NOT undone (VirtDeck stopped first): delete volume 'half.img' in pool 'default'; check whether it was left behind"]);
    expect(() => again.cancel(taskId)).not.toThrow();
  });

  it('dispose cancels running tasks and lets them undo before saving', async () => {
    const tm = manager();
    const undone: string[] = [];
    const started = gate();
    const { taskId } = tm.start({ kind: 'test.quit', title: 'Quit midway' }, async (ctx) => {
      ctx.undo('delete volume q', async () => void undone.push('q'));
      started.open();
      await untilAborted(ctx);
    });
    await started.promise;
    await tm.dispose();
    expect(undone).toEqual(['q']);
    const saved = JSON.parse(readFileSync(path.join(dir, 'tasks.json'), 'utf8')) as { tasks: { id: string; state: string }[] };
    expect(saved.tasks.find((t) => t.id === taskId)).toMatchObject({ state: 'cancelled' });
    expect(() => tm.start({ kind: 'x', title: 'late' }, async () => undefined)).toThrow(/shutting down/);
  });

  it('a damaged history file costs only the bad records', async () => {
    const good = { id: 't-abcdef-1234567890', kind: 'k', title: 'kept', childIds: [], state: 'succeeded', phase: 'Done', cancellable: true, cancelRequested: false, createdAt: 1, cleanup: [], log: [] };
    writeFileSync(path.join(dir, 'tasks.json'), JSON.stringify({ version: 1, tasks: [good, { id: 'nope' }] }));
    const tm = manager();
    await tm.load();
    expect(tm.list().map((t) => t.title)).toEqual(['kept']);
    writeFileSync(path.join(dir, 'tasks.json'), '{not json');
    const tm2 = manager();
    await expect(tm2.load()).resolves.toBeUndefined();
    expect(tm2.list()).toEqual([]);
  });

  it('clear forgets finished tasks only', async () => {
    const tm = manager();
    const g = gate();
    const finished = tm.run({ kind: 'k', title: 'finished' }, async () => undefined);
    await finished.result;
    const { taskId } = tm.start({ kind: 'k', title: 'running' }, () => g.promise);
    expect(tm.clear()).toBe(1);
    expect(tm.list().map((t) => t.id)).toEqual([taskId]);
    expect(() => tm.get(finished.taskId)).toThrow(/No task/);
    g.open();
    await tm.settled(taskId);
  });
});
