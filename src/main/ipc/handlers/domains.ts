import type { DomainActions } from '../../libvirt/domain-actions';
import type { DomainInventory } from '../../libvirt/domain-inventory';
import { hostInfo } from '../../libvirt/host-info';
import type { LibvirtSessions } from '../../libvirt/sessions';
import type { Handlers } from '../registry';

export function domainHandlers(
  sessions: LibvirtSessions,
  inventory: DomainInventory,
  actions: DomainActions,
): Pick<Handlers, 'domains.list' | 'domains.get' | 'domains.lifecycle' | 'domains.deletePlan' | 'domains.delete' | 'domains.setAutostart' | 'domains.setTags' | 'hosts.info'> {
  return {
    'hosts.info': ({ hostId }) => hostInfo(sessions, hostId),
    'domains.list': ({ hostId }) => inventory.listing(hostId),
    'domains.get': ({ hostId, uuid }) => actions.domainGet(hostId, uuid),
    'domains.lifecycle': ({ hostId, uuids, action }) => actions.domainLifecycle(hostId, uuids, action),
    'domains.deletePlan': ({ hostId, uuid }) => actions.domainDeletePlan(hostId, uuid),
    'domains.delete': ({ hostId, uuid, volumes }) => actions.domainDelete(hostId, uuid, volumes),
    'domains.setAutostart': ({ hostId, uuid, autostart }) => actions.domainSetAutostart(hostId, uuid, autostart),
    'domains.setTags': ({ hostId, uuid, tags }) => actions.domainSetTags(hostId, uuid, tags),
  };
}
