import type { HostRegistry } from '../../hosts/registry';
import type { EvacuationService } from '../../migration/evacuate';
import type { MigrationService } from '../../migration/task';
import type { PlacementService } from '../../placement/service';
import type { Handlers } from '../registry';

type Calls =
  | 'migration.preflight'
  | 'migration.start'
  | 'migration.planEvacuation'
  | 'migration.evacuate'
  | 'hosts.setMaintenance'
  | 'placement.rank'
  | 'placement.settings'
  | 'placement.setSettings';

export function migrationHandlers(s: { migration: MigrationService; evacuation: EvacuationService; placement: PlacementService; hosts: HostRegistry }): Pick<Handlers, Calls> {
  return {
    'migration.preflight': (req) => s.migration.preflight(req),
    'migration.start': (req) => s.migration.start(req),
    'migration.planEvacuation': ({ hostId, overrides }) => s.evacuation.plan(hostId, overrides),
    'migration.evacuate': ({ hostId, moves, parallel }) => s.evacuation.start(hostId, moves, parallel),
    'hosts.setMaintenance': ({ hostId, maintenance }) => s.hosts.setMaintenance(hostId, maintenance),
    'placement.rank': (req) => s.placement.rank(req),
    'placement.settings': () => s.placement.settings(),
    'placement.setSettings': (settings) => s.placement.setSettings(settings),
  };
}
