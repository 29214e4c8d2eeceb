import fs from 'node:fs';
import path from 'node:path';
import { appOf, rankHosts } from '../../shared/placement/score';
import { HOST_METRICS, VM_METRICS, type TopRow } from '../../shared/model/metrics';
import { child, parseXml, text } from '../../shared/libvirt/xml';
import { PlacementSettingsSchema, type HostCandidate, type HostScore, type PlacementRequest, type PlacementSettings } from '../../shared/model/placement';
import type { Host } from '../../shared/model/host';
import type { DomainSummary } from '../../shared/model/domain';
import type { HostTransport } from '../hosts/transport';
import type { RpcClient } from '../libvirt/rpc/client';
import { P } from '../libvirt/rpc/procedures/index';
import type { LibvirtSessions } from '../libvirt/sessions';
import type { HostLatest } from '../metrics/service';
import type { Logger } from '../util/log';

// Placement advice: measures every host (libvirt for capacity, networks,
// pools and the VMs it runs; the metrics sampler for live CPU) and ranks them
// with the pure scoring in shared/placement. Settings (overcommit, memory
// kept for each host) live in the config dir.

export interface PlacementDeps {
  configDir: string;
  sessions: LibvirtSessions;
  hosts: { list(): Host[] };
  domains: { list(hostId: string): Promise<DomainSummary[]> };
  metrics: { latestHost(hostId: string): HostLatest | undefined; latest(): TopRow[] };
  /** The host's SSH (or local) transport: placement reads its kernel's boot id once per connection. */
  transport?(hostId: string): HostTransport;
  log: Logger;
}

const CPU = HOST_METRICS.indexOf('cpu');
const VM_CPU = VM_METRICS.indexOf('cpu');
const RUNNING = new Set(['running', 'paused', 'blocked']);

export class PlacementService {
  private current: PlacementSettings;
  private readonly file: string;

  constructor(private readonly deps: PlacementDeps) {
    this.file = path.join(deps.configDir, 'placement.json');
    this.current = PlacementSettingsSchema.parse({});
    try {
      this.current = PlacementSettingsSchema.parse(JSON.parse(fs.readFileSync(this.file, 'utf8')));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') deps.log.warn(`placement settings unreadable, using defaults: ${String(e)}`);
    }
  }

  settings(): PlacementSettings {
    return this.current;
  }

  setSettings(s: PlacementSettings): PlacementSettings {
    const next = PlacementSettingsSchema.parse(s);
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    fs.writeFileSync(this.file + '.tmp', JSON.stringify(next, null, 2));
    fs.renameSync(this.file + '.tmp', this.file);
    this.current = next;
    return next;
  }

  /** Memory kept free for the host itself, KiB. */
  reserveKiB(hostId: string): number {
    return (this.current.reserveMiB[hostId] ?? this.current.defaultReserveMiB) * 1024;
  }

  async rank(req: PlacementRequest): Promise<HostScore[]> {
    return rankHosts(req, await this.candidates(), this.current);
  }

  /**
   * Every configured host, measured (disconnected ones as such). Hosts whose
   * kernels have the same boot id are one machine seen twice (the local
   * socket and SSH to the same box, containers, the lab's namespaces): the
   * machine-wide /proc/stat cannot tell them apart, so their CPU figure is
   * what their own VMs use, and the reasons say so.
   */
  async candidates(): Promise<HostCandidate[]> {
    const list = this.deps.hosts.list();
    const boots = await Promise.all(list.map((h) => this.bootId(h)));
    const twins = (i: number) => (boots[i] ? list.filter((_, j) => j !== i && boots[j] === boots[i]).map((x) => x.config.name) : []);
    return Promise.all(list.map((h, i) => this.candidate(h, twins(i))));
  }

  /** Boot ids by transport: a reconnect (or a reboot behind it) gives a new transport and a fresh read. */
  private readonly boots = new WeakMap<HostTransport, Promise<string | undefined>>();

  private bootId(h: Host): Promise<string | undefined> {
    if (h.state.status !== 'connected' || !this.deps.transport) return Promise.resolve(undefined);
    let t: HostTransport;
    try {
      t = this.deps.transport(h.config.id);
    } catch {
      return Promise.resolve(undefined);
    }
    let p = this.boots.get(t);
    if (!p) {
      p = t
        .exec(['cat', '/proc/sys/kernel/random/boot_id'], { timeoutMs: 10_000 })
        .then((r) => (r.code === 0 ? r.stdout.toString('utf8').trim() || undefined : undefined))
        .catch(() => undefined);
      this.boots.set(t, p);
    }
    return p;
  }

  async candidate(h: Host, sharesKernelWith: string[] = []): Promise<HostCandidate> {
    const base: HostCandidate = {
      hostId: h.config.id,
      name: h.config.name,
      connected: false,
      maintenance: h.config.maintenance === true,
      cpus: 0,
      memoryKiB: 0,
      availableKiB: 0,
      allocatedVcpus: 0,
      allocatedMemKiB: 0,
      runningVms: 0,
      networks: [],
      pools: [],
      apps: {},
    };
    if (h.state.status !== 'connected' || !this.deps.sessions.has(h.config.id)) return base;
    const c = this.deps.sessions.client(h.config.id);
    try {
      const [node, available, nets, pools, doms] = await Promise.all([
        c.call(P.NODE_GET_INFO),
        availableKiB(c),
        c.call(P.CONNECT_LIST_ALL_NETWORKS, { need_results: 1, flags: 2 /* ACTIVE */ }),
        activePools(c),
        this.deps.domains.list(h.config.id),
      ]);
      const running = doms.filter((d) => RUNNING.has(d.state));
      const apps: Record<string, number> = {};
      for (const d of running) {
        const app = appOf(d.tags);
        if (app) apps[app] = (apps[app] ?? 0) + 1;
      }
      const hostPct = sharesKernelWith.length ? undefined : this.deps.metrics.latestHost(h.config.id)?.v[CPU];
      const busy = cpuBusy(hostPct, this.deps.metrics.latest(), h.config.id, node.cpus);
      return {
        ...base,
        connected: true,
        cpus: node.cpus,
        memoryKiB: node.memory,
        availableKiB: available,
        ...(typeof busy === 'number' ? { cpuBusyPct: busy } : {}),
        ...(sharesKernelWith.length ? { sharesKernelWith } : {}),
        allocatedVcpus: running.reduce((a, d) => a + (d.vcpus ?? 1), 0),
        allocatedMemKiB: running.reduce((a, d) => a + (d.memoryKiB ?? 0), 0),
        runningVms: running.length,
        networks: nets.nets.map((n) => n.name),
        pools,
        apps,
      };
    } catch (e) {
      this.deps.log.warn(`${h.config.id}: placement could not measure the host: ${String(e)}`);
      return base;
    }
  }
}

/** Free + buffers + cached (KiB): MemFree alone would count the page cache as used. */
export async function availableKiB(c: RpcClient): Promise<number> {
  // libvirt wants the exact count: ask for it first (nparams 0), then the values.
  const count = await c.call(P.NODE_GET_MEMORY_STATS, { nparams: 0, cellNum: -1, flags: 0 });
  const stats = await c.call(P.NODE_GET_MEMORY_STATS, { nparams: count.nparams, cellNum: -1, flags: 0 });
  const v = (k: string) => Number(stats.params.find((p) => p.field === k)?.value ?? 0n);
  return v('free') + v('buffers') + v('cached');
}

async function activePools(c: RpcClient): Promise<HostCandidate['pools']> {
  const { pools } = await c.call(P.CONNECT_LIST_ALL_STORAGE_POOLS, { need_results: 1, flags: 2 /* ACTIVE */ });
  return Promise.all(
    pools.map(async (pool) => {
      const [info, xml] = await Promise.all([c.call(P.STORAGE_POOL_GET_INFO, { pool }), c.call(P.STORAGE_POOL_GET_XML_DESC, { pool, flags: 0 })]);
      const p = text(child(child(parseXml(xml), 'pool'), 'target'), 'path');
      return { name: pool.name, ...(p ? { path: p } : {}), availableBytes: info.available };
    }),
  );
}

/**
 * Host CPU busy %: /proc/stat, or the load of its VMs when that is higher.
 * For hosts that share a kernel the caller passes no host figure: their VMs'
 * cgroup figures are what tells them apart.
 */
export function cpuBusy(hostPct: number | null | undefined, vmRows: readonly TopRow[], hostId: string, cpus: number): number | undefined {
  const rows = vmRows.filter((r) => r.hostId === hostId && typeof r.v[VM_CPU] === 'number');
  // A VM's cpu figure is % of its own vCPUs: weigh by vCPUs to get % of the host.
  const vms = rows.length && cpus > 0 ? Math.min(100, (rows.reduce((a, r) => a + ((r.v[VM_CPU] as number) / 100) * (r.vcpus ?? 1), 0) / cpus) * 100) : undefined;
  const host = typeof hostPct === 'number' ? hostPct : undefined;
  if (host === undefined) return vms;
  return vms === undefined ? host : Math.max(host, vms);
}
