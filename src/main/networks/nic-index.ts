import { domainStateName, parseDomainXml } from '../../shared/libvirt/domain-xml';
import type { VmNic } from '../../shared/model/network';
import type { Logger } from '../util/log';
import { isNoDomain, toLibvirtFailure } from '../libvirt/errors';
import { ListDomains, Stats, StatsFlags, XmlFlags } from '../libvirt/flags';
import { P } from '../libvirt/rpc/procedures/index';
import type { DomainRef } from '../libvirt/rpc/types';
import type { LibvirtSessions } from '../libvirt/sessions';

interface Entry {
  /** Runtime id the NICs were read at: a restart (new id) re-reads them. */
  id: number;
  name: string;
  nics: Omit<VmNic, 'state' | 'uuid' | 'vm'>[];
}

/**
 * Every VM NIC on a host (which network or bridge each MAC is plugged into),
 * for "who uses this network", reservations by VM and attaching. Definitions
 * are read once per domain and re-read only after its events (the session
 * hook calls invalidate) or a restart, so a page of networks costs one list
 * and one stats call on a host of thousands.
 */
export class VmNicIndex {
  private readonly cache = new Map<string, Map<string, Entry>>();

  constructor(
    private readonly sessions: LibvirtSessions,
    private readonly log: Logger,
  ) {}

  invalidate(hostId: string, uuid: string): void {
    this.cache.get(hostId)?.delete(uuid);
  }

  forgetHost(hostId: string): void {
    this.cache.delete(hostId);
  }

  async list(hostId: string): Promise<VmNic[]> {
    const c = this.sessions.client(hostId);
    let cache = this.cache.get(hostId);
    if (!cache) this.cache.set(hostId, (cache = new Map()));
    try {
      const [all, persistent, stats] = await Promise.all([
        c.call(P.CONNECT_LIST_ALL_DOMAINS, { need_results: 1, flags: 0 }),
        c.call(P.CONNECT_LIST_ALL_DOMAINS, { need_results: 1, flags: ListDomains.PERSISTENT }),
        c.call(P.CONNECT_GET_ALL_DOMAIN_STATS, { doms: [], stats: Stats.STATE, flags: StatsFlags.NOWAIT }),
      ]);
      const pers = new Set(persistent.domains.map((d) => d.uuid));
      const state = new Map(stats.map((r) => [r.dom.uuid, Number(r.params.find((p) => p.field === 'state.state')?.value ?? 0)]));
      const live = new Set(all.domains.map((d) => d.uuid));
      for (const u of cache.keys()) if (!live.has(u)) cache.delete(u);
      await Promise.all(all.domains.filter((d) => cache.get(d.uuid)?.id !== d.id).map((d) => this.load(hostId, d, pers.has(d.uuid), cache)));
      return all.domains.flatMap((d) => {
        const e = cache.get(d.uuid);
        return e ? e.nics.map((n) => ({ ...n, uuid: d.uuid, vm: d.name, state: domainStateName(state.get(d.uuid) ?? 0) })) : [];
      });
    } catch (e) {
      throw toLibvirtFailure(e, hostId, 'Reading the NICs of the VMs');
    }
  }

  private async load(hostId: string, d: DomainRef, persistent: boolean, cache: Map<string, Entry>): Promise<void> {
    const c = this.sessions.client(hostId);
    try {
      // A running VM's live NICs are what is plugged in now; its saved
      // definition (after a config-only change) is what it gets at the next
      // start. Both count as "using" a network.
      const running = d.id >= 0;
      const [liveXml, savedXml] = await Promise.all([
        c.call(P.DOMAIN_GET_XML_DESC, { dom: d, flags: 0 }),
        running && persistent ? c.call(P.DOMAIN_GET_XML_DESC, { dom: d, flags: XmlFlags.INACTIVE }) : Promise.resolve(undefined),
      ]);
      const nics: Entry['nics'] = parseDomainXml(liveXml).nics.map((n) => ({ mac: n.mac, type: n.type, source: n.source, model: n.model, live: running }));
      if (savedXml) {
        for (const n of parseDomainXml(savedXml).nics) {
          if (!nics.some((x) => x.mac === n.mac && x.source === n.source && x.type === n.type)) nics.push({ mac: n.mac, type: n.type, source: n.source, model: n.model, live: false });
        }
      }
      cache.set(d.uuid, { id: d.id, name: d.name, nics });
    } catch (e) {
      // Undefined between the list and this read: it uses nothing any more.
      if (!isNoDomain(e)) this.log.warn(`${hostId}: NICs of ${d.name} unreadable: ${String(e)}`);
    }
  }
}
