import type { NetworkMode, NetworkSummary } from '../../../shared/model/network';

export const MODE_LABEL: Record<NetworkMode, string> = {
  nat: 'NAT',
  route: 'Routed',
  open: 'Open',
  isolated: 'Isolated',
  bridge: 'Bridge',
  passthrough: 'Passthrough',
  private: 'Private',
  vepa: 'VEPA',
  hostdev: 'Host device',
};

export const MODE_HINT: Record<'nat' | 'route' | 'isolated', string> = {
  nat: 'Guests reach outside through the host’s address; nothing outside can reach them.',
  route: 'Guests are reachable by their own addresses; your routers need a route to this subnet via the host.',
  isolated: 'Guests reach each other and the host only.',
};

export const ipv4Of = (n: Pick<NetworkSummary, 'ips'>) => n.ips.find((i) => i.family === 'ipv4');

export function rangeText(n: Pick<NetworkSummary, 'ips'>): string | undefined {
  const r = ipv4Of(n)?.dhcpRanges;
  if (!r?.length) return undefined;
  return r.map((x) => `${x.start} – ${x.end}`).join(', ');
}

/** A DHCP host name from a VM name: dnsmasq takes letters, digits and dashes. */
export function hostnameFromVm(vm: string): string {
  return vm
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
}
