import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EventBus } from '../ipc/bus';
import { DisposableStore } from '../util/disposable';
import { silentLogger } from '../util/log';
import { DEFAULT_RULES } from './alerts';
import { MetricsService } from './service';

// The parts of the service that need no host (sampling itself is lab-tested).
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const make = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vd-msvc-'));
  dirs.push(dir);
  return { dir, svc: new MetricsService({ configDir: dir, bus: new EventBus(), log: silentLogger }) };
};

describe('metrics service', () => {
  it('subscriptions end with their window, and explicit unsubscribe leaves nothing behind', async () => {
    const { svc } = make();
    const win = { connectionId: 'c1', disposables: new DisposableStore() };
    const { subscriptionId } = svc.subscribe(win, [{ kind: 'all' }]);
    svc.subscribe(win, [{ kind: 'host', hostId: 'h1' }]);
    expect(svc.subscriptionCount).toBe(2);
    expect(svc.unsubscribe(subscriptionId)).toEqual({ removed: true });
    expect(svc.unsubscribe(subscriptionId)).toEqual({ removed: false });
    expect(win.disposables.size).toBe(1);
    win.disposables.dispose();
    expect(svc.subscriptionCount).toBe(0);
    // A window already gone subscribes nothing.
    svc.subscribe(win, [{ kind: 'all' }]);
    expect(svc.subscriptionCount).toBe(0);
    await svc.dispose();
  });

  it('alert rules are validated, saved in the config dir and read back by the next start', async () => {
    const { dir, svc } = make();
    expect(() => svc.setRules([{ ...DEFAULT_RULES[0]!, metric: 'load1' }])).toThrow(/vm metrics have no "load1"/);
    expect(() => svc.setRules([DEFAULT_RULES[0]!, DEFAULT_RULES[0]!])).toThrow(/unique/);
    const rules = [{ ...DEFAULT_RULES[0]!, threshold: 75 }];
    svc.setRules(rules);
    await svc.dispose();
    const again = new MetricsService({ configDir: dir, bus: new EventBus(), log: silentLogger });
    expect(again.rules()).toEqual(rules);
    await again.dispose();
  });

  it('history of a host never sampled is empty, and its CSV has just the header', async () => {
    const { svc } = make();
    expect((await svc.history('h1', undefined, 0, 1000, 100)).t).toEqual([]);
    const { filename, csv } = await svc.exportCsv('h1', undefined, 0, 1000);
    expect(filename).toBe('h1-h1-1970-01-01T000000Z-1970-01-01T000001Z.csv');
    expect(csv.split('\r\n')[0]).toMatch(/^time,unix_ms,cpu \(percent\)/);
    await svc.dispose();
  });

  it('a migrated VM keeps its history: queries on the new host merge the old host series, also after a restart', async () => {
    const { dir, svc } = make();
    const uuid = '00000000-0000-4000-8000-0000000000aa';
    const t0 = Math.floor(Date.now() / 1000) * 1000 - 20_000;
    const row = (cpu: number) => [{ kind: 'vm' as const, key: uuid, name: 'web', values: [cpu, null, 1000, null, null, null, null, null, null, null, null, null, null] }];
    for (let i = 0; i < 5; i++) svc.store.append('h1', t0 + i * 1000, row(10 + i));
    svc.recordMove(uuid, 'h1', 'h2', t0 + 5000);
    for (let i = 5; i < 10; i++) svc.store.append('h2', t0 + i * 1000, row(10 + i));
    const h = await svc.history('h2', uuid, t0 - 1000, t0 + 11_000, 100);
    expect(h.t).toEqual(Array.from({ length: 10 }, (_, i) => t0 + i * 1000));
    expect(h.columns[0]).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    // The old host alone still answers with its own part; other VMs are untouched.
    expect((await svc.store.query('h1', uuid, t0 - 1000, t0 + 11_000, 100)).t).toHaveLength(5);
    expect((await svc.exportCsv('h2', uuid, t0 - 1000, t0 + 11_000)).csv.split('\r\n').filter(Boolean)).toHaveLength(11);
    await svc.dispose();
    const again = new MetricsService({ configDir: dir, bus: new EventBus(), log: silentLogger });
    expect((await again.history('h2', uuid, t0 - 1000, t0 + 11_000, 100)).t).toHaveLength(10);
    await again.dispose();
  });
});
