import path from 'node:path';
import { CONSOLE_PATH } from './consoles/index';
import { createCore, type Core, type SshSettings } from './core';
import { newToken } from './ipc/auth';
import { HttpFront } from './ipc/http-server';
import { WsAdapter } from './ipc/ws-adapter';
import { prometheusRoute } from './metrics/prometheus-route';
import type { Logger } from './util/log';

export interface ServeOptions {
  host: string;
  port: number;
  configDir: string;
  staticDir: string;
  log: Logger;
  ssh?: SshSettings;
  /** Fixed token for tests that must know it up front; random otherwise. */
  token?: string;
  /** GET /metrics in Prometheus text format, behind the same token (off unless asked). */
  metricsEndpoint?: boolean;
}

export interface Served {
  url: string;
  port: number;
  token: string;
  core: Core;
  ws: WsAdapter;
  close(): Promise<void>;
}

/** `virtdeck serve`: the same core, its contract on a token-gated WebSocket. */
export async function serve(opts: ServeOptions): Promise<Served> {
  const token = opts.token ?? newToken();
  const core = await createCore({ mode: 'serve', configDir: opts.configDir, log: opts.log, ssh: opts.ssh ?? {} });
  const front = new HttpFront({ host: opts.host, port: opts.port, token, staticDir: path.resolve(opts.staticDir), log: opts.log.child('http') });
  const ws = new WsAdapter(core.registry, core.bus, opts.log.child('ws'));
  front.addUpgrade('/ws', (req, socket, head) => ws.handleUpgrade(req, socket, head));
  // Console sockets carry their own one-time tokens (Origin/Host are still checked by the front).
  front.addUpgrade(CONSOLE_PATH, core.consoles.upgrade, false);
  if (opts.metricsEndpoint) front.addRoute(prometheusRoute(core.metrics));
  // Browser uploads/downloads stream over HTTP, never through the WebSocket's contract frames.
  front.addRoute(core.storage.transfers.route((req) => front.authorised(req, new URL(req.url ?? '/', 'http://placeholder'))));
  const { url, port } = await front.listen();
  return {
    url,
    port,
    token,
    core,
    ws,
    async close() {
      ws.close();
      // Console sockets are upgraded connections: the front's close() would wait for them.
      await core.consoles.dispose();
      await front.close();
      await core.dispose();
    },
  };
}
