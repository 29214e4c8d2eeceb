import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectLabRoot, harness, waitForLab, type Harness, type LabHost } from '../hosts/lab-harness';
import { LibvirtSessions } from '../libvirt/sessions';
import { TaskManager } from '../tasks/manager';
import { silentLogger } from '../util/log';
import type { StorageDeps } from './pools';
import { poolEventsHook } from './pool-events';

// Shared by the storage *.lab.test.ts files: lab-1 connected over its one SSH
// connection with a libvirt session, the storage deps and a task manager.

export interface StorageLab {
  h: Harness;
  host: LabHost;
  hostId: string;
  sessions: LibvirtSessions;
  deps: StorageDeps;
  tasks: TaskManager;
  /** A scratch directory, removed by dispose(). */
  dir: string;
  dispose(): Promise<void>;
}

export async function storageLab(name: string, opts: { poolEvents?: boolean; progressIntervalMs?: number } = {}): Promise<StorageLab> {
  const lab = await waitForLab();
  const host = lab.hosts[0]!;
  const h = await harness({ knownHostsLines: lab.hosts.map((x) => `${x.ip} ${x.hostKey}`) });
  const sessions = new LibvirtSessions(silentLogger);
  const deps: StorageDeps = { sessions, bus: h.bus, log: silentLogger };
  const dir = mkdtempSync(path.join(os.tmpdir(), `vd-${name}-`));
  const tasks = new TaskManager({ configDir: dir, bus: h.bus, log: silentLogger, progressIntervalMs: opts.progressIntervalMs ?? 50 });
  if (opts.poolEvents) sessions.addHook(poolEventsHook(h.bus, silentLogger));
  const hostId = await connectLabRoot(h, lab, host, sessions, name);
  return {
    h,
    host,
    hostId,
    sessions,
    deps,
    tasks,
    dir,
    async dispose() {
      await tasks.dispose();
      await h.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
