import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppFailure } from '../../shared/ipc/result';
import { EventBus } from '../ipc/bus';
import { TaskManager } from '../tasks/manager';
import { silentLogger } from '../util/log';
import { EvacuationService, type EvacuationDeps } from './evacuate';
import type { MigrationOutcome } from './task';

// The evacuation's orchestration is pure once a move is a function: the moves
// stand in for the migration service (its real runs are in the lab tests),
// so a failure can be made to happen on the first try and not the second.

let dir: string;
beforeEach(() => void (dir = mkdtempSync(path.join(os.tmpdir(), 'vd-evac-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const VMS = ['a', 'b', 'c'].map((n) => ({ uuid: `00000000-0000-4000-8000-00000000000${n === 'a' ? 1 : n === 'b' ? 2 : 3}`, name: n }));

function setup(fail: (name: string, attempt: number) => AppFailure | undefined) {
  const tasks = new TaskManager({ configDir: dir, bus: new EventBus(), log: silentLogger, progressIntervalMs: 10 });
  const attempts = new Map<string, number>();
  const maintenance: boolean[] = [];
  const deps = {
    tasks,
    migration: {
      run: async (_ctx: unknown, req: { uuid: string; targetHostId: string }): Promise<MigrationOutcome> => {
        const name = VMS.find((v) => v.uuid === req.uuid)!.name;
        const n = (attempts.get(name) ?? 0) + 1;
        attempts.set(name, n);
        const e = fail(name, n);
        if (e) throw e;
        return { uuid: req.uuid, name, hostId: 'src', targetHostId: req.targetHostId, mode: 'live-shared', route: 'direct', totalMs: 1 };
      },
    },
    placement: {},
    hosts: {
      get: (id: string) => ({ config: { id, name: id }, state: { status: 'connected' } }),
      setMaintenance: async (_id: string, on: boolean) => void maintenance.push(on),
    },
    domains: { list: async () => VMS.map((v) => ({ ...v, state: 'running' })), get: async () => ({}) },
    log: silentLogger,
  } as unknown as EvacuationDeps;
  const svc = new EvacuationService(deps);
  const moves = VMS.map((v) => ({ uuid: v.uuid, targetHostId: 'dst' }));
  return { svc, tasks, attempts, moves, maintenance };
}

describe('evacuation', () => {
  it('a move that fails in the parallel pass is tried again alone, and the evacuation succeeds', async () => {
    const { svc, tasks, attempts, moves, maintenance } = setup((name, n) => (name === 'b' && n === 1 ? new AppFailure('LIBVIRT', "Failed to connect to '10.0.0.1:49153': Connection refused") : undefined));
    const { taskId } = await svc.start('src', moves, 2);
    const t = await tasks.settled(taskId);
    expect(t.state, t.error?.message).toBe('succeeded');
    expect(maintenance).toEqual([true]);
    expect(Object.fromEntries(attempts)).toEqual({ a: 1, b: 2, c: 1 });
    const log = t.log.map((l) => l.message).join('\n');
    expect(log).toContain('b: not moved: Failed to connect');
    expect(log).toContain('Trying 1 failed move again, one at a time');
    expect(log).toContain('b: moved to dst');
  });

  it('a move that fails twice leaves the evacuation failed, naming the VM that stayed and why', async () => {
    const { svc, tasks, attempts, moves } = setup((name) => (name === 'c' ? new AppFailure('LIBVIRT', 'no room') : undefined));
    const t = await tasks.settled((await svc.start('src', moves, 3)).taskId);
    expect(t.state).toBe('failed');
    expect(t.error?.message).toBe('2 of 3 VMs moved; still on src: c (no room)');
    expect(attempts.get('c')).toBe(2);
  });

  it('a cancelled move is not tried again', async () => {
    const { svc, tasks, attempts, moves } = setup((name) => (name === 'a' ? new AppFailure('CANCELLED', 'Cancelled: the source runs it') : undefined));
    const t = await tasks.settled((await svc.start('src', moves, 1)).taskId);
    expect(t.state).toBe('failed');
    expect(attempts.get('a')).toBe(1);
  });
});
