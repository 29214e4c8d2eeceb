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

    const refreshLeases = async () => {
      leaseTimer = undefined;
      const networks = [...dirtyLeases];
      dirtyLeases.clear();
      if (disposed) return;
      bus.emit('network.leasesChanged', { hostId, networks });
      try {
        const uuids = await inventory.refreshIps(hostId);
        if (!uuids.length || disposed) return;
        const { upserted, removed } = await inventory.refresh(hostId, uuids);
        if (!disposed) bus.emit('domain.changed', { hostId, upserted, removed, resync: false });
      } catch (e) {
        log.debug(`${hostId}: IP refresh after a lease change failed: ${String(e)}`);
      }
    };

    const watcher =
      session.path === 'system'
        ? new LeaseWatcher(session.transport, log, (network) => {
            dirtyLeases.add(network);
            leaseTimer ??= setTimeout(() => void refreshLeases(), LEASE_COALESCE_MS);
          })
        : undefined;
    const rewatch = () => {
      if (!watcher || disposed) return;
      bridgesOfActive().then(
        (b) => !disposed && watcher.watch(b),
        (e) => log.debug(`${hostId}: listing bridges for the lease watch failed: ${String(e)}`),
      );
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
