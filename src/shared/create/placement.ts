// Placement advice for new VMs (issue 11 §5), pure: rank hosts by free
// memory and CPU (with an overcommit ratio), whether they have the chosen
// network and pool with room, and spread (hosts already running a VM with the
// same app: tag lose points). N copies are placed one at a time, each seeing
// the ones before it. f-migrate brings a shared placement engine
// (src/shared/placement); when it lands on main this should call its scoring
// instead of keeping its own (same inputs: capacity, allocations, live CPU,
// networks, pools, app tags).

export interface HostFacts {
  hostId: string;
  name: string;
  cpus: number;
  memoryKiB: number;
  /** Free + buffers + cache. */
  freeKiB: number;
  allocatedVcpus: number;
  /** Live CPU use of the host's VMs, % of the host (metrics sampler), when known. */
  cpuBusyPct?: number;
  networks: string[];
  pools: Array<{ name: string; availableBytes: number }>;
  /** Running VMs per app: tag value. */
  apps: Record<string, number>;
}

export interface AdviceRequest {
  vcpus: number;
  memoryMiB: number;
  network?: string;
  pool?: string;
  diskBytes: number;
  app?: string;
  /** vCPUs allowed per host CPU. */
  cpuOvercommit: number;
}

export interface HostAdvice {
  hostId: string;
  name: string;
  eligible: boolean;
  /** 0-100, higher is better. */
  score: number;
  reasons: string[];
}

const clamp = (x: number) => Math.max(0, Math.min(1, x));
const mib = (kib: number) => `${Math.round(kib / 1024)} MiB`;

export const appTag = (tags: readonly string[]): string | undefined => tags.find((t) => /^app:./i.test(t))?.slice(4);

export function scoreHost(req: AdviceRequest, h: HostFacts): HostAdvice {
  const blockers: string[] = [];
  const reasons: string[] = [];
  if (req.network && !h.networks.includes(req.network)) blockers.push(`no active network '${req.network}'`);
  const pool = req.pool ? h.pools.find((p) => p.name === req.pool) : undefined;
  if (req.pool && !pool) blockers.push(`no active pool '${req.pool}'`);
  else if (pool && pool.availableBytes < req.diskBytes) blockers.push(`pool '${pool.name}' has ${Math.floor(pool.availableBytes / 1048576)} MiB free, the disk needs ${Math.ceil(req.diskBytes / 1048576)} MiB`);
  const needKiB = req.memoryMiB * 1024;
  const freeAfter = h.freeKiB - needKiB;
  if (freeAfter < 0) blockers.push(`needs ${req.memoryMiB} MiB, ${mib(h.freeKiB)} free`);
  const cpuLimit = Math.round(h.cpus * req.cpuOvercommit * 10) / 10;
  if (h.allocatedVcpus + req.vcpus > cpuLimit) blockers.push(`${h.allocatedVcpus + req.vcpus} vCPUs would pass ${cpuLimit} (${req.cpuOvercommit}x ${h.cpus} CPUs)`);
  if (blockers.length) return { hostId: h.hostId, name: h.name, eligible: false, score: 0, reasons: blockers };
  const memFree = clamp(freeAfter / h.memoryKiB);
  const allocFree = clamp(1 - (h.allocatedVcpus + req.vcpus) / cpuLimit);
  const liveFree = h.cpuBusyPct === undefined ? allocFree : clamp(1 - h.cpuBusyPct / 100);
  const cpuFree = (allocFree + 2 * liveFree) / 3;
  const same = req.app ? (h.apps[req.app] ?? 0) : 0;
  const score = Math.max(1, Math.round(50 * memFree + 50 * cpuFree - 30 * same));
  reasons.push(`${mib(Math.max(0, freeAfter))} of ${mib(h.memoryKiB)} memory free after it`);
  reasons.push(h.cpuBusyPct === undefined ? `${h.allocatedVcpus + req.vcpus}/${cpuLimit} vCPUs allocated with it` : `CPU ${Math.round(h.cpuBusyPct)}% busy now; ${h.allocatedVcpus + req.vcpus}/${cpuLimit} vCPUs with it`);
  if (req.app) reasons.push(same ? `already runs ${same} app:${req.app} VM${same > 1 ? 's' : ''}` : `no app:${req.app} VM here yet`);
  return { hostId: h.hostId, name: h.name, eligible: true, score, reasons };
}

export const rankHosts = (req: AdviceRequest, hosts: readonly HostFacts[]): HostAdvice[] =>
  hosts.map((h) => scoreHost(req, h)).sort((a, b) => Number(b.eligible) - Number(a.eligible) || b.score - a.score || a.name.localeCompare(b.name));

/** Places `copies` VMs one after another; each pick counts against its host for the next. */
export function spreadCopies(req: AdviceRequest, hosts: readonly HostFacts[], copies: number): { ranking: HostAdvice[]; picks: Array<string | null> } {
  const live = hosts.map((h) => ({ ...h, apps: { ...h.apps }, pools: h.pools.map((p) => ({ ...p })) }));
  const ranking = rankHosts(req, live);
  const picks: Array<string | null> = [];
  for (let i = 0; i < copies; i++) {
    const best = rankHosts(req, live).find((a) => a.eligible);
    picks.push(best?.hostId ?? null);
    const h = best && live.find((x) => x.hostId === best.hostId);
    if (!h) continue;
    h.freeKiB -= req.memoryMiB * 1024;
    h.allocatedVcpus += req.vcpus;
    if (req.app) h.apps[req.app] = (h.apps[req.app] ?? 0) + 1;
    const p = req.pool ? h.pools.find((x) => x.name === req.pool) : undefined;
    if (p) p.availableBytes -= req.diskBytes;
  }
  return { ranking, picks };
}
