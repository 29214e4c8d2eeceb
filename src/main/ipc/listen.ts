// Where `serve` listens and which names it answers to: pure decisions, unit-tested.

export function isLoopback(addr: string): boolean {
  const a = addr.toLowerCase().replace(/^\[|\]$/g, '');
  return a === 'localhost' || a === '::1' || /^127\./.test(a) || /^::ffff:127\./.test(a);
}

export function isWildcard(addr: string): boolean {
  return addr === '0.0.0.0' || addr === '::' || addr === '[::]' || addr === '';
}

/** `name:8443` or `[::1]:8443`, but not a bare IPv6 literal. */
export function hasExplicitPort(n: string): boolean {
  const v6Literal = !n.startsWith('[') && (n.match(/:/g)?.length ?? 0) >= 2;
  return !v6Literal && /:\d+$/.test(n);
}

/** URL/Host form of an address: IPv6 literals in brackets. */
export const hostForUrl = (h: string): string => (h.includes(':') && !h.startsWith('[') ? `[${h}]` : h);

export type TlsPlan = { kind: 'none'; warning?: string } | { kind: 'files'; cert: string; key: string } | { kind: 'self-signed' };

/**
 * Off loopback the token would cross the network in the clear, so plain HTTP
 * there needs an explicit --insecure; otherwise we bring our own certificate.
 */
export function tlsPlan(o: { listen: string; tlsCert?: string; tlsKey?: string; tls?: boolean; insecure?: boolean }): TlsPlan | { error: string } {
  if (Boolean(o.tlsCert) !== Boolean(o.tlsKey)) return { error: '--tls-cert and --tls-key go together' };
  if (o.tlsCert && o.tlsKey) {
    if (o.insecure) return { error: '--insecure and --tls-cert contradict each other' };
    return { kind: 'files', cert: o.tlsCert, key: o.tlsKey };
  }
  if (o.tls && o.insecure) return { error: '--insecure and --tls contradict each other' };
  if (o.tls) return { kind: 'self-signed' };
  if (isLoopback(o.listen)) return { kind: 'none' };
  if (o.insecure) {
    return {
      kind: 'none',
      warning: `plain HTTP on ${o.listen} (--insecure): the access token crosses the network unencrypted; anyone on the path can take control of your hosts`,
    };
  }
  return { kind: 'self-signed' };
}

/** `--allow-host NAME[:PORT]`: a DNS name or IP literal, nothing that could smuggle header syntax. */
export function parseAllowHost(value: string): string | { error: string } {
  const v = value.trim().toLowerCase();
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9]([a-z0-9-]{0,62})(\.[a-z0-9]([a-z0-9-]{0,62}))*\.?|[0-9.]+)(:(\d{1,5}))?$/.exec(v);
  if (!m || (m[6] !== undefined && Number(m[6]) > 65535)) return { error: `--allow-host ${JSON.stringify(value)}: expected a host name or IP, optionally with :PORT` };
  return v;
}

/**
 * Host header values we answer (anything else is DNS rebinding or a typo: 421).
 * Names without a port get ours, plus the bare form when ours is the scheme's
 * default (browsers then omit it). A wildcard listen answers on every local
 * address.
 */
export function allowedHostHeaders(o: { host: string; port: number; tls: boolean; allowHosts?: readonly string[]; localAddresses?: readonly string[] }): Set<string> {
  const defaultPort = o.tls ? 443 : 80;
  const out = new Set<string>();
  const add = (name: string) => {
    const n = name.toLowerCase();
    if (hasExplicitPort(n)) {
      out.add(n); // explicit NAME:PORT (a reverse proxy's port)
      return;
    }
    const h = hostForUrl(n);
    out.add(`${h}:${o.port}`);
    if (o.port === defaultPort) out.add(h);
  };
  if (!isWildcard(o.host)) add(o.host);
  for (const n of ['localhost', '127.0.0.1', '::1']) add(n);
  if (isWildcard(o.host)) for (const a of o.localAddresses ?? []) add(a);
  for (const n of o.allowHosts ?? []) add(n);
  return out;
}
