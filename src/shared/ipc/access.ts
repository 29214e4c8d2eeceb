// How a serve-mode page proves it may drive the core (docs/serve-security.md).
// Pure helpers shared by the core (which checks) and the page (which presents).

/** The WebSocket subprotocol the core speaks; the only one it ever selects. */
export const WS_PROTOCOL = 'virtdeck.v1';
/**
 * Browsers cannot set headers on a WebSocket handshake, so the page offers the
 * token as a second subprotocol `virtdeck.bearer.<token>` (Kubernetes' API
 * server does the same). The core never selects or echoes it.
 */
export const WS_TOKEN_PREFIX = 'virtdeck.bearer.';
/** Checked with the full-control token; tells the page "refused" from "unreachable". */
export const SESSION_PATH = '/api/session';
/** Public: how this serve lets people in ({mode: 'token' | 'accounts'}). */
export const ACCESS_PATH = '/api/access';
/** Public, POST {name, password}: a sign-in session credential (accounts mode). */
export const LOGIN_PATH = '/api/login';
/** sessionStorage key: per tab, per origin, gone when the tab closes. */
export const TOKEN_STORAGE_KEY = 'virtdeck.token';

// Tokens are base64url (newToken): every character is an RFC 7230 tchar, so a
// token is always a valid subprotocol name. Anything else is not ours.
const TOKEN_RE = /^[A-Za-z0-9_-]{16,256}$/;

export function isWellFormedToken(t: string | null | undefined): boolean {
  return typeof t === 'string' && TOKEN_RE.test(t);
}

/** `Authorization: Bearer <token>` for fetch() and scrapers. */
export const bearer = (token: string): string => `Bearer ${token}`;

/** The subprotocols a page offers on its WebSocket handshake. */
export const wsProtocols = (token: string): string[] => [WS_PROTOCOL, WS_TOKEN_PREFIX + token];

/**
 * The token in an access link as `virtdeck serve` prints it
 * (`https://host:7420/#token=…`), or in an older `?token=` form, or a bare
 * token pasted on its own. Returns null when there is none.
 */
export function tokenFromLink(link: string): string | null {
  const text = link.trim();
  if (isWellFormedToken(text)) return text;
  const hashAt = text.indexOf('#');
  const queryAt = text.indexOf('?');
  for (const part of [hashAt >= 0 ? text.slice(hashAt + 1) : '', queryAt >= 0 ? text.slice(queryAt + 1, hashAt > queryAt ? hashAt : undefined) : '']) {
    const m = /(?:^|&)token=([^&]*)/.exec(part);
    if (m?.[1] && isWellFormedToken(m[1])) return m[1];
  }
  return null;
}

/** The access link `serve` prints: the token rides in the fragment, which browsers never send to any server. */
export function accessLink(origin: string, token: string): string {
  return `${origin}/#token=${token}`;
}
