import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { WS_TOKEN_PREFIX } from '../../shared/ipc/access';

export const newToken = (): string => randomBytes(24).toString('base64url');

/**
 * Constant-time token check. Hashing both sides first makes the compared
 * buffers equal length, so neither timing nor a length check leaks anything.
 */
export function tokenMatches(expected: string, given: string | undefined | null): boolean {
  if (!given) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}

/** What a credential allows: everything (the page, its WebSocket, uploads) or reading /metrics. */
export type Scope = 'control' | 'scrape';

export interface Grant {
  scope: Scope;
  /** Who, for logs and roles: "token", "scrape-token", or an account name. */
  subject: string;
  /** Set when the credential is an account's sign-in session (serve with accounts). */
  sessionId?: string;
}

/**
 * The one place that decides whether a credential is good. HttpFront asks it
 * for every gated route and upgrade; team accounts can replace or wrap it with
 * a session check without touching the transport code.
 */
export interface Authenticator {
  check(credential: string | undefined): Grant | null;
}

/** Today's credentials: the per-start control token and an optional read-only scrape token. */
export function tokenAuthenticator(tokens: { control: string; scrape?: string }): Authenticator {
  return {
    check(credential) {
      if (!credential) return null;
      if (tokenMatches(tokens.control, credential)) return { scope: 'control', subject: 'token' };
      if (tokens.scrape && tokenMatches(tokens.scrape, credential)) return { scope: 'scrape', subject: 'scrape-token' };
      return null;
    },
  };
}

/** What serve's accounts offer the front: whether sign-in is required, and the session a credential opens. */
export interface SessionChecker {
  readonly enabled: boolean;
  check(credential: string | undefined): { id: string; account: string } | null;
}

/**
 * serve's credentials with team accounts (docs/access.md): while accounts
 * are on, only sign-in sessions open the contract and the printed access
 * token stops working; the scrape token keeps its one route either way.
 */
export function accountsAuthenticator(tokens: { control: string; scrape?: string }, accounts: SessionChecker): Authenticator {
  const plain = tokenAuthenticator(tokens);
  return {
    check(credential) {
      if (!accounts.enabled) return plain.check(credential);
      if (!credential) return null;
      if (tokens.scrape && tokenMatches(tokens.scrape, credential)) return { scope: 'scrape', subject: 'scrape-token' };
      const s = accounts.check(credential);
      return s ? { scope: 'control', subject: s.account, sessionId: s.id } : null;
    },
  };
}

/**
 * Scopes don't nest: /metrics takes only the scrape token, so the key to every
 * host never gets pasted into a scraper's config because "it works".
 */
export const grantAllows = (grant: Grant | null, needed: Scope): boolean => grant !== null && grant.scope === needed;

/**
 * The credential a request presents, and nothing else: `Authorization: Bearer`
 * (fetch, scrapers, Node clients) or, on a WebSocket handshake, the
 * `virtdeck.bearer.<token>` subprotocol (browsers can't set headers there).
 * Cookies and URLs are never read: a cookie for 127.0.0.1 goes to every port on
 * it, and a URL ends up in histories and logs.
 */
export function credentialOf(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  if (auth) {
    const m = /^Bearer ([\x21-\x7e]{1,512})$/.exec(auth);
    return m?.[1];
  }
  const offered = req.headers['sec-websocket-protocol'];
  if (typeof offered === 'string') {
    for (const p of offered.split(',')) {
      const v = p.trim();
      if (v.startsWith(WS_TOKEN_PREFIX)) return v.slice(WS_TOKEN_PREFIX.length);
    }
  }
  return undefined;
}

/**
 * Browsers send Origin on every WebSocket handshake; a page from any other
 * origin (or a DNS-rebinding name) must not drive the core even if it learnt
 * the port.
 */
export function originAllowed(origin: string | undefined, hostHeader: string | undefined, allowedHosts: ReadonlySet<string>): boolean {
  if (!hostHeader || !allowedHosts.has(hostHeader.toLowerCase())) return false;
  if (origin === undefined) return true; // non-browser client; the token still gates it
  try {
    const u = new URL(origin);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.host.toLowerCase() === hostHeader.toLowerCase();
  } catch {
    return false;
  }
}
