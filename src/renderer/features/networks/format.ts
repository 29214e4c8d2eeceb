import type { NetworkMode, NetworkSummary } from '../../../shared/model/network';
import { i18n } from '../../i18n';

/** A network mode's name in the UI language (NAT, Routed, Isolated...). */
export const modeLabel = (mode: NetworkMode): string => i18n.t(`networks:mode.${mode}`);

/** What a creatable mode means for the guests, in the UI language. */
export const modeHint = (mode: 'nat' | 'route' | 'isolated'): string => i18n.t(`networks:modeHint.${mode}`);

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
