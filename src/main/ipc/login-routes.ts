import type { IncomingMessage, ServerResponse } from 'node:http';
import { ACCESS_PATH, LOGIN_PATH } from '../../shared/ipc/access';
import { LoginRequestSchema } from '../../shared/model/account';
import type { AccountService } from '../auth/service';
import type { Route } from './http-server';

const MAX_BODY = 4096;

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_BODY) return null;
    chunks.push(c);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The two public routes of accounts mode (docs/access.md): which way in this
 * serve offers, and sign-in. The session credential it answers is used
 * exactly like the access token (sessionStorage, WebSocket subprotocol),
 * never a cookie.
 */
export function loginRoutes(accounts: AccountService): Route[] {
  return [
    {
      path: ACCESS_PATH,
      scope: null,
      handle: (_req, res) => json(res, 200, { mode: accounts.enabled ? 'accounts' : 'token' }),
    },
    {
      path: LOGIN_PATH,
      methods: ['POST'],
      scope: null,
      async handle(req, res) {
        // JSON only: a cross-site form can't send it without a CORS preflight we never answer.
        if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) return json(res, 415, { message: 'Send JSON: {"name", "password"}.' });
        const body = await readBody(req);
        if (body === null) return json(res, 413, { message: 'Request too large.' });
        let input;
        try {
          input = LoginRequestSchema.parse(JSON.parse(body));
        } catch {
          return json(res, 400, { message: 'Expected {"name": "...", "password": "..."}.' });
        }
        // The peer address as the socket sees it: a reverse proxy in front makes every user one address (docs/access.md).
        const address = req.socket.remoteAddress ?? 'unknown';
        const outcome = await accounts.login(input.name, input.password, address);
        if (outcome.ok) return json(res, 200, outcome.answer);
        const retry = outcome.retryAfterMs ? { 'Retry-After': String(Math.ceil(outcome.retryAfterMs / 1000)) } : undefined;
        return json(res, outcome.status, { message: outcome.message, ...(outcome.retryAfterMs ? { retryAfterMs: outcome.retryAfterMs } : {}) }, retry);
      },
    },
  ];
}
