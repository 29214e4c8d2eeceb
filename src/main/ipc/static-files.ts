import { promises as fs } from 'node:fs';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream';
import type { Logger } from '../util/log';

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
export const UI_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

// Files up to this size are read whole before the status line goes out, so a
// read error still becomes a clean 500; bigger ones stream.
const READ_WHOLE_MAX = 8 << 20;

export type Refuse = (res: ServerResponse, status: number, text: string) => void;

/**
 * The UI's static files. They hold no secret, so they need no credential
 * (docs/serve-security.md); client-side routes fall back to the app shell.
 */
export async function serveStatic(staticDir: string, pathname: string, res: ServerResponse, refuse: Refuse, log: Logger): Promise<void> {
  const root = path.resolve(staticDir);
  let rel: string;
  try {
    rel = decodeURIComponent(pathname);
  } catch {
    return refuse(res, 400, 'Bad path.');
  }
  if (rel.includes('\0')) return refuse(res, 400, 'Bad path.');
  let file = path.resolve(root, '.' + (rel.endsWith('/') ? rel + 'index.html' : rel));
  if (file !== root && !file.startsWith(root + path.sep)) return refuse(res, 403, 'Outside the app.');
  let opened = await openFile(file);
  if (!opened) {
    // Client-side routes fall back to the app shell; missing assets stay 404.
    if (path.extname(file) || rel.startsWith('/api/')) return refuse(res, 404, 'Not found.');
    file = path.join(root, 'index.html');
    opened = await openFile(file);
    if (!opened) return refuse(res, 500, 'The UI is not built: run `npm run build`.');
  }
  const { handle, size } = opened;
  const headers = {
    'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream',
    'Content-Security-Policy': UI_CSP,
    'Cache-Control': file.endsWith('index.html') ? 'no-store' : 'private, max-age=3600',
  };
  if (size <= READ_WHOLE_MAX) {
    let body: Buffer;
    try {
      body = await handle.readFile();
    } catch (e) {
      log.warn(`reading ${file}: ${(e as Error).message}`);
      return refuse(res, 500, 'Could not read that file.');
    } finally {
      await handle.close().catch(() => {});
    }
    res.writeHead(200, { ...headers, 'Content-Length': body.length });
    res.end(body);
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Length': size });
  // pipeline() closes the handle and destroys the response on a read error:
  // the client sees a short body, the process keeps serving.
  pipeline(handle.createReadStream(), res, (e) => {
    if (e && e.message !== 'Premature close') log.warn(`streaming ${file}: ${e.message}`);
  });
}

async function openFile(file: string): Promise<{ handle: fs.FileHandle; size: number } | null> {
  // stat first: opening a FIFO someone left in the directory would block.
  if (!(await fs.stat(file).catch(() => null))?.isFile()) return null;
  const handle = await fs.open(file, 'r').catch(() => null);
  if (!handle) return null;
  const st = await handle.stat().catch(() => null);
  if (!st?.isFile()) {
    await handle.close().catch(() => {});
    return null;
  }
  return { handle, size: st.size };
}
