import { appTag, spreadCopies, type AdviceRequest, type HostAdvice, type HostFacts } from '../../shared/create/placement';
import { VM_METRICS, type TopRow } from '../../shared/model/metrics';
import type { DomainSummary } from '../../shared/model/domain';
import { P } from '../libvirt/rpc/procedures/index';
import type { LibvirtSessions } from '../libvirt/sessions';
import { readNetworks, readPools } from './host-facts';

// Measures every connected host for the placement advice: capacity and free
// memory from libvirt, vCPUs allocated and app: tags of its running VMs from
// the domain inventory, live CPU from the metrics sampler's newest VM rows.

export interface AdviceDeps {
  sessions: LibvirtSessions;
  hosts(): Array<{ id: string; name: string; connected: boolean }>;
  domains(hostId: string): Promise<DomainSummary[]>;
  /** Newest metrics rows of running VMs (all hosts). */
  vmLoad(): TopRow[];
}

const CPU = VM_METRICS.indexOf('cpu');
const RUNNING = new Set(['running', 'paused', 'blocked']);

async function freeKiB(deps: AdviceDeps, hostId: string): Promise<number> {
  const c = deps.sessions.client(hostId);
  const n = await c.call(P.NODE_GET_MEMORY_STATS, { nparams: 0, cellNum: -1, flags: 0 });
  const s = await c.call(P.NODE_GET_MEMORY_STATS, { nparams: n.nparams, cellNum: -1, flags: 0 });
  const v = (k: string) => Number(s.params.find((p) => p.field === k)?.value ?? 0);
  return v('free') + v('buffers') + v('cached');
}

export async function measureHost(deps: AdviceDeps, h: { id: string; name: string }): Promise<HostFacts> {
  const c = deps.sessions.client(h.id);
  const [node, free, nets, pools, doms] = await Promise.all([c.call(P.NODE_GET_INFO), freeKiB(deps, h.id), readNetworks(c), readPools(c), deps.domains(h.id)]);
  const running = doms.filter((d) => RUNNING.has(d.state));
  const apps: Record<string, number> = {};
  for (const d of running) {
    const a = appTag(d.tags);
    if (a) apps[a] = (apps[a] ?? 0) + 1;
  }
  const rows = deps.vmLoad().filter((r) => r.hostId === h.id && typeof r.v[CPU] === 'number');
  // VM cpu is % of its own vCPUs: weigh by vCPUs to get % of the host.
  const busy = rows.length ? (rows.reduce((a, r) => a + ((r.v[CPU] as number) / 100) * (r.vcpus ?? 1), 0) / node.cpus) * 100 : undefined;
  return {
    hostId: h.id,
    name: h.name,
    cpus: node.cpus,
    memoryKiB: node.memory,
    freeKiB: free,
    allocatedVcpus: running.reduce((a, d) => a + (d.vcpus ?? 1), 0),
    ...(busy !== undefined ? { cpuBusyPct: Math.min(100, busy) } : {}),
    networks: nets.filter((n) => n.active).map((n) => n.name),
    pools: pools.filter((p) => p.active).map((p) => ({ name: p.name, availableBytes: p.availableBytes })),
    apps,
  };
}

export async function advise(deps: AdviceDeps, req: AdviceRequest, copies: number): Promise<{ hosts: HostAdvice[]; picks: Array<string | null> }> {
  const all = deps.hosts();
  const measured = await Promise.all(all.filter((h) => h.connected && deps.sessions.has(h.id)).map((h) => measureHost(deps, h).catch(() => undefined)));
  const facts = measured.filter((f): f is HostFacts => !!f);
  const { ranking, picks } = spreadCopies(req, facts, copies);
  const missing = all.filter((h) => !facts.some((f) => f.hostId === h.id)).map((h) => ({ hostId: h.id, name: h.name, eligible: false, score: 0, reasons: [h.connected ? 'could not be measured' : 'not connected'] }));
  return { hosts: [...ranking, ...missing], picks };
}
