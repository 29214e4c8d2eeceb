import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import type { Duplex } from 'node:stream';
import { credentialOf, grantAllows, originAllowed, type Authenticator, type Grant, type Scope } from './auth';
import { allowedHostHeaders, hasExplicitPort, hostForUrl, isWildcard } from './listen';
import { serveStatic } from './static-files';
import type { Logger } from '../util/log';

export interface RouteContext {
  url: URL;
  /** null on routes declared with scope null (sign-in, the access mode, one-time-ticket downloads). */
  grant: Grant | null;
}
export interface Route {
  /** Exact path, e.g. `/metrics`; one ending in `/` takes everything under it (`/transfers/download/`). */
  path: string;
  /** Default GET and HEAD. */
  methods?: readonly string[];
  /** What the presented credential must allow; null: no credential is checked here: the route is public (signing in) or checks its own one-time tickets (browser downloads are navigations and carry no header). */
  scope: Scope | null;
  handle(req: IncomingMessage, res: ServerResponse, ctx: RouteContext): void | boolean | Promise<void | boolean>;
}

export interface UpgradeContext {
  url: URL;
  /** null for upgrades that carry their own one-time tokens (consoles). */
  grant: Grant | null;
}
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer, ctx: UpgradeContext) => void;

export interface HttpServerOptions {
  host: string;
  port: number;
  staticDir: string;
  log: Logger;
  auth: Authenticator;
  /** PEM key and certificate: HTTPS. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Extra Host names browsers and scrapers use (`--allow-host`). */
  allowHosts?: readonly string[];
}

const BAD_INPUT = new Set(['ERR_INVALID_URL', 'ERR_INVALID_ARG_VALUE', 'ERR_INVALID_CHAR']);
const isBadInput = (e: unknown) => e instanceof URIError || BAD_INPUT.has((e as NodeJS.ErrnoException)?.code ?? '');

/**
 * serve mode's HTTP(S) front. The UI's static files need no credential (they
 * hold no secret); routes and upgrades declare the scope they need and get
 * the credential checked by the one Authenticator. Every handler runs behind
 * a catch: bad input is answered 400 and logged, the process keeps serving.
 */
export class HttpFront {
  private readonly server: Server;
  private readonly upgrades: Array<{ prefix: string; scope: Scope | null; handler: UpgradeHandler }> = [];
  private readonly routes: Route[] = [];
  private allowedHosts = new Set<string>();
  private readonly noted = new Map<string, { at: number; more: number }>();

  constructor(private readonly opts: HttpServerOptions) {
    const onRequest = (req: IncomingMessage, res: ServerResponse) => {
      this.onRequest(req, res).catch((e: unknown) => this.failed(req, res, e));
    };
    this.server = opts.tls ? createTlsServer({ key: opts.tls.key, cert: opts.tls.cert }, onRequest) : createServer(onRequest);
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.onUpgrade(req, socket, head));
    // A TLS handshake that fails (a scanner, a browser refusing our certificate) is not our error.
    this.server.on('tlsClientError', (e: Error) => this.note('tls', `TLS handshake failed: ${e.message}`));
  }

  /** WebSocket path prefix -> handler. scope null: the route carries its own one-time tokens (consoles). */
  addUpgrade(prefix: string, handler: UpgradeHandler, scope: Scope | null = 'control'): () => void {
    const entry = { prefix, scope, handler };
    this.upgrades.push(entry);
    return () => void this.upgrades.splice(this.upgrades.indexOf(entry) >>> 0, 1);
  }

  /** A credential-gated HTTP route (metrics export; later uploads and downloads). */
  addRoute(route: Route): void {
    this.routes.push(route);
  }

  async listen(): Promise<{ origin: string; port: number }> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.opts.port, this.opts.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const { port } = this.server.address() as AddressInfo;
    const tls = Boolean(this.opts.tls);
    const localAddresses = Object.values(os.networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address));
    this.allowedHosts = allowedHostHeaders({ host: this.opts.host, port, tls, allowHosts: this.opts.allowHosts, localAddresses });
    const shown = isWildcard(this.opts.host) ? (this.opts.allowHosts?.[0] ?? os.hostname()) : this.opts.host;
    const urlHost = hasExplicitPort(shown) ? shown : `${hostForUrl(shown)}:${port}`;
    return { origin: `${tls ? 'https' : 'http'}://${urlHost}`, port };
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private hostAllowed(req: IncomingMessage): boolean {
    return this.allowedHosts.has((req.headers.host ?? '').toLowerCase());
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    if (!this.hostAllowed(req)) return this.refuse(res, 421, 'Unknown Host header: start serve with --allow-host NAME to answer to this name.');
    const url = new URL(req.url ?? '/', 'http://placeholder');
    const route = this.routes.find((r) => r.path === url.pathname || (r.path.endsWith('/') && url.pathname.startsWith(r.path)));
    if (route) {
      // A refused upload is answered without reading its body: close rather than drain gigabytes.
      if (req.method !== 'GET' && req.method !== 'HEAD') res.setHeader('Connection', 'close');
      if (!(route.methods ?? ['GET', 'HEAD']).includes(req.method ?? '')) return this.refuse(res, 405, 'Method not allowed.');
      // A browser page of another origin may send a POST here (forms need no CORS): refuse it.
      if (req.method !== 'GET' && req.method !== 'HEAD' && req.headers.origin !== undefined && !originAllowed(req.headers.origin, req.headers.host, this.allowedHosts)) {
        return this.refuse(res, 403, 'VirtDeck: requests from another origin are refused.');
      }
      if (route.scope === null) {
        const handled = await route.handle(req, res, { url, grant: null });
        if (handled === false && !res.headersSent) this.refuse(res, 404, 'Not found.');
        return;
      }
      const grant = this.opts.auth.check(credentialOf(req));
      if (!grant) {
        res.setHeader('WWW-Authenticate', 'Bearer realm="VirtDeck"');
        return this.refuse(res, 401, 'VirtDeck: this route needs Authorization: Bearer <token>.');
      }
      if (route.scope && !grantAllows(grant, route.scope)) return this.refuse(res, 403, 'VirtDeck: this token may not use this route.');
      const handled = await route.handle(req, res, { url, grant });
      if (handled === false && !res.headersSent) this.refuse(res, 404, 'Not found.');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return this.refuse(res, 405, 'Method not allowed.');
    await serveStatic(this.opts.staticDir, url.pathname, res, (r, s, t) => this.refuse(r, s, t), this.opts.log);
  }

  private failed(req: IncomingMessage, res: ServerResponse, e: unknown): void {
    const bad = isBadInput(e);
    this.note(bad ? 'bad-request' : 'request-error', `${bad ? 'bad request' : 'request failed'}: ${describe(req)}: ${(e as Error)?.message ?? String(e)}`);
    if (res.headersSent) res.destroy();
    else this.refuse(res, bad ? 400 : 500, bad ? 'Bad request.' : 'Internal error.');
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // Node hands the raw socket over without an error listener: a reset before
    // the WebSocket library takes it must not become an uncaught exception.
    const onError = (e: Error) => this.note('upgrade-socket', `upgrade socket: ${e.message}`);
    socket.on('error', onError);
    const deny = (status: number, text: string) => {
      if (socket.writable) socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      else socket.destroy();
    };
    try {
      if (!originAllowed(req.headers.origin, req.headers.host, this.allowedHosts)) {
        this.note('origin', `refused WebSocket from origin ${String(req.headers.origin).slice(0, 100)} host ${String(req.headers.host).slice(0, 100)}`);
        return deny(403, 'Forbidden');
      }
      const url = new URL(req.url ?? '/', 'http://placeholder');
      const route = this.upgrades.find((u) => url.pathname === u.prefix || url.pathname.startsWith(u.prefix + '/'));
      if (!route) return deny(404, 'Not Found');
      let grant: Grant | null = null;
      if (route.scope) {
        grant = this.opts.auth.check(credentialOf(req));
        if (!grant) return deny(401, 'Unauthorized');
        if (!grantAllows(grant, route.scope)) return deny(403, 'Forbidden');
      }
      socket.off('error', onError);
      route.handler(req, socket, head, { url, grant });
    } catch (e) {
      const bad = isBadInput(e);
      this.note(bad ? 'bad-upgrade' : 'upgrade-error', `${bad ? 'bad upgrade' : 'upgrade failed'}: ${describe(req)}: ${(e as Error)?.message ?? String(e)}`);
      deny(bad ? 400 : 500, bad ? 'Bad Request' : 'Internal Server Error');
    }
  }

  private refuse(res: ServerResponse, status: number, text: string): void {
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(text + '\n');
  }

  /**
   * Logs a kind of trouble once, then at most once a minute with a count, so
   * a scanner throwing garbage can't flood the log.
   */
  private note(kind: string, message: string): void {
    const now = Date.now();
    const seen = this.noted.get(kind);
    if (seen && now - seen.at < 60_000) {
      seen.more++;
      return;
    }
    const more = seen?.more ? ` (${seen.more} more like it since)` : '';
    this.noted.set(kind, { at: now, more: 0 });
    this.opts.log.warn(message + more);
  }
}

/** Method and target for a log line, cut short and without control characters. */
function describe(req: IncomingMessage): string {
  // JSON.stringify escapes control characters, so a log line stays one line.
  return `${JSON.stringify(req.method ?? '?')} ${JSON.stringify(String(req.url ?? '').slice(0, 120))}`;
}
