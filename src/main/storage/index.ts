import type { EventBus } from '../ipc/bus';
import type { LibvirtSessions } from '../libvirt/sessions';
import type { TaskManager } from '../tasks/manager';
import type { Logger } from '../util/log';
import { poolEventsHook } from './pool-events';
import { StorageService } from './service';
import { Transfers } from './transfers';

export type { StorageService } from './service';

/** Electron's native dialogs; absent in serve mode (the browser picks files itself). */
export interface FileDialogs {
  open(opts: { title?: string }): Promise<string | undefined>;
  save(opts: { title?: string; defaultName?: string }): Promise<string | undefined>;
}

export interface StorageOptions {
  sessions: LibvirtSessions;
  bus: EventBus;
  tasks: TaskManager;
  log: Logger;
  fileDialogs?: FileDialogs;
}

/** Wires the storage feature: pool events per session, services, transfers. */
export function createStorage(opts: StorageOptions): StorageService {
  const deps = { sessions: opts.sessions, bus: opts.bus, log: opts.log };
  opts.sessions.addHook(poolEventsHook(opts.bus, opts.log));
  return new StorageService(deps, opts.tasks, new Transfers(deps, opts.tasks, opts.fileDialogs));
}
