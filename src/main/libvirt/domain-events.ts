import type { EventBus } from '../ipc/bus';
import type { Logger } from '../util/log';
import type { Dispose } from '../util/disposable';
import type { DomainInventory } from './domain-inventory';
import { DomainEventId } from './flags';
import { LifecycleEvent } from './rpc/procedures/events';
import { P } from './rpc/procedures/index';
import type { LibvirtSession } from './sessions';

/** Events of many domains inside this window become one `domain.changed`. */
export const COALESCE_MS = 16;
/** Guest IPs come from DHCP leases, which carry no event: re-read them this often. */
export const IP_REFRESH_MS = 10_000;

const DEFINITION_EVENTS = new Set<number>([LifecycleEvent.DEFINED, LifecycleEvent.UNDEFINED]);

/**
 * Session hook: subscribes to libvirt's domain events on a host, coalesces
 * bursts (a bulk start fires dozens), reads fresh summaries for just the
 * affected domains, and pushes them. A new session first says "resync", since
 * anything may have happened while we were away.
 */
export function domainEventsHook(inventory: DomainInventory, bus: EventBus, log: Logger) {
  return async (session: LibvirtSession): Promise<Dispose> => {
    const { client: c, hostId } = session;
    const pending = new Set<string>();
    let timer: NodeJS.Timeout | undefined;
    let disposed = false;

    const flush = async () => {
      timer = undefined;
      const uuids = [...pending];
      pending.clear();
      if (!uuids.length || disposed) return;
      try {
        // Flushes may overlap (a slow refresh, then a new burst): each carries
        // the stamp its read started with, so the receiver keeps the newer one.
        const { epoch, seq, upserted, removed } = await inventory.refresh(hostId, uuids);
        if (!disposed) bus.emit('domain.changed', { hostId, epoch, seq, upserted, removed, resync: false });
      } catch (e) {
        log.warn(`${hostId}: refresh after events failed, asking for a re-list: ${String(e)}`);
        if (!disposed) bus.emit('domain.changed', { hostId, ...inventory.stamp(hostId), upserted: [], removed: [], resync: true });
      }
    };
    const touch = (uuid: string, definitionChanged: boolean) => {
      if (definitionChanged) inventory.invalidate(hostId, [uuid]);
      pending.add(uuid);
      timer ??= setTimeout(() => void flush(), COALESCE_MS);
    };

    const offs: Dispose[] = [
      c.onEvent('domainLifecycle', (ev) => touch(ev.dom.uuid, DEFINITION_EVENTS.has(ev.event))),
      c.onEvent('domainReboot', (ev) => touch(ev.dom.uuid, false)),
      c.onEvent('domainDeviceAdded', (ev) => touch(ev.dom.uuid, true)),
      c.onEvent('domainDeviceRemoved', (ev) => touch(ev.dom.uuid, true)),
      c.onEvent('domainMetadataChange', (ev) => touch(ev.dom.uuid, true)),
    ];
    const callbackIds: number[] = [];
    if (session.eventCallbacks) {
      for (const eventID of Object.values(DomainEventId)) {
        callbackIds.push(await c.call(P.CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, { eventID, dom: null }));
      }
    } else {
      log.warn(`${hostId}: libvirt too old for callback events; the tree will not update by itself`);
    }

    const ipTimer = setInterval(() => {
      inventory
        .refreshIps(hostId)
        .then((changed) => {
          for (const u of changed) touch(u, false);
        })
        .catch((e) => log.debug(`${hostId}: IP refresh failed: ${String(e)}`));
    }, IP_REFRESH_MS);

    bus.emit('domain.changed', { hostId, ...inventory.stamp(hostId), upserted: [], removed: [], resync: true });

    return () => {
      disposed = true;
      if (timer) clearTimeout(timer);
      clearInterval(ipTimer);
      offs.forEach((off) => off());
      // Best effort: the connection may already be going away.
      for (const callbackID of callbackIds) void c.call(P.CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY, { callbackID }).catch(() => {});
      inventory.forgetHost(hostId);
    };
  };
}
