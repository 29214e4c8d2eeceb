import { parseDomainXml } from '../../shared/libvirt/domain-xml';
import { parseNetworkXml } from '../../shared/libvirt/network-xml';
import type { TagsFile, VmAddresses } from '../../shared/model/backup';
import { toLibvirtFailure } from '../libvirt/errors';
import { ListDomains, XmlFlags } from '../libvirt/flags';
import type { RpcClient } from '../libvirt/rpc/client';
import { P } from '../libvirt/rpc/procedures/index';
import { ListNetworks } from '../libvirt/rpc/procedures/network';

// Reads every persistent definition of one host as libvirt stores it. Used for
// a backup and for the live side of a diff, so both are read the same way.

/** VIR_NETWORK_XML_INACTIVE and VIR_STORAGE_XML_INACTIVE: the saved definition, not the running one. */
const XML_INACTIVE = 1;
/** Storage pool list flags share the network list's values (libvirt-storage.h). */
const ListPools = ListNetworks;

export interface LiveItem {
  key: string;
  name: string;
  xml: string;
  active: boolean;
  autostart: boolean;
}

export interface HostDefinitions {
  domains: LiveItem[];
  networks: LiveItem[];
  pools: LiveItem[];
  ips: VmAddresses;
  tags: TagsFile['domains'];
}

const ids = (r: { uuid: string }[]) => new Set(r.map((x) => x.uuid));

/**
 * Domains with INACTIVE|SECURE: the definition that a define brings back,
 * secrets included (graphics passwords; docs/backup.md). Transient domains
 * have no saved definition and are left out. Objects undefined between the
 * list and the read are skipped (they are gone, not an error).
 */
export async function readHostDefinitions(c: RpcClient, hostId: string, signal?: AbortSignal): Promise<HostDefinitions> {
  const o = { signal, timeoutMs: 60_000 };
  const gone = (e: unknown) => toLibvirtFailure(e, hostId, '').error.code === 'NOT_FOUND';
  try {
    const [doms, domActive, domAuto, nets, netActive, netAuto, pools, poolActive, poolAuto] = await Promise.all([
      c.call(P.CONNECT_LIST_ALL_DOMAINS, { need_results: 1, flags: ListDomains.PERSISTENT }, o),
      c.call(P.CONNECT_LIST_ALL_DOMAINS, { need_results: 1, flags: ListDomains.PERSISTENT | ListDomains.ACTIVE }, o).then((r) => ids(r.domains)),
      c.call(P.CONNECT_LIST_ALL_DOMAINS, { need_results: 1, flags: ListDomains.PERSISTENT | ListDomains.AUTOSTART }, o).then((r) => ids(r.domains)),
      c.call(P.CONNECT_LIST_ALL_NETWORKS, { need_results: 1, flags: ListNetworks.PERSISTENT }, o),
      c.call(P.CONNECT_LIST_ALL_NETWORKS, { need_results: 1, flags: ListNetworks.PERSISTENT | ListNetworks.ACTIVE }, o).then((r) => ids(r.nets)),
      c.call(P.CONNECT_LIST_ALL_NETWORKS, { need_results: 1, flags: ListNetworks.PERSISTENT | ListNetworks.AUTOSTART }, o).then((r) => ids(r.nets)),
      c.call(P.CONNECT_LIST_ALL_STORAGE_POOLS, { need_results: 1, flags: ListPools.PERSISTENT }, o),
      c.call(P.CONNECT_LIST_ALL_STORAGE_POOLS, { need_results: 1, flags: ListPools.PERSISTENT | ListPools.ACTIVE }, o).then((r) => ids(r.pools)),
      c.call(P.CONNECT_LIST_ALL_STORAGE_POOLS, { need_results: 1, flags: ListPools.PERSISTENT | ListPools.AUTOSTART }, o).then((r) => ids(r.pools)),
    ]);
    const keep = <T>(p: Promise<T>) => p.catch((e: unknown) => (gone(e) ? undefined : Promise.reject(e)));
    const [domXml, netXml, poolXml] = await Promise.all([
      Promise.all(doms.domains.map((dom) => keep(c.call(P.DOMAIN_GET_XML_DESC, { dom, flags: XmlFlags.INACTIVE | XmlFlags.SECURE }, o)))),
      Promise.all(nets.nets.map((net) => keep(c.call(P.NETWORK_GET_XML_DESC, { net, flags: XML_INACTIVE }, o)))),
      Promise.all(pools.pools.map((pool) => keep(c.call(P.STORAGE_POOL_GET_XML_DESC, { pool, flags: XML_INACTIVE }, o)))),
    ]);
    const domains = doms.domains.flatMap((d, i) => (domXml[i] ? [{ key: d.uuid, name: d.name, xml: domXml[i], active: domActive.has(d.uuid), autostart: domAuto.has(d.uuid) }] : []));
    const networks = nets.nets.flatMap((n, i) => (netXml[i] ? [{ key: n.name, name: n.name, xml: netXml[i], active: netActive.has(n.uuid), autostart: netAuto.has(n.uuid) }] : []));
    const poolItems = pools.pools.flatMap((p, i) => (poolXml[i] ? [{ key: p.name, name: p.name, xml: poolXml[i], active: poolActive.has(p.uuid), autostart: poolAuto.has(p.uuid) }] : []));

    // Leases of running networks, by MAC.
    const leaseLists = await Promise.all(
      nets.nets.filter((n) => netActive.has(n.uuid)).map((net) => keep(c.call(P.NETWORK_GET_DHCP_LEASES, { net, mac: null, need_results: 1, flags: 0 }, o)).then((r) => ({ net: net.name, leases: r?.leases ?? [] }))),
    );
    const leasesByMac = new Map<string, { ip: string; network: string }[]>();
    for (const { net, leases } of leaseLists) {
      for (const l of leases) {
        if (!l.mac) continue;
        const mac = l.mac.toLowerCase();
        leasesByMac.set(mac, [...(leasesByMac.get(mac) ?? []), { ip: l.ipaddr, network: net }]);
      }
    }
    const reservationsByMac = new Map<string, { ip: string; network: string; hostname?: string }[]>();
    for (const n of networks) {
      for (const block of parseNetworkXml(n.xml).ips) {
        for (const h of block.hosts) {
          if (!h.mac || !h.ip) continue;
          reservationsByMac.set(h.mac, [...(reservationsByMac.get(h.mac) ?? []), { ip: h.ip, network: n.name, ...(h.name ? { hostname: h.name } : {}) }]);
        }
      }
    }
    const ips: VmAddresses = {};
    const tags: TagsFile['domains'] = {};
    for (const d of domains) {
      const parsed = parseDomainXml(d.xml);
      tags[d.key] = { name: d.name, tags: parsed.tags };
      ips[d.key] = {
        name: d.name,
        nics: parsed.nics.flatMap((nic) => {
          const mac = nic.mac?.toLowerCase();
          if (!mac) return [];
          return [{ mac, ...(nic.type === 'network' && nic.source ? { network: nic.source } : {}), leases: leasesByMac.get(mac) ?? [], reservations: reservationsByMac.get(mac) ?? [] }];
        }),
      };
    }
    const byName = (a: LiveItem, b: LiveItem) => a.name.localeCompare(b.name);
    return { domains: domains.sort(byName), networks: networks.sort(byName), pools: poolItems.sort(byName), ips, tags };
  } catch (e) {
    throw toLibvirtFailure(e, hostId, 'Reading the definitions');
  }
}
