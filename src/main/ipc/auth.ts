import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

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

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const k = part.slice(0, eq).trim();
    const v = part.slice(eq + 1).trim();
    if (k) out[k] = decodeURIComponent(v);
  }
  return out;
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
