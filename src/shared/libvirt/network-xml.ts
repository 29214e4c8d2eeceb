// libvirt network XML (formatnetwork): parsed and built with the project's XML
// library (fast-xml-parser through ./xml), never with string templates, so
// names with quotes, '<' or '&' are escaped by the library.
import type { CreatableMode, DhcpHost, NetworkIp, NetworkMode } from '../model/network';
import { NETWORK_MODES } from '../model/network';
import { cidrText, cidrOf, ipText, parseIp, prefixFromNetmask } from '../net/ip';
import { attr, buildXml, child, children, num, parseXml, text, type XmlNode } from './xml';

export interface ParsedNetwork {
  uuid: string;
  name: string;
  mode: NetworkMode;
  bridge?: string;
  forwardDev?: string;
  forwardInterfaces: string[];
  domain?: string;
  mtu?: number;
  ips: NetworkIp[];
}

function parseIpBlock(n: XmlNode): NetworkIp | undefined {
  const address = attr(n, 'address');
  const ip = address ? parseIp(address) : undefined;
  if (!ip) return undefined;
  const family = attr(n, 'family') === 'ipv6' || ip.family === 6 ? 'ipv6' : 'ipv4';
  const netmask = attr(n, 'netmask');
  // <ip> carries either prefix= or (IPv4) netmask=; a bare IPv4 address means its classful default, /24 in practice.
  const prefix = num(attr(n, 'prefix')) ?? (netmask ? prefixFromNetmask(netmask) : undefined) ?? (ip.family === 4 ? 24 : 64);
  const dhcp = child(n, 'dhcp');
  return {
    family,
    address: ipText(ip.family, ip.value),
    prefix,
    cidr: cidrText(cidrOf(ip, prefix)),
    dhcpRanges: children(dhcp, 'range').flatMap((r) => {
      const start = attr(r, 'start');
      const end = attr(r, 'end');
      return start && end ? [{ start, end }] : [];
    }),
    hosts: children(dhcp, 'host').map((h) => ({ mac: attr(h, 'mac')?.toLowerCase(), ip: attr(h, 'ip'), name: attr(h, 'name') ?? attr(h, 'id') })),
  };
}

export function parseNetworkXml(xml: string): ParsedNetwork {
  const root = child(parseXml(xml), 'network');
  if (!root) throw new Error('not a libvirt network XML document');
  const forward = child(root, 'forward');
  const rawMode = forward ? (attr(forward, 'mode') ?? 'nat') : 'isolated';
  const mode = (NETWORK_MODES as readonly string[]).includes(rawMode) ? (rawMode as NetworkMode) : 'isolated';
  const pool = [...children(forward, 'interface').map((i) => attr(i, 'dev')), ...children(forward, 'pf').map((i) => attr(i, 'dev'))];
  return {
    uuid: text(root, 'uuid') ?? '',
    name: text(root, 'name') ?? '',
    mode,
    bridge: attr(child(root, 'bridge'), 'name'),
    forwardDev: attr(forward, 'dev'),
    forwardInterfaces: pool.filter((d): d is string => !!d),
    domain: attr(child(root, 'domain'), 'name'),
    mtu: num(attr(child(root, 'mtu'), 'size')),
    ips: children(root, 'ip')
      .map(parseIpBlock)
      .filter((x): x is NetworkIp => !!x),
  };
}

export interface NetworkSpec {
  name: string;
  mode: CreatableMode;
  forwardDev?: string;
  domainName?: string;
  ips: Array<{ family: 'ipv4' | 'ipv6'; gateway: string; prefix: number; dhcp: { start: string; end: string } | null }>;
}

/** A new NAT/routed/isolated network; libvirt picks the bridge name (virbrN) and MAC. */
export function buildNetworkXml(spec: NetworkSpec): string {
  const network: XmlNode = { name: spec.name };
  if (spec.mode !== 'isolated') network.forward = { '@_mode': spec.mode, ...(spec.forwardDev ? { '@_dev': spec.forwardDev } : {}) };
  // localOnly: dnsmasq answers for the domain itself and never forwards those names upstream.
  if (spec.domainName) network.domain = { '@_name': spec.domainName, '@_localOnly': 'yes' };
  network.ip = spec.ips.map((ip) => ({
    ...(ip.family === 'ipv6' ? { '@_family': 'ipv6' } : {}),
    '@_address': ip.gateway,
    '@_prefix': String(ip.prefix),
    ...(ip.dhcp ? { dhcp: { range: { '@_start': ip.dhcp.start, '@_end': ip.dhcp.end } } } : {}),
  }));
  return buildXml({ network });
}

/** The <host> element NetworkUpdate takes for section IP_DHCP_HOST. */
export function buildDhcpHostXml(h: DhcpHost): string {
  const host: XmlNode = {};
  if (h.mac) host['@_mac'] = h.mac;
  if (h.name) host['@_name'] = h.name;
  if (h.ip) host['@_ip'] = h.ip;
  return buildXml({ host });
}

/** Which of a network's <ip> blocks a reservation for `ip` belongs in (NetworkUpdate's parentIndex). */
export function ipBlockIndexFor(ips: readonly NetworkIp[], ip: string): number {
  const a = parseIp(ip);
  if (!a) return -1;
  return ips.findIndex((b) => {
    const gw = parseIp(b.address);
    return !!gw && gw.family === a.family && cidrOf(gw, b.prefix).base === cidrOf(a, b.prefix).base;
  });
}
