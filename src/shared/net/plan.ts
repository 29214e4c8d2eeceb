// A network's addresses laid out for people: how many are usable, how many the
// DHCP pool hands out and how many of those are leased, what is reserved, and
// which blocks are still free (for a static reservation or a fixed address).
import { contains, ipText, parseCidr, parseIp, usableRange, type Cidr, type Family, type Ip } from './ip';

export interface PlanInput {
  cidr: string;
  gateway?: string;
  ranges: ReadonlyArray<{ start: string; end: string }>;
  reservations: ReadonlyArray<{ ip?: string }>;
  leases: ReadonlyArray<{ ip: string }>;
}

export interface FreeBlock {
  start: string;
  end: string;
  count: number;
  /** Inside a DHCP range: free now, but the pool may hand it out any time. */
  inDhcpRange: boolean;
}

export interface AddressPlan {
  cidr: string;
  family: Family;
  gateway?: string;
  usable: number;
  dhcp: { size: number; leased: number; reserved: number; free: number } | null;
  outside: { size: number; reserved: number; free: number };
  freeBlocks: FreeBlock[];
  /** Free blocks left out of `freeBlocks` (the list is capped). */
  moreBlocks: number;
  /** First free address outside the DHCP pool (else inside it): a good reservation. */
  suggestion?: string;
}

const MAX_BLOCKS = 24;

interface Span {
  start: bigint;
  end: bigint;
}

/** Sorted, merged, clipped to `within`. */
function mergeSpans(spans: Span[], within: Span): Span[] {
  const clipped = spans
    .map((s) => ({ start: s.start > within.start ? s.start : within.start, end: s.end < within.end ? s.end : within.end }))
    .filter((s) => s.start <= s.end)
    .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const out: Span[] = [];
  for (const s of clipped) {
    const last = out[out.length - 1];
    if (last && s.start <= last.end + 1n) {
      if (s.end > last.end) last.end = s.end;
    } else out.push({ ...s });
  }
  return out;
}

const inCidr = (c: Cidr, text: string | undefined): Ip | undefined => {
  const ip = text ? parseIp(text) : undefined;
  return ip && contains(c, ip) ? ip : undefined;
};

export function addressPlan(input: PlanInput): AddressPlan | undefined {
  const c = parseCidr(input.cidr);
  if (!c) return undefined;
  const usable = usableRange(c);
  const ranges = mergeSpans(
    input.ranges.flatMap((r) => {
      const s = inCidr(c, r.start);
      const e = inCidr(c, r.end);
      return s && e ? [{ start: s.value, end: e.value }] : [];
    }),
    usable,
  );
  const inRanges = (v: bigint) => ranges.some((r) => v >= r.start && v <= r.end);
  const gw = inCidr(c, input.gateway);
  const reserved = new Set<bigint>(input.reservations.map((r) => inCidr(c, r.ip)?.value).filter((v): v is bigint => v !== undefined));
  const leased = new Set<bigint>(input.leases.map((l) => inCidr(c, l.ip)?.value).filter((v): v is bigint => v !== undefined && !reserved.has(v)));
  const used = new Set<bigint>([...reserved, ...leased]);
  if (gw) used.add(gw.value);
  const usedSorted = [...used].filter((v) => v >= usable.start && v <= usable.end).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

  // Cut the usable span at the DHCP range edges, then punch out used addresses.
  const segments: Array<Span & { dhcp: boolean }> = [];
  let cursor = usable.start;
  for (const r of ranges) {
    if (r.start > cursor) segments.push({ start: cursor, end: r.start - 1n, dhcp: false });
    segments.push({ ...r, dhcp: true });
    cursor = r.end + 1n;
  }
  if (cursor <= usable.end) segments.push({ start: cursor, end: usable.end, dhcp: false });

  const blocks: FreeBlock[] = [];
  let moreBlocks = 0;
  let firstOutside: bigint | undefined;
  let firstInside: bigint | undefined;
  let i = 0;
  for (const seg of segments) {
    let from = seg.start;
    while (i < usedSorted.length && usedSorted[i]! < seg.start) i++;
    const emit = (start: bigint, end: bigint) => {
      if (start > end) return;
      if (seg.dhcp) firstInside ??= start;
      else firstOutside ??= start;
      if (blocks.length >= MAX_BLOCKS) return void moreBlocks++;
      blocks.push({ start: ipText(c.family, start), end: ipText(c.family, end), count: Number(end - start + 1n), inDhcpRange: seg.dhcp });
    };
    while (i < usedSorted.length && usedSorted[i]! <= seg.end) {
      emit(from, usedSorted[i]! - 1n);
      from = usedSorted[i]! + 1n;
      i++;
    }
    emit(from, seg.end);
  }

  const count = (pred: (v: bigint) => boolean, set: Set<bigint>) => [...set].filter(pred).length;
  const dhcpSize = ranges.reduce((n, r) => n + Number(r.end - r.start + 1n), 0);
  const usableCount = Number(usable.end - usable.start + 1n);
  const gwInRange = gw ? inRanges(gw.value) : false;
  const dhcpReserved = count(inRanges, reserved);
  const dhcpLeased = count(inRanges, leased);
  const outsideSize = usableCount - dhcpSize - (gw && !gwInRange ? 1 : 0);
  const outsideReserved = count((v) => !inRanges(v) && v >= usable.start && v <= usable.end, reserved);
  const outsideLeased = count((v) => !inRanges(v) && v >= usable.start && v <= usable.end, leased);
  const suggestion = firstOutside ?? firstInside;
  return {
    cidr: `${ipText(c.family, c.base)}/${c.prefix}`,
    family: c.family,
    gateway: gw ? ipText(c.family, gw.value) : undefined,
    usable: usableCount,
    dhcp: ranges.length ? { size: dhcpSize, leased: dhcpLeased, reserved: dhcpReserved, free: Math.max(0, dhcpSize - dhcpLeased - dhcpReserved - (gwInRange ? 1 : 0)) } : null,
    outside: { size: outsideSize, reserved: outsideReserved, free: Math.max(0, outsideSize - outsideReserved - outsideLeased) },
    freeBlocks: blocks,
    moreBlocks,
    suggestion: suggestion === undefined ? undefined : ipText(c.family, suggestion),
  };
}

/** libvirt's own default shape: everything after the gateway up to the last usable address. */
export function defaultDhcpRange(cidr: string, gateway?: string): { start: string; end: string } | undefined {
  const c = parseCidr(cidr);
  if (!c) return undefined;
  const u = usableRange(c);
  const gw = gateway ? parseIp(gateway) : undefined;
  let start = u.start;
  if (gw && gw.family === c.family && gw.value === start) start += 1n;
  if (start > u.end) return undefined;
  return { start: ipText(c.family, start), end: ipText(c.family, u.end) };
}

/** The usual gateway: the first usable address. */
export function defaultGateway(cidr: string): string | undefined {
  const c = parseCidr(cidr);
  if (!c) return undefined;
  const u = usableRange(c);
  return u.start <= u.end ? ipText(c.family, u.start) : undefined;
}
