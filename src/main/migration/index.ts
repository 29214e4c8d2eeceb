import type { EventBus } from '../ipc/bus';
import type { HostRegistry } from '../hosts/registry';
import type { DomainActions } from '../libvirt/domain-actions';
import type { DomainInventory } from '../libvirt/domain-inventory';
import type { LibvirtSessions } from '../libvirt/sessions';
import type { MetricsService } from '../metrics/service';
import { PlacementService } from '../placement/service';
import type { TaskManager } from '../tasks/manager';
import type { Logger } from '../util/log';
import { EvacuationService } from './evacuate';
import { RelayPorts } from './relay';
import { MigrationService } from './task';

export interface MigrationWiring {
  configDir: string;
  bus: EventBus;
  hosts: HostRegistry;
  sessions: LibvirtSessions;
  inventory: DomainInventory;
  actions: DomainActions;
  metrics: MetricsService;
  tasks: TaskManager;
  log: Logger;
}

/** Placement, migration and evacuation services, wired once by the core. */
export function createMigration(w: MigrationWiring) {
  const domains = { list: (id: string) => w.inventory.list(id), get: (id: string, uuid: string) => w.actions.domainGet(id, uuid) };
  const placement = new PlacementService({ configDir: w.configDir, sessions: w.sessions, hosts: w.hosts, domains, metrics: w.metrics, transport: (id) => w.hosts.transport(id), log: w.log.child('placement') });
  const migration = new MigrationService({
    sessions: w.sessions,
    hosts: w.hosts,
    reserveKiB: (id) => placement.reserveKiB(id),
    log: w.log,
    tasks: w.tasks,
    bus: w.bus,
    ports: new RelayPorts(),
    metrics: w.metrics,
  });
  const evacuation = new EvacuationService({ tasks: w.tasks, migration, placement, hosts: w.hosts, domains, log: w.log.child('evacuate') });
  return { placement, migration, evacuation };
}
