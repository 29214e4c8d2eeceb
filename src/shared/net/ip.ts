// IPv4/IPv6 addresses and prefixes as BigInt, for subnet checks and address
// plans. Written here rather than taken from npm: the packages we looked at
// (ipaddr.js, ip-address) parse and match well but have no range arithmetic
// (free blocks, overlap between two prefixes), which is most of what we need,
// and this file stays small and dependency-free for the renderer too.

export type Family = 4 | 6;

export interface Ip {
  family: Family;
  value: bigint;
}

/** A prefix with its host bits cleared: `base` is the network address. */
export interface Cidr {
  family: Family;
  base: bigint;
  prefix: number;
}

const BITS: Record<Family, number> = { 4: 32, 6: 128 };
export const bits = (f: Family): number => BITS[f];

function parseV4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    // No leading zeros: "010" is octal to some tools and decimal to others.
    if (!/^(0|[1-9]\d{0,2})$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

function parseV6(s: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(s)) return undefined;
  let groups: string[];
  const dbl = s.indexOf('::');
  if (dbl !== s.lastIndexOf('::')) return undefined;
  // An embedded IPv4 tail (::ffff:1.2.3.4) counts as two groups.
  let tail: bigint | undefined;
  let body = s;
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    tail = parseV4(s.slice(lastColon + 1));
    if (tail === undefined) return undefined;
    body = s.slice(0, lastColon + 1) + '0:0';
  }
  if (dbl >= 0) {
    const [head = '', rest = ''] = body.split('::');
    const h = head ? head.split(':') : [];
    const r = rest ? rest.split(':') : [];
    const missing = 8 - h.length - r.length;
    if (missing < 1) return undefined;
    groups = [...h, ...Array<string>(missing).fill('0'), ...r];
  } else {
    groups = body.split(':');
  }
  if (groups.length !== 8) return undefined;
  let v = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    v = (v << 16n) | BigInt(parseInt(g, 16));
  }
  if (tail !== undefined) v = (v & ~0xffffffffn) | tail;
  return v;
}

export function parseIp(text: string): Ip | undefined {
  const s = text.trim();
  if (s.includes(':')) {
    const value = parseV6(s);
    return value === undefined ? undefined : { family: 6, value };
  }
  const value = parseV4(s);
  return value === undefined ? undefined : { family: 4, value };
}

export function formatIp(ip: Ip): string {
  if (ip.family === 4) {
    const v = ip.value;
    return [24n, 16n, 8n, 0n].map((sh) => String((v >> sh) & 255n)).join('.');
  }
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((ip.value >> BigInt(i * 16)) & 0xffffn));
  // RFC 5952: compress the longest run (>= 2) of zero groups, the first one on ties.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

export const ipText = (family: Family, value: bigint): string => formatIp({ family, value });

export function hostMask(family: Family, prefix: number): bigint {
  return (1n << BigInt(bits(family) - prefix)) - 1n;
}

export function cidrOf(ip: Ip, prefix: number): Cidr {
  return { family: ip.family, base: ip.value & ~hostMask(ip.family, prefix), prefix };
}

/**
 * "192.168.10.0/24" → the prefix. A missing "/n" means one address. Host bits
 * that are set ("192.168.10.5/24") are reported so a form can say so.
 */
export function parseCidr(text: string): (Cidr & { hostBitsSet: boolean; ip: Ip }) | undefined {
  const [addr = '', len, extra] = text.trim().split('/');
  if (extra !== undefined) return undefined;
  const ip = parseIp(addr);
  if (!ip) return undefined;
  let prefix = bits(ip.family);
  if (len !== undefined) {
    if (!/^\d{1,3}$/.test(len)) return undefined;
    prefix = Number(len);
    if (prefix > bits(ip.family)) return undefined;
  }
  const c = cidrOf(ip, prefix);
  return { ...c, hostBitsSet: c.base !== ip.value, ip };
}

export const cidrText = (c: Cidr): string => `${ipText(c.family, c.base)}/${c.prefix}`;

/** "255.255.255.0" → 24; undefined when the mask is not contiguous. */
export function prefixFromNetmask(mask: string): number | undefined {
  const v = parseV4(mask.trim());
  if (v === undefined) return undefined;
  for (let p = 0; p <= 32; p++) if (((0xffffffffn << BigInt(32 - p)) & 0xffffffffn) === v) return p;
  return undefined;
}

export function netmaskFromPrefix(prefix: number): string {
  return ipText(4, (0xffffffffn << BigInt(32 - prefix)) & 0xffffffffn);
}

export const size = (c: Cidr): bigint => 1n << BigInt(bits(c.family) - c.prefix);
export const lastOf = (c: Cidr): bigint => c.base + size(c) - 1n;

export function contains(c: Cidr, ip: Ip): boolean {
  return c.family === ip.family && ip.value >= c.base && ip.value <= lastOf(c);
}

/** Two prefixes overlap exactly when one contains the other's base. */
export function overlaps(a: Cidr, b: Cidr): boolean {
  if (a.family !== b.family) return false;
  return a.base <= lastOf(b) && b.base <= lastOf(a);
}

/** The part of a subnet hosts may use: IPv4 drops network and broadcast (not on /31, /32). */
export function usableRange(c: Cidr): { start: bigint; end: bigint } {
  const last = lastOf(c);
  if (c.family === 4 && c.prefix <= 30) return { start: c.base + 1n, end: last - 1n };
  // IPv6: the all-zero address is the subnet-router anycast address.
  if (c.family === 6 && c.prefix <= 126) return { start: c.base + 1n, end: last };
  return { start: c.base, end: last };
}

/** Normalised MAC ("52:54:00:AB:..." → "52:54:00:ab:..."), or undefined when not a unicast MAC-48. */
export function normalizeMac(text: string): string | undefined {
  const s = text.trim().toLowerCase().replace(/-/g, ':');
  if (!/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(s)) return undefined;
  // The low bit of the first octet marks multicast: never a NIC's own address.
  if (parseInt(s.slice(0, 2), 16) & 1) return undefined;
  return s;
}
