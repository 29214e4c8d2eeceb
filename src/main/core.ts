import os from 'node:os';
import { calls, type CallName } from '../shared/ipc/contract';
import { AppFailure } from '../shared/ipc/result';
import { EventBus } from './ipc/bus';
import { appHandlers } from './ipc/handlers/app';
import { HandlerRegistry, type Handlers, type PartialHandlers } from './ipc/registry';
import type { Logger } from './util/log';
import { VERSION } from './version';

export interface SshSettings {
  /** OpenSSH client config to honour (Host aliases, ProxyJump…); default ~/.ssh/config. */
  configPath?: string;
  /** known_hosts files: all are read, new keys go to the first; default ~/.ssh/known_hosts. */
  knownHostsPaths?: string[];
}

export interface CoreOptions {
  mode: 'electron' | 'serve';
  configDir: string;
  log: Logger;
  ssh?: SshSettings;
}

export interface Core {
  bus: EventBus;
  registry: HandlerRegistry;
  dispose(): Promise<void>;
}

/** Fills calls whose service isn't wired in this build with a clear refusal. */
function complete(partial: PartialHandlers): Handlers {
  const out: Record<string, unknown> = { ...partial };
  for (const name of Object.keys(calls) as CallName[]) {
    out[name] ??= () => {
      throw new AppFailure('UNSUPPORTED', `${name} is not available in this build`);
    };
  }
  return out as Handlers;
}

/** Builds the core's services once; both the Electron entry and `serve` call this. */
export async function createCore(opts: CoreOptions): Promise<Core> {
  const bus = new EventBus();
  const disposers: Array<() => void | Promise<void>> = [];
  const handlers = complete({
    ...appHandlers({
      name: 'VirtDeck',
      version: VERSION,
      mode: opts.mode,
      platform: `${os.platform()} ${os.arch()}`,
      node: process.versions.node,
      startedAt: Date.now(),
    }),
  });
  const registry = new HandlerRegistry(handlers, opts.log.child('ipc'));
  return {
    bus,
    registry,
    async dispose() {
      for (const d of disposers.reverse()) await d();
    },
  };
}
