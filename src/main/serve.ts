import path from 'node:path';
import { SESSION_PATH, accessLink } from '../shared/ipc/access';
import { CONSOLE_PATH } from './consoles/index';
import { createCore, type Core, type SshSettings } from './core';
import { newToken, tokenAuthenticator } from './ipc/auth';
import { HttpFront } from './ipc/http-server';
import type { TlsMaterial } from './ipc/tls';
import { tokenFromFile } from './ipc/token-file';
import { WsAdapter, type WsAdapterOptions } from './ipc/ws-adapter';
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
  /** GET /metrics in Prometheus text format, behind the read-only scrape token (off unless asked). */
  metricsEndpoint?: boolean;
  /** The scrape token itself (tests); otherwise read from scrapeTokenFile. */
  scrapeToken?: string;
  /** Default `<configDir>/metrics-token`, made on first use. */
  scrapeTokenFile?: string;
  /** HTTPS with this key and certificate (see ipc/tls.ts). */
  tls?: TlsMaterial;
  /** Extra Host names to answer to (`--allow-host`). */
  allowHosts?: string[];
  /** Heartbeat and per-client limits of the WebSocket. */
  ws?: WsAdapterOptions;
}

export interface Served {
  /** The access link to open: origin plus the token in the fragment. */
  url: string;
  origin: string;
  port: number;
  token: string;
  /** Set when the metrics endpoint is on. */
  scrapeToken?: string;
  scrapeTokenFile?: string;
  /** SHA-256 of the TLS certificate, when serving HTTPS. */
  fingerprint?: string;
  core: Core;
  ws: WsAdapter;
  close(): Promise<void>;
}

/** `virtdeck serve`: the same core, its contract on a credential-gated WebSocket. */
export async function serve(opts: ServeOptions): Promise<Served> {
  const token = opts.token ?? newToken();
  let scrapeToken: string | undefined;
  let scrapeTokenFile: string | undefined;
  if (opts.metricsEndpoint) {
    scrapeTokenFile = opts.scrapeToken ? undefined : (opts.scrapeTokenFile ?? path.join(opts.configDir, 'metrics-token'));
    scrapeToken = opts.scrapeToken ?? (await tokenFromFile(scrapeTokenFile!, { create: !opts.scrapeTokenFile }));
  }
  const core = await createCore({ mode: 'serve', configDir: opts.configDir, log: opts.log, ssh: opts.ssh ?? {} });
  const front = new HttpFront({
    host: opts.host,
    port: opts.port,
    staticDir: path.resolve(opts.staticDir),
    log: opts.log.child('http'),
    auth: tokenAuthenticator({ control: token, scrape: scrapeToken }),
    tls: opts.tls,
    allowHosts: opts.allowHosts,
  });
  const ws = new WsAdapter(core.registry, core.bus, opts.log.child('ws'), opts.ws);
  front.addUpgrade('/ws', (req, socket, head) => ws.handleUpgrade(req, socket, head), 'control');
  // Console sockets carry their own one-time tokens (Origin/Host are still checked by the front).
  front.addUpgrade(CONSOLE_PATH, (req, socket, head, { url }) => core.consoles.upgrade(req, socket, head, url), null);
  // Lets the page tell a refused token (serve restarted) from a core it can't reach.
  front.addRoute({
    path: SESSION_PATH,
    scope: 'control',
    handle: (_req, res, { grant }) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      res.end(JSON.stringify({ scope: grant?.scope }));
    },
  });
  // Browser uploads/downloads stream over HTTP, never through the WebSocket's contract frames.
  for (const route of core.storage.transfers.routes()) front.addRoute(route);
  if (opts.metricsEndpoint) {
    const metrics = prometheusRoute(core.metrics);
    front.addRoute({ path: '/metrics', scope: 'scrape', handle: (req, res, { url }) => metrics(req, res, url) });
  }
  const { origin, port } = await front.listen().catch(async (e: unknown) => {
    ws.close();
    await core.consoles.dispose();
    await core.dispose();
    throw e;
  });
  return {
    url: accessLink(origin, token),
    origin,
    port,
    token,
    scrapeToken,
    scrapeTokenFile,
    fingerprint: opts.tls?.fingerprint,
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
