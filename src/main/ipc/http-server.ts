import { createReadStream, promises as fs } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { originAllowed, parseCookies, tokenMatches } from './auth';
import type { Logger } from '../util/log';

export const TOKEN_COOKIE = 'vd_token';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

// The UI only talks to its own origin; inline scripts are never needed.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer, url: URL) => void;
export type RouteHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => boolean | Promise<boolean>;

export interface HttpServerOptions {
  host: string;
  port: number;
  token: string;
  staticDir: string;
  log: Logger;
}

/**
 * serve mode's HTTP front: the UI's files and the WebSocket upgrade, all behind
 * the per-start token. The first visit carries ?token=; we trade it for an
 * HttpOnly cookie and redirect so the token leaves the address bar.
 */
export class HttpFront {
  private readonly server: Server;
  private readonly upgrades = new Map<string, { handler: UpgradeHandler; tokenGated: boolean }>();
  private readonly routes: RouteHandler[] = [];
  private allowedHosts = new Set<string>();

  constructor(private readonly opts: HttpServerOptions) {
    this.server = createServer((req, res) => void this.onRequest(req, res));
    this.server.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
  }

  /** Path prefix -> handler. tokenGated=false is for routes with their own one-time tokens (VNC). */
  addUpgrade(prefix: string, handler: UpgradeHandler, tokenGated = true): () => void {
    this.upgrades.set(prefix, { handler, tokenGated });
    return () => this.upgrades.delete(prefix);
  }

  /** Extra token-gated GET routes (e.g. metrics export). Return true when handled. */
  addRoute(handler: RouteHandler): void {
    this.routes.push(handler);
  }

  async listen(): Promise<{ url: string; port: number }> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.opts.port, this.opts.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const { port } = this.server.address() as AddressInfo;
    const hostForUrl = this.opts.host.includes(':') ? `[${this.opts.host}]` : this.opts.host;
    this.allowedHosts = new Set([`${hostForUrl}:${port}`, `localhost:${port}`, `127.0.0.1:${port}`].map((h) => h.toLowerCase()));
    return { url: `http://${hostForUrl}:${port}/?token=${this.opts.token}`, port };
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** The front's own credential check; routes with their own rules (uploads) call it too. */
  authorised(req: IncomingMessage, url: URL): boolean {
    // Bearer: the same token for scrapers (Prometheus), which keep no cookies across the ?token= redirect.
    const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    return tokenMatches(this.opts.token, parseCookies(req.headers.cookie)[TOKEN_COOKIE]) || tokenMatches(this.opts.token, url.searchParams.get('token')) || tokenMatches(this.opts.token, bearer);
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://placeholder');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    if (!this.allowedHosts.has((req.headers.host ?? '').toLowerCase())) return this.refuse(res, 421, 'Unknown Host header.');
    if (!this.authorised(req, url)) {
      return this.refuse(res, 401, 'VirtDeck: open the URL that `virtdeck serve` printed; it carries the access token.');
    }
    if (url.searchParams.has('token')) {
      // Swap the URL token for a cookie; SameSite=Strict keeps other sites' pages from riding it.
      res.setHeader('Set-Cookie', `${TOKEN_COOKIE}=${encodeURIComponent(this.opts.token)}; HttpOnly; SameSite=Strict; Path=/`);
      url.searchParams.delete('token');
      res.writeHead(303, { Location: url.pathname + (url.search || '') });
      res.end();
      return;
    }
    // Routes check their own methods (uploads PUT); everything else is read-only.
    for (const route of this.routes) if (await route(req, res, url)) return;
    if (req.method !== 'GET' && req.method !== 'HEAD') return this.refuse(res, 405, 'Method not allowed.');
    await this.serveStatic(url.pathname, res);
  }

  private async serveStatic(pathname: string, res: ServerResponse): Promise<void> {
    const root = path.resolve(this.opts.staticDir);
    let rel: string;
    try {
      rel = decodeURIComponent(pathname);
    } catch {
      return this.refuse(res, 400, 'Bad path.');
    }
    let file = path.resolve(root, '.' + (rel.endsWith('/') ? rel + 'index.html' : rel));
    if (file !== root && !file.startsWith(root + path.sep)) return this.refuse(res, 403, 'Outside the app.');
    let stat = await fs.stat(file).catch(() => null);
    if (!stat?.isFile()) {
      // Client-side routes fall back to the app shell; missing assets stay 404.
      if (path.extname(file)) return this.refuse(res, 404, 'Not found.');
      file = path.join(root, 'index.html');
      stat = await fs.stat(file).catch(() => null);
      if (!stat?.isFile()) return this.refuse(res, 500, 'The UI is not built: run `npm run build`.');
    }
    res.writeHead(200, {
      'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream',
      'Content-Length': stat.size,
      'Content-Security-Policy': CSP,
      'Cache-Control': file.endsWith('index.html') ? 'no-store' : 'private, max-age=3600',
    });
    createReadStream(file).pipe(res);
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://placeholder');
    const deny = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (!originAllowed(req.headers.origin, req.headers.host, this.allowedHosts)) {
      this.opts.log.warn(`refused WebSocket from origin ${String(req.headers.origin)} host ${String(req.headers.host)}`);
      return deny(403, 'Forbidden');
    }
    const route = [...this.upgrades.entries()].find(([prefix]) => url.pathname === prefix || url.pathname.startsWith(prefix + '/'));
    if (!route) return deny(404, 'Not Found');
    const [, { handler, tokenGated }] = route;
    if (tokenGated && !this.authorised(req, url)) return deny(401, 'Unauthorized');
    handler(req, socket, head, url);
  }

  private refuse(res: ServerResponse, status: number, text: string): void {
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(text + '\n');
  }
}
