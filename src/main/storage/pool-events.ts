import type { EventBus } from '../ipc/bus';
import { PoolEventId } from '../libvirt/rpc/procedures/storage';
import { P } from '../libvirt/rpc/procedures/index';
import type { LibvirtSession } from '../libvirt/sessions';
import type { Dispose } from '../util/disposable';
import type { Logger } from '../util/log';

/**
 * Session hook: libvirt's storage pool events (lifecycle 370, refresh 373)
 * become `pool.changed`, so pool and volume views follow the host without
 * polling. libvirt refreshes a pool after every volume upload, so upload
 * results arrive this way too. A new session says "re-list everything".
 */
export function poolEventsHook(bus: EventBus, log: Logger) {
  return async (session: LibvirtSession): Promise<Dispose> => {
    const { client: c, hostId } = session;
    const offs = [
      c.onEvent('storagePoolLifecycle', (ev) => bus.emit('pool.changed', { hostId, pool: ev.pool.name, volumes: true })),
      c.onEvent('storagePoolRefresh', (ev) => bus.emit('pool.changed', { hostId, pool: ev.pool.name, volumes: true })),
    ];
    const callbackIds: number[] = [];
    if (session.eventCallbacks) {
      for (const eventID of [PoolEventId.LIFECYCLE, PoolEventId.REFRESH]) {
        try {
          callbackIds.push(await c.call(P.CONNECT_STORAGE_POOL_EVENT_REGISTER_ANY, { eventID, pool: null }));
        } catch (e) {
          // libvirt < 2.0 has no pool events: the views then refresh after our own calls only.
          log.warn(`${hostId}: storage pool events unavailable: ${String(e)}`);
          break;
        }
      }
    }
    bus.emit('pool.changed', { hostId, volumes: true });
    return () => {
      offs.forEach((off) => off());
      for (const callbackID of callbackIds) void c.call(P.CONNECT_STORAGE_POOL_EVENT_DEREGISTER_ANY, { callbackID }).catch(() => {});
    };
  };
}
