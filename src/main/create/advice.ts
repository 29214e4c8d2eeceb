import { spreadCopies } from '../../shared/create/placement';
import type { HostCandidate, HostScore, PlacementRequest, PlacementSettings } from '../../shared/model/placement';

// Placement advice for the create wizard: the hosts as the placement service
// measures them (capacity, free memory, allocations, live CPU from the metrics
// sampler, active networks and pools, app: tags, maintenance) and the admin's
// placement settings, with the wizard's overcommit ratio when it sets one.

export interface AdviceDeps {
  candidates(): Promise<HostCandidate[]>;
  settings(): PlacementSettings;
}

export async function advise(deps: AdviceDeps, req: PlacementRequest, copies: number, cpuOvercommit?: number): Promise<{ hosts: HostScore[]; picks: Array<string | null> }> {
  const settings = { ...deps.settings(), ...(cpuOvercommit ? { cpuOvercommit } : {}) };
  const { ranking, picks } = spreadCopies(req, await deps.candidates(), settings, copies);
  return { hosts: ranking, picks };
}
