import { parseNetworkXml } from '../../shared/libvirt/network-xml';
import { AppFailure } from '../../shared/ipc/result';
import type { DhcpLease, NetworkDetails, NetworkSummary, Reservation, VmNic } from '../../shared/model/network';
import { addressPlan } from '../../shared/net/plan';
import type { Logger } from '../util/log';
import type { RpcClient } from '../libvirt/rpc/client';
import { P } from '../libvirt/rpc/procedures/index';
import { ListNetworks } from '../libvirt/rpc/procedures/network';
import type { NetworkRef } from '../libvirt/rpc/types';
import type { LibvirtSessions } from '../libvirt/sessions';
import { networkFailure } from './errors';
import type { VmNicIndex } from './nic-index';

const NOTES: Partial<Record<NetworkSummary['mode'], string>> = {
  route: 'Routed: guests are reachable by their own addresses; the rest of your network needs a route to this subnet via this host.',
  open: 'Open: libvirt adds no firewall rules; the host and your network must route and filter this subnet.',
  isolated: 'Isolated: guests reach each other and the host, nothing else.',
  bridge: "Bridged to a host bridge: guests sit on the host's own LAN and get addresses from its DHCP server.",
};

/** NICs plugged into this network: by name, or (for a bridge-mode network) straight into its bridge. */
export const usersOf = (nics: readonly VmNic[], n: Pick<NetworkSummary, 'name' | 'mode' | 'bridge'>): VmNic[] =>
  nics.filter((x) => (x.type === 'network' && x.source === n.name) || (n.mode === 'bridge' && x.type === 'bridge' && !!n.bridge && x.source === n.bridge));

/** List, details, lifecycle, delete and leases of a host's virtual networks. */
export class NetworkService {
  constructor(
    readonly sessions: LibvirtSessions,
    readonly nics: VmNicIndex,
    readonly log: Logger,
  ) {}

  client(hostId: string): RpcClient {
    return this.sessions.client(hostId);
  }

  async lookup(hostId: string, name: string): Promise<{ c: RpcClient; net: NetworkRef }> {
    const c = this.client(hostId);
    try {
      return { c, net: await c.call(P.NETWORK_LOOKUP_BY_NAME, { name }) };
    } catch (e) {
      throw networkFailure(e, hostId, `Network '${name}'`, name);
    }
  }

  async summary(hostId: string, c: RpcClient, net: NetworkRef, known?: { active: boolean; persistent: boolean; autostart: boolean }): Promise<NetworkSummary> {
    const [xml, active, persistent, autostart] = await Promise.all([
      c.call(P.NETWORK_GET_XML_DESC, { net, flags: 0 }),
      known ? known.active : c.call(P.NETWORK_IS_ACTIVE, { net }),
      known ? known.persistent : c.call(P.NETWORK_IS_PERSISTENT, { net }),
      known ? known.autostart : c.call(P.NETWORK_GET_AUTOSTART, { net }),
    ]);
    const p = parseNetworkXml(xml);
    return {
      hostId,
      uuid: net.uuid,
      name: net.name,
      active,
      persistent,
      autostart,
      mode: p.mode,
      bridge: p.bridge,
      forwardDev: p.forwardDev,
      forwardInterfaces: p.forwardInterfaces,
      domain: p.domain,
      ips: p.ips,
    };
  }

  /** Four list calls and one XML per network, all pipelined: one round trip's worth. */
  async networkList(hostId: string): Promise<NetworkSummary[]> {
    const c = this.client(hostId);
    try {
      const list = (flags: number) => c.call(P.CONNECT_LIST_ALL_NETWORKS, { need_results: 1, flags }).then((r) => new Set(r.nets.map((n) => n.uuid)));
      const [all, active, persistent, autostart] = await Promise.all([
        c.call(P.CONNECT_LIST_ALL_NETWORKS, { need_results: 1, flags: 0 }),
        list(ListNetworks.ACTIVE),
        list(ListNetworks.PERSISTENT),
        list(ListNetworks.AUTOSTART),
      ]);
      const rows = await Promise.all(
        all.nets.map((net) =>
          this.summary(hostId, c, net, { active: active.has(net.uuid), persistent: persistent.has(net.uuid), autostart: autostart.has(net.uuid) }).catch((e) => {
            // Undefined between the list and its XML: gone, not an error.
            if (networkFailure(e, hostId, '').error.code === 'NOT_FOUND') return undefined;
            throw e;
          }),
        ),
      );
      return rows.filter((r): r is NetworkSummary => !!r).sort((a, b) => a.name.localeCompare(b.name));
    } catch (e) {
      throw networkFailure(e, hostId, 'Listing networks');
    }
  }

  async networkGet(hostId: string, name: string): Promise<NetworkDetails> {
    const { c, net } = await this.lookup(hostId, name);
    try {
      const [s, nics] = await Promise.all([this.summary(hostId, c, net), this.nics.list(hostId)]);
      const leases = s.active ? await this.readLeases(hostId, c, net, nics) : [];
      const byMac = vmByMac(nics);
      const leaseByIp = new Map(leases.map((l) => [l.ip, l]));
      const leaseByMac = new Map(leases.filter((l) => l.mac).map((l) => [l.mac!, l]));
      const reservations: Reservation[] = s.ips.flatMap((ip) =>
        ip.hosts.map((h) => {
          const lease = (h.ip ? leaseByIp.get(h.ip) : undefined) ?? (h.mac ? leaseByMac.get(h.mac) : undefined);
          return { ...h, family: ip.family, vm: h.mac ? byMac.get(h.mac) : undefined, leased: !!lease && (!h.ip || lease.ip === h.ip), leaseMac: lease?.mac };
        }),
      );
      const plans = s.ips.flatMap((ip) => {
        const plan = addressPlan({ cidr: ip.cidr, gateway: ip.address, ranges: ip.dhcpRanges, reservations: ip.hosts, leases });
        return plan ? [plan] : [];
      });
      const notes = [NOTES[s.mode]].filter((n): n is string => !!n);
      if (s.ips.length && s.ips.every((i) => !i.dhcpRanges.length) && s.mode !== 'bridge') notes.push('No DHCP: guests need static addresses in the subnet.');
      return { ...s, users: usersOf(nics, s), plans, reservations, notes };
    } catch (e) {
      throw networkFailure(e, hostId, `Reading network '${name}'`, name);
    }
  }

  private async readLeases(hostId: string, c: RpcClient, net: NetworkRef, nics: readonly VmNic[]): Promise<DhcpLease[]> {
    const { leases } = await c.call(P.NETWORK_GET_DHCP_LEASES, { net, mac: null, need_results: 1, flags: 0 });
    const byMac = vmByMac(nics);
    return leases
      .map((l) => ({
        ip: l.ipaddr,
        prefix: l.prefix,
        family: l.type === 1 ? ('ipv6' as const) : ('ipv4' as const),
        mac: l.mac?.toLowerCase() ?? undefined,
        hostname: l.hostname ?? undefined,
        clientId: l.clientid ?? undefined,
        // dnsmasq writes 0 for infinite leases.
        expiresAt: l.expirytime > 0 ? l.expirytime * 1000 : null,
        vm: l.mac ? byMac.get(l.mac.toLowerCase()) : undefined,
      }))
      .sort((a, b) => a.ip.localeCompare(b.ip, undefined, { numeric: true }));
  }

  async networkLeases(hostId: string, name: string): Promise<DhcpLease[]> {
    const { c, net } = await this.lookup(hostId, name);
    try {
      if (!(await c.call(P.NETWORK_IS_ACTIVE, { net }))) return [];
      return await this.readLeases(hostId, c, net, await this.nics.list(hostId));
    } catch (e) {
      throw networkFailure(e, hostId, `Reading the leases of '${name}'`, name);
    }
  }

  async networkStart(hostId: string, name: string): Promise<NetworkSummary> {
    const { c, net } = await this.lookup(hostId, name);
    try {
      await c.call(P.NETWORK_CREATE, { net });
      this.log.info(`${hostId}: started network ${name}`);
      return await this.summary(hostId, c, net);
    } catch (e) {
      throw networkFailure(e, hostId, `Starting '${name}'`, name);
    }
  }

  async networkStop(hostId: string, name: string): Promise<NetworkSummary> {
    const { c, net } = await this.lookup(hostId, name);
    try {
      await c.call(P.NETWORK_DESTROY, { net });
      this.log.info(`${hostId}: stopped network ${name}`);
      // A transient network is gone once stopped.
      return await this.summary(hostId, c, net).catch(() => ({ hostId, uuid: net.uuid, name, active: false, persistent: false, autostart: false, mode: 'isolated' as const, forwardInterfaces: [], ips: [] }));
    } catch (e) {
      throw networkFailure(e, hostId, `Stopping '${name}'`, name);
    }
  }

  async networkSetAutostart(hostId: string, name: string, autostart: boolean): Promise<NetworkSummary> {
    const { c, net } = await this.lookup(hostId, name);
    try {
      await c.call(P.NETWORK_SET_AUTOSTART, { net, autostart });
      return await this.summary(hostId, c, net);
    } catch (e) {
      throw networkFailure(e, hostId, `Setting autostart of '${name}'`, name);
    }
  }

  /** Refused while any VM (running or only saved) has a NIC on it, naming them. */
  async networkDelete(hostId: string, name: string): Promise<{ deleted: boolean }> {
    const { c, net } = await this.lookup(hostId, name);
    let stopped = false;
    try {
      const [s, nics] = await Promise.all([this.summary(hostId, c, net), this.nics.list(hostId)]);
      const users = usersOf(nics, s);
      if (users.length) {
        const names = [...new Set(users.map((u) => `'${u.vm}'${u.state === 'running' ? ' (running)' : ''}`))];
        throw new AppFailure('CONFLICT', `Network '${name}' is in use by ${names.length === 1 ? 'VM' : 'VMs'} ${names.join(', ')}. Move their NICs to another network or delete them first.`, {
          hostId,
          detail: { users: users.map((u) => ({ uuid: u.uuid, vm: u.vm, mac: u.mac, state: u.state })) },
        });
      }
      if (s.active) {
        await c.call(P.NETWORK_DESTROY, { net });
        stopped = true;
      }
      if (s.persistent) await c.call(P.NETWORK_UNDEFINE, { net });
      this.log.info(`${hostId}: deleted network ${name}`);
      return { deleted: true };
    } catch (e) {
      const f = networkFailure(e, hostId, `Deleting '${name}'`, name);
      if (stopped && f.error.code === 'NOT_CONNECTED') {
        throw new AppFailure('NOT_CONNECTED', `Deleting '${name}': the network was stopped, then the host disconnected before it was undefined. It is still defined (stopped); delete it again once the host is back.`, { hostId });
      }
      throw f;
    }
  }
}

export function vmByMac(nics: readonly VmNic[]): Map<string, { uuid: string; name: string }> {
  const m = new Map<string, { uuid: string; name: string }>();
  for (const n of nics) if (n.mac && !m.has(n.mac)) m.set(n.mac.toLowerCase(), { uuid: n.uuid, name: n.vm });
  return m;
}
