import { buildDhcpHostXml, ipBlockIndexFor } from '../../shared/libvirt/network-xml';
import { AppFailure } from '../../shared/ipc/result';
import type { NetworkDetails } from '../../shared/model/network';
import { contains, cidrOf, formatIp, parseIp, usableRange } from '../../shared/net/ip';
import { NetworkUpdate } from '../libvirt/rpc/procedures/network';
import { networkFailure } from './errors';
import type { NetworkService } from './service';
import { networkUpdate } from './update';

export interface ReservationArgs {
  hostId: string;
  name: string;
  mac: string;
  ip: string;
  hostname?: string;
}

type Mode = 'add' | 'update';

/**
 * Static DHCP reservations through NetworkUpdate (section IP_DHCP_HOST), live
 * on a running network and saved in its definition, so no restart is needed.
 * Everything libvirt would refuse with a terse message is checked first and
 * explained: address outside the subnet, the gateway, taken by another MAC,
 * leased to another guest right now.
 */
export async function reservationSet(svc: NetworkService, a: ReservationArgs, mode: Mode): Promise<NetworkDetails> {
  const what = mode === 'add' ? `Reserving ${a.ip} on '${a.name}'` : `Changing the reservation of ${a.mac} on '${a.name}'`;
  const details = await svc.networkGet(a.hostId, a.name);
  const ip = parseIp(a.ip);
  if (!ip) throw new AppFailure('VALIDATION', `${what}: '${a.ip}' is not an IP address`, { hostId: a.hostId });
  const ipText = formatIp(ip);
  const index = ipBlockIndexFor(details.ips, ipText);
  const block = details.ips[index];
  if (!block) {
    const subnets = details.ips.map((i) => i.cidr).join(', ') || 'no subnet';
    throw new AppFailure('VALIDATION', `${what}: ${ipText} is not inside the network's subnet (${subnets})`, { hostId: a.hostId });
  }
  const gw = parseIp(block.address)!;
  const usable = usableRange(cidrOf(gw, block.prefix));
  if (!contains(cidrOf(gw, block.prefix), ip) || ip.value < usable.start || ip.value > usable.end) {
    throw new AppFailure('VALIDATION', `${what}: ${ipText} is the subnet's network or broadcast address`, { hostId: a.hostId });
  }
  if (ip.value === gw.value) throw new AppFailure('VALIDATION', `${what}: ${ipText} is the host's own address on this network (the gateway)`, { hostId: a.hostId });
  const mine = details.reservations.find((r) => r.mac === a.mac);
  if (mode === 'add' && mine) {
    throw new AppFailure('CONFLICT', `${what}: ${a.mac} already has ${mine.ip ?? 'a reservation'}${mine.vm ? ` (VM '${mine.vm.name}')` : ''}; change that reservation instead`, { hostId: a.hostId });
  }
  if (mode === 'update' && !mine) throw new AppFailure('NOT_FOUND', `${what}: ${a.mac} has no reservation on this network`, { hostId: a.hostId });
  const other = details.reservations.find((r) => r.ip === ipText && r.mac !== a.mac);
  if (other) {
    throw new AppFailure('CONFLICT', `${what}: ${ipText} is already reserved for ${other.mac ?? other.name ?? 'another host'}${other.vm ? ` (VM '${other.vm.name}')` : ''}`, { hostId: a.hostId });
  }
  if (a.hostname) {
    const named = details.reservations.find((r) => r.name === a.hostname && r.mac !== a.mac);
    if (named) throw new AppFailure('CONFLICT', `${what}: the host name '${a.hostname}' is already used by the reservation of ${named.mac ?? named.ip}`, { hostId: a.hostId });
  }
  const leases = details.active ? await svc.networkLeases(a.hostId, a.name) : [];
  const leasedTo = leases.find((l) => l.ip === ipText && l.mac && l.mac !== a.mac);
  if (leasedTo) {
    throw new AppFailure('CONFLICT', `${what}: ${ipText} is leased to ${leasedTo.mac}${leasedTo.vm ? ` (VM '${leasedTo.vm.name}')` : ''} right now; pick a free address`, { hostId: a.hostId });
  }

  const { c, net } = await svc.lookup(a.hostId, a.name);
  const flags = (details.active ? NetworkUpdate.Affect.LIVE : 0) | (details.persistent ? NetworkUpdate.Affect.CONFIG : 0);
  try {
    await networkUpdate(c, {
      net,
      command: mode === 'add' ? NetworkUpdate.Command.ADD_LAST : NetworkUpdate.Command.MODIFY,
      section: NetworkUpdate.Section.IP_DHCP_HOST,
      parentIndex: index,
      xml: buildDhcpHostXml({ mac: a.mac, ip: ipText, name: a.hostname || undefined }),
      flags,
    });
  } catch (e) {
    throw networkFailure(e, a.hostId, what, a.name);
  }
  svc.log.info(`${a.hostId}: ${mode === 'add' ? 'reserved' : 're-reserved'} ${ipText} for ${a.mac} on ${a.name}`);
  return svc.networkGet(a.hostId, a.name);
}

export async function reservationRemove(svc: NetworkService, hostId: string, name: string, mac: string): Promise<NetworkDetails> {
  const what = `Removing the reservation of ${mac} on '${name}'`;
  const details = await svc.networkGet(hostId, name);
  const r = details.reservations.find((x) => x.mac === mac);
  if (!r) throw new AppFailure('NOT_FOUND', `${what}: there is none`, { hostId });
  const { c, net } = await svc.lookup(hostId, name);
  const index = r.ip ? ipBlockIndexFor(details.ips, r.ip) : -1;
  try {
    // libvirt deletes the entry whose given attributes all match: the MAC alone is enough.
    await networkUpdate(c, {
      net,
      command: NetworkUpdate.Command.DELETE,
      section: NetworkUpdate.Section.IP_DHCP_HOST,
      parentIndex: index,
      xml: buildDhcpHostXml({ mac }),
      flags: (details.active ? NetworkUpdate.Affect.LIVE : 0) | (details.persistent ? NetworkUpdate.Affect.CONFIG : 0),
    });
  } catch (e) {
    throw networkFailure(e, hostId, what, name);
  }
  return svc.networkGet(hostId, name);
}
