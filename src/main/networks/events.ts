import type { EventBus } from '../ipc/bus';
import type { DomainInventory } from '../libvirt/domain-inventory';
import { P } from '../libvirt/rpc/procedures/index';
import { ListNetworks } from '../libvirt/rpc/procedures/network';
import type { LibvirtSession } from '../libvirt/sessions';
import type { Dispose } from '../util/disposable';
import type { Logger } from '../util/log';
import { LeaseWatcher } from './lease-watch';
import type { VmNicIndex } from './nic-index';

/** Network events inside this window become one `network.changed`. */
const COALESCE_MS = 16;
/** dnsmasq rewrites a status file per lease; a DHCP exchange touches it a few times. */
const LEASE_COALESCE_MS = 150;
/** At most one lease re-read per host this often, however busy its networks are. */
const LEASE_MIN_INTERVAL_MS = 1000;

/** mac -> its addresses, comma-joined and sorted: one network's leases, for diffing. */
export type LeaseMap = Map<string, string>;

export function leaseMap(leases: ReadonlyArray<{ mac?: string | null; ipaddr: string }>): LeaseMap {
  const m = new Map<string, string[]>();
  for (const l of leases) {
    if (!l.mac) continue;
    const mac = l.mac.toLowerCase();
    m.set(mac, [...(m.get(mac) ?? []), l.ipaddr]);
  }
  return new Map([...m].map(([mac, ips]) => [mac, ips.sort().join(',')]));
}

/** MACs whose addresses differ between two lease snapshots (renewals change nothing). */
export function leaseDiff(before: LeaseMap | undefined, after: LeaseMap): string[] {
  const out = new Set<string>();
  for (const [mac, ips] of after) if (before?.get(mac) !== ips) out.add(mac);
  for (const mac of before?.keys() ?? []) if (!after.has(mac)) out.add(mac);
  return [...out];
}

export interface NetworkEventDeps {
  nics: VmNicIndex;
  inventory: DomainInventory;
  bus: EventBus;
  log: Logger;
}

/**
 * Session hook: pushes libvirt's network lifecycle events as `network.changed`
 * (no polling), keeps the VM-NIC index fresh from domain events, and watches
 * the host's DHCP lease files so a guest's new address shows in the VM's IP
 * column as soon as dnsmasq hands it out (`network.leasesChanged` plus
 * `domain.changed` for the VMs whose addresses moved).
 */
export function networkEventsHook(deps: NetworkEventDeps) {
  const { nics, inventory, bus, log } = deps;
  return async (session: LibvirtSession): Promise<Dispose> => {
    const { client: c, hostId } = session;
    let disposed = false;
    const changed = new Set<string>();
    let timer: NodeJS.Timeout | undefined;
    let leaseTimer: NodeJS.Timeout | undefined;
    const dirtyLeases = new Set<string>();

    const bridgesOfActive = async (): Promise<Map<string, string>> => {
      const { nets } = await c.call(P.CONNECT_LIST_ALL_NETWORKS, { need_results: 1, flags: ListNetworks.ACTIVE });
      const pairs = await Promise.all(nets.map(async (n) => [await c.call(P.NETWORK_GET_BRIDGE_NAME, { net: n }).catch(() => ''), n.name] as const));
      return new Map(pairs.filter(([b]) => b));
    };

    // Each watched network's leases as last seen, so a change refreshes only
    // the VMs whose addresses moved (a renewal refreshes nobody).
    const snapshots = new Map<string, LeaseMap>();
    const readLeases = async (name: string) => {
      const net = await c.call(P.NETWORK_LOOKUP_BY_NAME, { name });
      return leaseMap((await c.call(P.NETWORK_GET_DHCP_LEASES, { net, mac: null, need_results: 1, flags: 0 })).leases);
    };
    let lastRefresh = 0;
    const refreshLeases = async () => {
      leaseTimer = undefined;
      lastRefresh = Date.now();
      const networks = [...dirtyLeases];
      dirtyLeases.clear();
      if (disposed) return;
      bus.emit('network.leasesChanged', { hostId, networks });
      try {
        const moved = new Set<string>();
        for (const name of networks) {
          const after = await readLeases(name);
          for (const mac of leaseDiff(snapshots.get(name), after)) moved.add(mac);
          snapshots.set(name, after);
        }
        if (!moved.size || disposed) return;
        const uuids = [...new Set((await nics.list(hostId)).filter((n) => n.mac && moved.has(n.mac.toLowerCase())).map((n) => n.uuid))];
        if (!uuids.length || disposed) return;
        const { epoch, seq, upserted, removed } = await inventory.refresh(hostId, uuids);
        if (!disposed) bus.emit('domain.changed', { hostId, epoch, seq, upserted, removed, resync: false });
      } catch (e) {
        log.debug(`${hostId}: IP refresh after a lease change failed: ${String(e)}`);
      }
    };
    const leaseChanged = (network: string) => {
      dirtyLeases.add(network);
      leaseTimer ??= setTimeout(() => void refreshLeases(), Math.max(LEASE_COALESCE_MS, lastRefresh + LEASE_MIN_INTERVAL_MS - Date.now()));
    };

    const watcher =
      session.path === 'system'
        ? new LeaseWatcher(session.transport, log, leaseChanged)
        : undefined;
    const rewatch = () => {
      if (!watcher || disposed) return;
      bridgesOfActive()
        .then(async (b) => {
          if (disposed) return;
          watcher.watch(b);
          const names = new Set(b.values());
          for (const n of snapshots.keys()) if (!names.has(n)) snapshots.delete(n);
          for (const n of names) if (!snapshots.has(n)) snapshots.set(n, await readLeases(n).catch(() => new Map()));
        })
        .catch((e) => log.debug(`${hostId}: listing bridges for the lease watch failed: ${String(e)}`));
    };

    const flush = () => {
      timer = undefined;
      const names = [...changed];
      changed.clear();
      if (disposed || !names.length) return;
      bus.emit('network.changed', { hostId, names, resync: false });
      rewatch();
    };

    const offs: Dispose[] = [
      c.onEvent('networkLifecycle', (ev) => {
        changed.add(ev.net.name);
        timer ??= setTimeout(flush, COALESCE_MS);
      }),
      // Any change to a domain's definition or run state may move its NICs.
      c.onEvent('domainLifecycle', (ev) => nics.invalidate(hostId, ev.dom.uuid)),
      c.onEvent('domainDeviceAdded', (ev) => nics.invalidate(hostId, ev.dom.uuid)),
      c.onEvent('domainDeviceRemoved', (ev) => nics.invalidate(hostId, ev.dom.uuid)),
    ];
    let callbackID: number | undefined;
    try {
      callbackID = await c.call(P.CONNECT_NETWORK_EVENT_REGISTER_ANY, { eventID: 0, net: null });
    } catch (e) {
      log.warn(`${hostId}: network events unavailable, the networks view will not update by itself: ${String(e)}`);
    }
    rewatch();
    // A new session may follow missed events: anyone showing networks re-lists.
    bus.emit('network.changed', { hostId, names: [], resync: true });

    return () => {
      disposed = true;
      if (timer) clearTimeout(timer);
      if (leaseTimer) clearTimeout(leaseTimer);
      offs.forEach((off) => off());
      watcher?.dispose();
      if (callbackID !== undefined) void c.call(P.CONNECT_NETWORK_EVENT_DEREGISTER_ANY, { callbackID }).catch(() => {});
      nics.forgetHost(hostId);
    };
  };
}
