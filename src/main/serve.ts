import path from 'node:path';
import { SESSION_PATH, accessLink } from '../shared/ipc/access';
import { CONSOLE_PATH } from './consoles/index';
import { AccessGate } from './auth/gate';
import { END_WORDS } from './auth/sessions';
import { createCore, type Core, type CoreOptions, type SshSettings } from './core';
import { accountsAuthenticator, newToken, type Grant } from './ipc/auth';
import type { ClientIdentity } from './ipc/connection';
import { loginRoutes } from './ipc/login-routes';
import { HttpFront } from './ipc/http-server';
import type { TlsMaterial } from './ipc/tls';
import { tokenFromFile } from './ipc/token-file';
import { WsAdapter, type WsAdapterOptions } from './ipc/ws-adapter';
import { prometheusRoute } from './metrics/prometheus-route';
import { backupDownloadRoute } from './backup/download-route';
import { BACKUP_DOWNLOAD_PATH } from '../shared/ipc/calls/backup';
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
  /** `--accounts`: refuse to start unless sign-in with accounts is on (an enabled admin exists). */
  requireAccounts?: boolean;
  /** Session and sign-in limits of team accounts (tests shorten them). */
  accounts?: CoreOptions['accounts'];
}

export interface Served {
  /** The access link to open: origin plus the token in the fragment (just the origin with accounts). */
  url: string;
  /** True when sign-in with an account is required (the token then does not work). */
  accountsMode: boolean;
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
  const core = await createCore({ mode: 'serve', configDir: opts.configDir, log: opts.log, ssh: opts.ssh ?? {}, accounts: opts.accounts });
  const accounts = core.accounts!;
  if (opts.requireAccounts && !accounts.enabled) {
    await core.dispose();
    throw new Error(`--accounts: there is no enabled admin account in ${accounts.store.file}. Create one first: virtdeck accounts add NAME --role admin`);
  }
  const front = new HttpFront({
    host: opts.host,
    port: opts.port,
    staticDir: path.resolve(opts.staticDir),
    log: opts.log.child('http'),
    auth: accountsAuthenticator({ control: token, scrape: scrapeToken }, accounts),
    tls: opts.tls,
    allowHosts: opts.allowHosts,
  });
  const ws = new WsAdapter(core.registry, core.bus, opts.log.child('ws'), opts.ws);
  // A signed-in window acts as its account, with its role and scope (docs/access.md).
  const identityOf = (grant: Grant | null): ClientIdentity | undefined | null => {
    if (!grant?.sessionId) return undefined; // the access token: the single admin
    const sessionId = grant.sessionId;
    const subject = accounts.subjectOf(grant.subject);
    if (!subject) return null;
    const access = { view: AccessGate.view(subject), sessionId };
    return {
      principal: { user: subject.user, via: 'serve-account' },
      access,
      admit: () => (accounts.sessions.touch(sessionId) ? null : { code: 'UNAUTHORIZED', message: 'Your session has ended: sign in again.' }),
      eventFilter: core.gate.eventFilter(access),
    };
  };
  front.addUpgrade(
    '/ws',
    (req, socket, head, { grant }) => {
      const identity = identityOf(grant);
      if (identity === null) return void socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      ws.handleUpgrade(req, socket, head, identity);
    },
    'control',
  );
  // A session that ends (sign-out, expiry, account changed) takes its windows and consoles with it.
  const offEnd = accounts.sessions.onEnd((session, why) => {
    core.consoles.bridge.endOwnedBy(session.id, `Session ended: ${END_WORDS[why]}`);
    // A moment later, so the answer to the call that ended it (sign out) still reaches the page.
    setTimeout(() => ws.closeWhere((id) => id?.access.sessionId === session.id, `Session ended: ${END_WORDS[why]}`), 100).unref();
  });
  const offMode = accounts.onModeChange((on) => {
    ws.closeWhere(() => true, on ? 'VirtDeck now requires signing in with an account' : 'VirtDeck accounts were turned off');
  });
  for (const r of loginRoutes(accounts)) front.addRoute(r);
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
  const backupDownload = backupDownloadRoute(core.backups);
  front.addRoute({ path: BACKUP_DOWNLOAD_PATH, scope: 'control', handle: (req, res, { url }) => backupDownload(req, res, url) });
  if (opts.metricsEndpoint) {
    const metrics = prometheusRoute(core.metrics);
    front.addRoute({ path: '/metrics', scope: 'scrape', handle: (req, res, { url }) => metrics(req, res, url) });
  }
  const { origin, port } = await front.listen().catch(async (e: unknown) => {
    offEnd();
    offMode();
    ws.close();
    await core.consoles.dispose();
    await core.dispose();
    throw e;
  });
  return {
    get url() {
      return accounts.enabled ? `${origin}/` : accessLink(origin, token);
    },
    get accountsMode() {
      return accounts.enabled;
    },
    origin,
    port,
    token,
    scrapeToken,
    scrapeTokenFile,
    fingerprint: opts.tls?.fingerprint,
    core,
    ws,
    async close() {
      offEnd();
      offMode();
      ws.close();
      // Console sockets are upgraded connections: the front's close() would wait for them.
      await core.consoles.dispose();
      await front.close();
      await core.dispose();
    },
  };
}
