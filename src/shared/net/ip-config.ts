// Checks one <ip> block of a new network (subnet, gateway, DHCP range) the
// same way in the form (as the admin types) and in the core (before define),
// so both say the same thing in the same words.
import { cidrText, contains, ipText, parseCidr, parseIp, usableRange, type Family } from './ip';
import { defaultGateway } from './plan';

export interface IpConfigInput {
  cidr: string;
  gateway?: string;
  dhcp?: { start: string; end: string } | null;
}

export interface IpConfig {
  family: Family;
  /** Normalised prefix, e.g. 192.168.100.0/24. */
  cidr: string;
  prefix: number;
  /** The host's own address on the network (the guests' gateway). */
  gateway: string;
  dhcp: { start: string; end: string } | null;
}

export type IpConfigField = 'cidr' | 'gateway' | 'dhcpStart' | 'dhcpEnd';
export type IpConfigErrors = Partial<Record<IpConfigField, string>>;

const PREFIX_LIMITS: Record<Family, [number, number]> = { 4: [8, 30], 6: [48, 126] };

export function checkIpConfig(input: IpConfigInput, family?: Family): { config?: IpConfig; errors: IpConfigErrors } {
  const errors: IpConfigErrors = {};
  const c = parseCidr(input.cidr);
  if (!c || !input.cidr.includes('/')) {
    errors.cidr = `Enter a subnet like ${family === 6 ? 'fd00:1::/64' : '192.168.100.0/24'}`;
    return { errors };
  }
  if (family && c.family !== family) {
    errors.cidr = family === 4 ? 'This is an IPv6 subnet; enter an IPv4 one' : 'This is an IPv4 subnet; enter an IPv6 one';
    return { errors };
  }
  const [lo, hi] = PREFIX_LIMITS[c.family];
  if (c.prefix < lo || c.prefix > hi) {
    errors.cidr = `Use a prefix between /${lo} and /${hi} (leaves room for a gateway and guests)`;
    return { errors };
  }
  const cidr = cidrText(c);
  const usable = usableRange(c);
  const inUsable = (v: bigint) => v >= usable.start && v <= usable.end;
  // "192.168.100.1/24" names the gateway and the subnet at once.
  const gwText = input.gateway?.trim() || (c.hostBitsSet ? ipText(c.family, c.ip.value) : defaultGateway(cidr));
  const gw = gwText ? parseIp(gwText) : undefined;
  if (!gw) errors.gateway = 'Enter an address like 192.168.100.1';
  else if (!contains(c, gw) || !inUsable(gw.value)) errors.gateway = `The gateway must be a usable address inside ${cidr}`;

  let dhcp: IpConfig['dhcp'] = null;
  if (input.dhcp) {
    const s = parseIp(input.dhcp.start);
    const e = parseIp(input.dhcp.end);
    if (!s) errors.dhcpStart = 'Enter the first address the pool hands out';
    else if (!contains(c, s) || !inUsable(s.value)) errors.dhcpStart = `Must be a usable address inside ${cidr}`;
    if (!e) errors.dhcpEnd = 'Enter the last address the pool hands out';
    else if (!contains(c, e) || !inUsable(e.value)) errors.dhcpEnd = `Must be a usable address inside ${cidr}`;
    if (s && e && !errors.dhcpStart && !errors.dhcpEnd) {
      if (s.value > e.value) errors.dhcpEnd = 'The range ends before it starts';
      else if (gw && gw.value >= s.value && gw.value <= e.value) errors.dhcpStart = `The range must not include the gateway ${ipText(c.family, gw.value)}`;
      else dhcp = { start: ipText(c.family, s.value), end: ipText(c.family, e.value) };
    }
  }
  if (Object.keys(errors).length || !gw) return { errors };
  return { config: { family: c.family, cidr, prefix: c.prefix, gateway: ipText(c.family, gw.value), dhcp }, errors };
}
