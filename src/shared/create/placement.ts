import { rankHosts } from '../placement/score';
import type { HostCandidate, HostScore, PlacementRequest, PlacementSettings } from '../model/placement';

// Placement of N new VMs (issue 11 §5): the create wizard ranks hosts with the
// same scoring as migration and evacuation (shared/placement: hard limits,
// then memory/CPU/VM-count score with the app-tag spread penalty, hosts in
// maintenance never picked). Copies are placed one at a time, each seeing the
// ones before it, so `app:web` copies land apart.

export { appOf as appTag } from '../placement/score';

/** Places `copies` VMs one after another; each pick counts against its host for the next. */
export function spreadCopies(
  req: PlacementRequest,
  hosts: readonly HostCandidate[],
  settings: PlacementSettings,
  copies: number,
): { ranking: HostScore[]; picks: Array<string | null> } {
  const live = hosts.map((h) => ({ ...h, apps: { ...h.apps }, pools: h.pools.map((p) => ({ ...p })) }));
  const ranking = rankHosts(req, live, settings);
  const picks: Array<string | null> = [];
  for (let i = 0; i < copies; i++) {
    const best = rankHosts(req, live, settings).find((a) => a.eligible);
    picks.push(best?.hostId ?? null);
    const h = best && live.find((x) => x.hostId === best.hostId);
    if (!h) continue;
    h.availableKiB -= req.memoryKiB;
    h.allocatedMemKiB += req.memoryKiB;
    h.allocatedVcpus += req.vcpus;
    h.runningVms += 1;
    if (req.app) h.apps[req.app] = (h.apps[req.app] ?? 0) + 1;
    for (const p of h.pools) if (req.pools.includes(p.name)) p.availableBytes -= req.diskBytes;
  }
  return { ranking, picks };
}
