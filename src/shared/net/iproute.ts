// Reads iproute2's JSON (`ip -j -d addr show`, `ip -j route show`) as data:
// the host's links, addresses and routes, without any agent. Unknown or
// missing fields are skipped, never trusted.
import type { HostInterface } from '../model/network';
import { cidrOf, cidrText, parseCidr, parseIp } from './ip';
import type { Occupant } from './subnets';

export interface HostAddress {
  family: 4 | 6;
  local: string;
  prefix: number;
  scope?: string;
}

export interface HostLink {
  name: string;
  kind: HostInterface['kind'];
  mac?: string;
  state: HostInterface['state'];
  mtu?: number;
  master?: string;
  addresses: HostAddress[];
}

export interface HostRoute {
  /** Normalised prefix; host routes become /32 or /128. */
  cidr: string;
  dev?: string;
  gateway?: string;
  type?: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

const KINDS: Record<string, HostInterface['kind']> = {
  bridge: 'bridge',
  bond: 'bond',
  vlan: 'vlan',
  veth: 'veth',
  tun: 'tun',
  macvtap: 'macvtap',
};

function linkKind(l: Obj): HostInterface['kind'] {
  if (l.link_type === 'loopback') return 'loopback';
  const kind = isObj(l.linkinfo) ? str(l.linkinfo.info_kind) : undefined;
  if (kind) return KINDS[kind] ?? 'other';
  return l.link_type === 'ether' ? 'ethernet' : 'other';
}

function linkState(l: Obj): HostInterface['state'] {
  const op = str(l.operstate);
  if (op === 'UP') return 'up';
  if (op === 'DOWN' || op === 'LOWERLAYERDOWN') return 'down';
  // Taps, loopback and some drivers say UNKNOWN while working: trust the flags.
  const flags = Array.isArray(l.flags) ? l.flags : [];
  if (flags.includes('UP') && flags.includes('LOWER_UP')) return 'up';
  return flags.includes('UP') ? 'unknown' : 'down';
}

export function parseIpAddrJson(json: unknown): HostLink[] {
  if (!Array.isArray(json)) throw new Error('ip -j addr did not print a list');
  return json.filter(isObj).flatMap((l) => {
    const name = str(l.ifname);
    if (!name) return [];
    const addresses = (Array.isArray(l.addr_info) ? l.addr_info : []).filter(isObj).flatMap((a): HostAddress[] => {
      const local = str(a.local);
      const ip = local ? parseIp(local) : undefined;
      const prefix = typeof a.prefixlen === 'number' ? a.prefixlen : undefined;
      return ip && prefix !== undefined ? [{ family: ip.family, local: local!, prefix, scope: str(a.scope) }] : [];
    });
    const mac = str(l.address);
    return [
      {
        name,
        kind: linkKind(l),
        mac: mac && mac !== '00:00:00:00:00:00' && /^[0-9a-f:]{17}$/.test(mac) ? mac : undefined,
        state: linkState(l),
        mtu: typeof l.mtu === 'number' ? l.mtu : undefined,
        master: str(l.master),
        addresses,
      },
    ];
  });
}

export function parseIpRouteJson(json: unknown, family: 4 | 6): HostRoute[] {
  if (!Array.isArray(json)) throw new Error('ip -j route did not print a list');
  return json.filter(isObj).flatMap((r) => {
    const dst = str(r.dst);
    if (!dst || dst === 'default') return [];
    const c = parseCidr(dst);
    if (!c || c.family !== family) return [];
    return [{ cidr: cidrText(c), dev: str(r.dev), gateway: str(r.gateway), type: str(r.type) }];
  });
}

/** HostLinks as the interfaces list shows them (bridge/bond members filled in). */
export function linksToInterfaces(links: readonly HostLink[], networkBridges: ReadonlyMap<string, string>): HostInterface[] {
  return links.map((l) => ({
    name: l.name,
    kind: l.kind,
    mac: l.mac,
    state: l.state,
    mtu: l.mtu,
    addresses: l.addresses.map((a) => `${a.local}/${a.prefix}`),
    master: l.master,
    ports: links.filter((p) => p.master === l.name).map((p) => p.name),
    network: networkBridges.get(l.name),
  }));
}

/**
 * The host's own addresses and routes as subnet occupants. Those on a libvirt
 * network's bridge are left out: the network itself is the better name for them.
 */
export function hostOccupants(links: readonly HostLink[], routes: readonly HostRoute[], networkBridges: ReadonlyMap<string, string>): Occupant[] {
  const out: Occupant[] = [];
  const seen = new Set<string>();
  for (const l of links) {
    if (networkBridges.has(l.name)) continue;
    for (const a of l.addresses) {
      const ip = parseIp(a.local)!;
      const cidr = cidrText(cidrOf(ip, a.prefix));
      const key = `${l.name}|${cidr}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ kind: 'address', name: l.name, cidr, detail: `${a.local}/${a.prefix}` });
    }
  }
  for (const r of routes) {
    if (r.dev && networkBridges.has(r.dev)) continue;
    const name = r.dev ?? r.type ?? 'route';
    // The kernel adds a route for each address's own prefix: already listed.
    if (seen.has(`${name}|${r.cidr}`)) continue;
    seen.add(`${name}|${r.cidr}`);
    out.push({ kind: 'route', name, cidr: r.cidr, detail: r.gateway ? `via ${r.gateway}` : r.type && r.type !== 'unicast' ? r.type : undefined });
  }
  return out;
}
