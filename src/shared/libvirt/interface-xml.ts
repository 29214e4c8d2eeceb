// libvirt host interface XML (formatnode interfaces: virInterfaceGetXMLDesc).
// The udev backend reports type, MAC, MTU and link state; netcf also reports
// bridge members and addresses. Both shapes parse here.
import type { HostInterface } from '../model/network';
import { attr, child, children, num, parseXml } from './xml';

const KINDS: Record<string, HostInterface['kind']> = { ethernet: 'ethernet', bridge: 'bridge', bond: 'bond', vlan: 'vlan' };

export function parseInterfaceXml(xml: string, active: boolean): HostInterface | undefined {
  const root = child(parseXml(xml), 'interface');
  const name = attr(root, 'name');
  if (!root || !name) return undefined;
  const type = attr(root, 'type') ?? 'ethernet';
  const ports = [...children(child(root, 'bridge'), 'interface'), ...children(child(root, 'bond'), 'interface')]
    .map((i) => attr(i, 'name'))
    .filter((n): n is string => !!n);
  const addresses = children(root, 'protocol').flatMap((p) =>
    children(p, 'ip')
      .map((ip) => {
        const a = attr(ip, 'address');
        const prefix = attr(ip, 'prefix');
        return a ? (prefix ? `${a}/${prefix}` : a) : undefined;
      })
      .filter((a): a is string => !!a),
  );
  const link = attr(child(root, 'link'), 'state');
  const mac = attr(child(root, 'mac'), 'address');
  return {
    name,
    kind: name === 'lo' ? 'loopback' : (KINDS[type] ?? 'other'),
    mac: mac && mac !== '00:00:00:00:00:00' ? mac : undefined,
    state: link === 'up' || (link === undefined && active) ? 'up' : link === 'down' || !active ? 'down' : 'unknown',
    mtu: num(attr(child(root, 'mtu'), 'size')),
    addresses,
    ports,
  };
}
