import { consoleHandlers } from '../ipc/handlers/consoles';
import type { Logger } from '../util/log';
import { ConsoleBridge, CONSOLE_PATH, type BridgeOptions } from './bridge';
import { startConsoleServer, type ConsoleServer, type ConsoleUpgrade } from './server';
import { ConsoleService, type ConsoleGuard, type ConsoleHosts } from './service';

export { CONSOLE_PATH };

export interface Consoles {
  handlers: ReturnType<typeof consoleHandlers>;
  /** Serve mode mounts this on its HTTP front: addUpgrade(CONSOLE_PATH, upgrade, false). */
  upgrade: ConsoleUpgrade;
  bridge: ConsoleBridge;
  dispose(): Promise<void>;
}

/**
 * The consoles feature for the composition root. `ownListener` (Electron mode,
 * which has no HTTP front) starts the core's loopback listener for console
 * WebSockets; serve mode mounts `upgrade` on its front instead.
 */
export async function createConsoles(opts: { hosts: ConsoleHosts; log: Logger; ownListener: boolean; bridge?: BridgeOptions; guard?: ConsoleGuard }): Promise<Consoles> {
  const log = opts.log.child('consoles');
  const bridge = new ConsoleBridge(log, opts.bridge);
  let server: ConsoleServer | undefined;
  if (opts.ownListener) {
    server = await startConsoleServer(bridge.handleUpgrade, log);
    bridge.setOrigin(server.origin);
  }
  const service = new ConsoleService(opts.hosts, bridge, log, opts.guard);
  return {
    handlers: consoleHandlers(service),
    upgrade: bridge.handleUpgrade,
    bridge,
    // Idempotent: serve mode closes consoles before its HTTP front, then the core again.
    async dispose() {
      bridge.dispose();
      const s = server;
      server = undefined;
      await s?.close();
    },
  };
}
