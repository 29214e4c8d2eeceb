// Which prefixes are already taken on a host, and whether a new one collides:
// the start of per-host IP pools (the way private clouds on libvirt keep
// them). Occupants come from every libvirt network's <ip> plus the host's own
// addresses and routes; this file only does the arithmetic.
import { cidrText, overlaps, parseCidr, type Cidr, type Family } from './ip';

export type OccupantKind = 'network' | 'address' | 'route';

export interface Occupant {
  kind: OccupantKind;
  /** Normalised prefix, e.g. "192.168.122.0/24". */
  cidr: string;
  /** The network's name, or the interface an address or route sits on. */
  name: string;
  /** Extra words for people: "NAT on virbr0", "10.77.6.11/24", "via 10.0.0.1". */
  detail?: string;
}

export function describeOccupant(o: Occupant): string {
  const extra = o.detail ? `, ${o.detail}` : '';
  switch (o.kind) {
    case 'network':
      return `network '${o.name}' (${o.cidr}${extra})`;
    case 'address':
      return `the host's address on ${o.name} (${o.cidr}${extra})`;
    case 'route':
      return `a host route to ${o.cidr} on ${o.name}${extra}`;
  }
}

/** Occupants whose prefix overlaps `candidate`; a default route (/0) never counts. */
export function findConflicts(candidate: Cidr, occupants: readonly Occupant[]): Occupant[] {
  const seen = new Set<string>();
  const out: Occupant[] = [];
  for (const o of occupants) {
    const c = parseCidr(o.cidr);
    if (!c || c.prefix === 0 || !overlaps(candidate, c)) continue;
    const key = `${o.kind}|${o.name}|${cidrText(c)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(o);
  }
  return out;
}

/** "overlaps network 'default' (192.168.122.0/24) and a host route to …": the reason a form shows. */
export function conflictReason(candidate: Cidr, conflicts: readonly Occupant[]): string | undefined {
  if (!conflicts.length) return undefined;
  const parts = conflicts.slice(0, 3).map(describeOccupant);
  const more = conflicts.length > 3 ? ` and ${conflicts.length - 3} more` : '';
  return `${cidrText(candidate)} overlaps ${parts.join('; ')}${more}`;
}

// Private ranges tried in order, like virt-manager's suggestions: the familiar
// 192.168.x.0/24 block first, then 10/8 and 172.16/12.
function* candidates(family: Family, prefix: number): Generator<Cidr> {
  if (family === 6) {
    // ULA space (fd00::/8); a fixed global ID keeps suggestions stable per host.
    const p = Math.min(Math.max(prefix, 48), 124);
    for (let i = 0; i < 0x10000; i++) yield { family: 6, base: (0xfd007664n << 96n) + (BigInt(i) << BigInt(128 - p)), prefix: p };
    return;
  }
  const step = 1n << BigInt(32 - prefix);
  const blocks: Array<[bigint, number]> = [
    [(192n << 24n) | (168n << 16n) | (100n << 8n), 16],
    [10n << 24n, 8],
    [(172n << 24n) | (16n << 16n), 12],
  ];
  for (const [start, blockPrefix] of blocks) {
    if (prefix < blockPrefix) continue;
    const end = (start | ((1n << BigInt(32 - blockPrefix)) - 1n)) + 1n;
    // 192.168.100.0 onwards first; the lower 192.168.x/24s come in the second pass.
    const blockBase = start & ~((1n << BigInt(32 - blockPrefix)) - 1n);
    const first = (start + step - 1n) & ~(step - 1n);
    for (let b = first; b < end; b += step) yield { family: 4, base: b, prefix };
    if (first !== blockBase) for (let b = blockBase; b < first; b += step) yield { family: 4, base: b, prefix };
  }
}

/** The first private prefix of this size that overlaps nothing on the host. */
export function suggestSubnet(occupants: readonly Occupant[], family: Family = 4, prefix = family === 4 ? 24 : 64): string | undefined {
  const taken = occupants.map((o) => parseCidr(o.cidr)).filter((c): c is NonNullable<typeof c> => !!c && c.family === family && c.prefix > 0);
  let tried = 0;
  for (const c of candidates(family, prefix)) {
    if (++tried > 200_000) break;
    if (!taken.some((t) => overlaps(c, t))) return cidrText(c);
  }
  return undefined;
}
