import { randomUUID } from 'node:crypto';
import type { DomainListing, DomainSeq } from '../../shared/ipc/calls/domains';
import type { DomainSummary } from '../../shared/model/domain';
import { domainStateName, parseDomainXml, type ParsedDomain } from '../../shared/libvirt/domain-xml';
import type { Logger } from '../util/log';
import { isNoDomain, toLibvirtFailure } from './errors';
import { IfaceAddrSource, ListDomains, Stats, StatsFlags } from './flags';
import type { RpcClient } from './rpc/client';
import { P } from './rpc/procedures/index';
import type { DomainRef } from './rpc/types';
import type { LibvirtSessions } from './sessions';

/** What the tree needs from a domain's definition; re-read only when it changes. */
interface DefInfo {
  vcpus: number;
  memoryKiB: number;
  tags: string[];
  hasGuestAgent: boolean;
}

const defInfo = (d: ParsedDomain): DefInfo => ({ vcpus: d.vcpu.current, memoryKiB: d.memory.currentKiB, tags: d.tags, hasGuestAgent: d.hasGuestAgent });

/**
 * Domain summaries for a host in a constant number of round trips: three
 * LIST_ALL calls (all / autostart / persistent), one GET_ALL_DOMAIN_STATS for
 * every state, and XML only for definitions not cached yet (pipelined).
 */
export class DomainInventory {
  /** Names this core process in every stamp: sequences start again with a new one. */
  readonly epoch = randomUUID();
  private readonly defs = new Map<string, Map<string, DefInfo>>();
  private readonly ips = new Map<string, Map<string, string[]>>();
  /** Hosts listed at least once: their cache holds every domain's definition. */
  private readonly listed = new Set<string>();
  /** Last sequence handed out per host; kept across reconnects so a number is never reused. */
  private readonly seqs = new Map<string, number>();

  constructor(
    private readonly sessions: LibvirtSessions,
    private readonly log: Logger,
  ) {}

  private defCache(hostId: string) {
    let m = this.defs.get(hostId);
    if (!m) this.defs.set(hostId, (m = new Map()));
    return m;
  }
  private ipCache(hostId: string) {
    let m = this.ips.get(hostId);
    if (!m) this.ips.set(hostId, (m = new Map()));
    return m;
  }

  forgetHost(hostId: string): void {
    this.listed.delete(hostId);
    this.defs.delete(hostId);
    this.ips.delete(hostId);
  }

  /** Drops cached definitions so the next read re-parses XML (define, device, metadata events). */
  invalidate(hostId: string, uuids: Iterable<string>): void {
    const m = this.defs.get(hostId);
    for (const u of uuids) m?.delete(u);
  }

  /**
   * The place of a read that starts now in its host's history. Taken before
   * the first RPC goes out: a read that starts later reflects at least every
   * event that came before it, so the higher stamp is never the older state.
   */
  stamp(hostId: string): DomainSeq {
    const seq = (this.seqs.get(hostId) ?? 0) + 1;
    this.seqs.set(hostId, seq);
    return { epoch: this.epoch, seq };
  }

  /** Every domain of a host, stamped (what `domains.list` answers). */
  async listing(hostId: string): Promise<DomainListing> {
    const stamp = this.stamp(hostId);
    return { ...stamp, domains: await this.list(hostId) };
  }

  async list(hostId: string): Promise<DomainSummary[]> {
    const c = this.sessions.client(hostId);
    try {
      const all = { need_results: 1, flags: 0 };
      const [everything, autostart, persistent, stats] = await Promise.all([
        c.call(P.CONNECT_LIST_ALL_DOMAINS, all),
        c.call(P.CONNECT_LIST_ALL_DOMAINS, { need_results: 1, flags: ListDomains.AUTOSTART }),
        c.call(P.CONNECT_LIST_ALL_DOMAINS, { need_results: 1, flags: ListDomains.PERSISTENT }),
        // NOWAIT: a domain busy with a job must not stall the whole list (~30 s).
        c.call(P.CONNECT_GET_ALL_DOMAIN_STATS, { doms: [], stats: Stats.STATE, flags: StatsFlags.NOWAIT }),
      ]);
      const auto = new Set(autostart.domains.map((d) => d.uuid));
      const pers = new Set(persistent.domains.map((d) => d.uuid));
      const state = new Map<string, { state: number; reason: number }>();
      for (const rec of stats) {
        const s = rec.params.find((p) => p.field === 'state.state');
        const r = rec.params.find((p) => p.field === 'state.reason');
        state.set(rec.dom.uuid, { state: Number(s?.value ?? 0), reason: Number(r?.value ?? 0) });
      }
      await this.loadDefinitions(hostId, c, everything.domains);
      const running = everything.domains.filter((d) => d.id >= 0);
      await this.loadIps(hostId, c, running);
      this.listed.add(hostId);
      return everything.domains
        .map((d) => this.summary(hostId, d, state.get(d.uuid) ?? { state: 0, reason: 0 }, auto.has(d.uuid), pers.has(d.uuid)))
        .sort((a, b) => a.name.localeCompare(b.name));
    } catch (e) {
      throw toLibvirtFailure(e, hostId, 'Listing domains failed');
    }
  }

  /** A domain's tags from the cache, without a round trip (access checks of answers and events). */
  cachedTags(hostId: string, uuid: string): readonly string[] | undefined {
    return this.defs.get(hostId)?.get(uuid)?.tags;
  }

  /** A domain's tags, read from its XML when not cached; undefined when it does not exist. */
  async tagsOf(hostId: string, uuid: string): Promise<readonly string[] | undefined> {
    const hit = this.cachedTags(hostId, uuid);
    if (hit) return hit;
    const c = this.sessions.client(hostId);
    try {
      const dom = await c.call(P.DOMAIN_LOOKUP_BY_UUID, { uuid });
      await this.loadDefinitions(hostId, c, [dom]);
    } catch (e) {
      if (isNoDomain(e)) return undefined;
      throw toLibvirtFailure(e, hostId, `Reading domain ${uuid} failed`);
    }
    return this.cachedTags(hostId, uuid);
  }

  /** Whether any domain of the host carries one of `tags` (lists the host once if it never was). */
  async hasTagged(hostId: string, tags: readonly string[]): Promise<boolean> {
    if (!this.listed.has(hostId)) await this.list(hostId);
    for (const d of this.defs.get(hostId)?.values() ?? []) if (d.tags.some((t) => tags.includes(t))) return true;
    return false;
  }

  /** Fresh summaries for a few domains (after events); unknown UUIDs come back in `removed`. */
  async refresh(hostId: string, uuids: readonly string[]): Promise<DomainSeq & { upserted: DomainSummary[]; removed: string[] }> {
    const stamp = this.stamp(hostId);
    const c = this.sessions.client(hostId);
    const upserted: DomainSummary[] = [];
    const removed: string[] = [];
    await Promise.all(
      uuids.map(async (uuid) => {
        try {
          const dom = await c.call(P.DOMAIN_LOOKUP_BY_UUID, { uuid });
          const [st, autostart, persistent] = await Promise.all([
            c.call(P.DOMAIN_GET_STATE, { dom, flags: 0 }),
            c.call(P.DOMAIN_GET_AUTOSTART, { dom }),
            c.call(P.DOMAIN_IS_PERSISTENT, { dom }),
            this.loadDefinitions(hostId, c, [dom]),
          ]);
          if (dom.id >= 0) await this.loadIps(hostId, c, [dom]);
          else this.ipCache(hostId).delete(uuid);
          upserted.push(this.summary(hostId, dom, st, autostart, persistent));
        } catch (e) {
          if (!isNoDomain(e)) throw toLibvirtFailure(e, hostId, `Reading domain ${uuid} failed`);
          this.defCache(hostId).delete(uuid);
          this.ipCache(hostId).delete(uuid);
          removed.push(uuid);
        }
      }),
    );
    return { ...stamp, upserted, removed };
  }

  /** Re-reads lease IPs of running domains; returns those whose addresses changed. */
  async refreshIps(hostId: string): Promise<string[]> {
    const c = this.sessions.client(hostId);
    const active = await c.call(P.CONNECT_LIST_ALL_DOMAINS, { need_results: 1, flags: ListDomains.ACTIVE });
    const before = new Map(this.ipCache(hostId));
    await this.loadIps(hostId, c, active.domains);
    return active.domains.map((d) => d.uuid).filter((u) => (before.get(u) ?? []).join() !== (this.ipCache(hostId).get(u) ?? []).join());
  }

  private summary(hostId: string, d: DomainRef, st: { state: number; reason: number }, autostart: boolean, persistent: boolean): DomainSummary {
    const def = this.defCache(hostId).get(d.uuid);
    return {
      hostId,
      uuid: d.uuid,
      name: d.name,
      id: d.id,
      state: domainStateName(st.state),
      reason: st.reason,
      persistent,
      autostart,
      vcpus: def?.vcpus,
      memoryKiB: def?.memoryKiB,
      tags: def?.tags ?? [],
      ips: this.ipCache(hostId).get(d.uuid) ?? [],
    };
  }

  private async loadDefinitions(hostId: string, c: RpcClient, doms: readonly DomainRef[]): Promise<void> {
    const cache = this.defCache(hostId);
    await Promise.all(
      doms
        .filter((d) => !cache.has(d.uuid))
        .map(async (d) => {
          try {
            cache.set(d.uuid, defInfo(parseDomainXml(await c.call(P.DOMAIN_GET_XML_DESC, { dom: d, flags: 0 }))));
          } catch (e) {
            // Undefined between the list and this call: the next event settles it.
            if (!isNoDomain(e)) this.log.warn(`${hostId}: XML of ${d.name} unreadable: ${String(e)}`);
          }
        }),
    );
  }

  private async loadIps(hostId: string, c: RpcClient, doms: readonly DomainRef[]): Promise<void> {
    const cache = this.ipCache(hostId);
    const defs = this.defCache(hostId);
    const addrs = async (dom: DomainRef, source: number) =>
      (await c.call(P.DOMAIN_INTERFACE_ADDRESSES, { dom, source, flags: 0 })).flatMap((i) => i.addrs.map((a) => a.addr));
    await Promise.all(
      doms.map(async (d) => {
        let ips: string[] = [];
        try {
          // Lease source first: what libvirt's dnsmasq handed out, needs nothing in the guest.
          ips = await addrs(d, IfaceAddrSource.LEASE);
        } catch {
          // No lease database for this network (bridged NICs): try the agent below.
        }
        if (!ips.length && defs.get(d.uuid)?.hasGuestAgent) {
          // The agent sees static and bridged addresses too; it may not be running yet.
          ips = await addrs(d, IfaceAddrSource.AGENT).then((a) => a.filter((x) => !x.startsWith('127.') && x !== '::1'), () => []);
        }
        cache.set(d.uuid, ips);
      }),
    );
  }
}
