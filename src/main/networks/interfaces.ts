import { parseInterfaceXml } from '../../shared/libvirt/interface-xml';
import type { HostInterface, HostInterfaces } from '../../shared/model/network';
import { linksToInterfaces } from '../../shared/net/iproute';
import { LibvirtError } from '../libvirt/rpc/errors';
import { P } from '../libvirt/rpc/procedures/index';
import { ownsBridge } from './create';
import { networkFailure } from './errors';
import { readHostNet } from './host-net';
import type { NetworkService } from './service';

const IFACE_LIST = { INACTIVE: 1, ACTIVE: 2 } as const;

/**
 * The host's interfaces and bridges, read-only (so a VM can be attached to a
 * bridge). libvirt's interface driver comes first; it may be missing (built
 * without netcf/udev) and its udev backend omits addresses and bridge members,
 * so `ip -j` on the host fills those in, or stands in for it, and we say which.
 */
export async function hostInterfaces(svc: NetworkService, hostId: string): Promise<HostInterfaces> {
  const c = svc.client(hostId);
  const [networks, host] = await Promise.all([svc.networkList(hostId), readHostNet(svc.sessions.get(hostId).transport)]);
  const bridges = new Map(networks.filter(ownsBridge).map((n) => [n.bridge!, n.name]));
  const fromIp = new Map(linksToInterfaces(host.links, bridges).map((i) => [i.name, i]));

  let fromLibvirt: HostInterface[] | undefined;
  let unavailable = '';
  try {
    const [active, all] = await Promise.all([
      c.call(P.CONNECT_LIST_ALL_INTERFACES, { need_results: 1, flags: IFACE_LIST.ACTIVE }),
      c.call(P.CONNECT_LIST_ALL_INTERFACES, { need_results: 1, flags: 0 }),
    ]);
    const up = new Set(active.ifaces.map((i) => i.name));
    const parsed = await Promise.all(all.ifaces.map(async (iface) => parseInterfaceXml(await c.call(P.INTERFACE_GET_XML_DESC, { iface, flags: 0 }), up.has(iface.name))));
    fromLibvirt = parsed.filter((i): i is HostInterface => !!i);
  } catch (e) {
    if (!(e instanceof LibvirtError)) throw networkFailure(e, hostId, 'Listing host interfaces');
    unavailable = e.message;
  }

  if (fromLibvirt) {
    const interfaces = fromLibvirt.map((i) => {
      const ip = fromIp.get(i.name);
      return {
        ...i,
        // The kernel's view is fresher: libvirt's udev backend calls lo "inactive" and gives bridges no MAC.
        state: ip?.state ?? i.state,
        mac: i.mac ?? ip?.mac,
        mtu: i.mtu ?? ip?.mtu,
        addresses: i.addresses.length ? i.addresses : (ip?.addresses ?? []),
        ports: i.ports.length ? i.ports : (ip?.ports ?? []),
        master: i.master ?? ip?.master,
        network: bridges.get(i.name),
      };
    });
    const extra = host.links.length ? ' Addresses and bridge members come from `ip` on the host.' : '';
    return { source: 'libvirt', note: `Listed by libvirt's interface driver (tap devices of running VMs are not shown).${extra}`, interfaces: sortIfaces(interfaces) };
  }
  if (!host.links.length) {
    throw networkFailure(new Error(`libvirt cannot list interfaces (${unavailable}) and ${host.warnings.join(' ') || '`ip` printed nothing'}`), hostId, 'Listing host interfaces');
  }
  return {
    source: 'ip',
    note: `libvirt's interface driver is not available on this host (${unavailable}); listed from \`ip -j addr\` instead.`,
    interfaces: sortIfaces([...fromIp.values()]),
  };
}

const ORDER: Record<HostInterface['kind'], number> = { bridge: 0, bond: 1, ethernet: 2, vlan: 3, veth: 4, macvtap: 5, tun: 6, other: 7, loopback: 8 };
const sortIfaces = (list: HostInterface[]) => list.sort((a, b) => ORDER[a.kind] - ORDER[b.kind] || a.name.localeCompare(b.name, undefined, { numeric: true }));
