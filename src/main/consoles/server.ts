import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from '../util/log';
import { CONSOLE_PATH } from './bridge';

export type ConsoleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer, url: URL) => void;

export interface ConsoleServer {
  /** ws://127.0.0.1:<port>, the prefix of every console URL the core hands out. */
  origin: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Electron mode has no HTTP front, so the core owns this tiny listener on
 * loopback, for console WebSockets only. Nothing but `/console/<token>`
 * upgrades is answered. The page is a file:// document, whose WebSocket
 * handshakes carry `Origin: file://` (or `null`, as Chromium serialises
 * opaque origins); any web origin is refused, and the one-time token remains
 * the real gate.
 */
export async function startConsoleServer(upgrade: ConsoleUpgrade, log: Logger, opts: { extraOrigins?: readonly string[] } = {}): Promise<ConsoleServer> {
  const origins = new Set(['file://', 'null', ...(opts.extraOrigins ?? [])]);
  let hosts = new Set<string>();
  const server = createServer((_req, res) => {
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('Not found\n');
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const deny = (status: string) => socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    const origin = req.headers.origin;
    // Host pins the name (no DNS rebinding); Origin keeps other pages out.
    if (!hosts.has((req.headers.host ?? '').toLowerCase()) || (origin !== undefined && !origins.has(origin))) {
      log.warn(`refused console WebSocket from origin ${String(origin)} host ${String(req.headers.host)}`);
      return deny('403 Forbidden');
    }
    const url = new URL(req.url ?? '/', 'http://placeholder');
    if (!url.pathname.startsWith(CONSOLE_PATH + '/')) return deny('404 Not Found');
    upgrade(req, socket, head, url);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  log.info(`console WebSockets on 127.0.0.1:${port}`);
  return {
    origin: `ws://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
