import { parseDomainXml } from '../../shared/libvirt/domain-xml';
import type { ProcessChannel } from '../hosts/transport';
import { ListDomains, Stats, StatsFlags } from '../libvirt/flags';
import { P } from '../libvirt/rpc/procedures/index';
import { typedParamsToRecord, type DomainRef, type TypedParamScalar } from '../libvirt/rpc/types';
import type { LibvirtSession } from '../libvirt/sessions';
import type { Logger } from '../util/log';
import { discoverVms } from './discovery';
import { HOST_ITEMS, hostRaw, hostValues, vmItems, vmRaw, vmValues, type HostRaw, type VmRaw, type VmSources } from './readings';
import { encodeList, TickParser, type RawTick } from './sampler-protocol';
import { SAMPLER_SCRIPT } from './sampler-script';

/** A VM not watched by any window is sampled this often (seconds): see README in this folder. */
export const BACKGROUND_EVERY_S = 10;
/** The running-VM list is re-read this often even without events (events may be missed). */
export const RELIST_MS = 30_000;
const TICK_TIMEOUT_MS = 10_000;
const RESPAWN_MS = 5_000;

export interface HostTickSample {
  hostId: string;
  t: number;
  /** Every running VM was sampled (background tick), not only the watched ones. */
  full: boolean;
  host: (number | null)[] | undefined;
  vms: { uuid: string; name: string; vcpus: number; v: (number | null)[] }[];
}

interface VmState extends VmSources {
  ref: DomainRef;
  vcpus: number;
  prev?: { raw: VmRaw; uptime: number };
}

/**
 * One host's sampler: a single long-lived sh process over the host's SSH
 * connection plus one GET_ALL_DOMAIN_STATS per tick on the libvirt channel.
 * The core drives the clock by writing a tick command, so what nobody
 * watches costs nothing between background ticks.
 */
export class HostSampler {
  private proc: ProcessChannel | undefined;
  private parser = new TickParser();
  private readonly vms = new Map<string, VmState>();
  private nextSlot = 1;
  private watched = new Set<string>();
  private hostWatched = false;
  private waiting: ((t: RawTick) => void) | undefined;
  private busy = false;
  private prevHost: { raw: HostRaw; uptime: number } | undefined;
  private relisting: Promise<void> | undefined;
  private relistAgain = false;
  private disposed = false;
  private readonly offs: (() => void)[] = [];
  overruns = 0;

  constructor(
    private readonly session: LibvirtSession,
    private readonly onSample: (s: HostTickSample) => void,
    private readonly log: Logger,
  ) {}

  get hostId(): string {
    return this.session.hostId;
  }

  async start(): Promise<void> {
    await this.spawn();
    const c = this.session.client;
    // The domain-events hook registers libvirt's callbacks; we only listen. The
    // periodic re-list covers hosts without callback events.
    this.offs.push(c.onEvent('domainLifecycle', () => this.relist()));
    const timer = setInterval(() => this.relist(), RELIST_MS);
    this.offs.push(() => clearInterval(timer));
    await this.relist();
  }

  private async spawn(): Promise<void> {
    const proc = await this.session.transport.spawnScript(SAMPLER_SCRIPT);
    if (this.disposed) {
      proc.end('q\n');
      return;
    }
    this.proc = proc;
    this.parser = new TickParser();
    proc.setEncoding('utf8');
    proc.on('data', (chunk: string) => {
      for (const t of this.parser.push(chunk)) this.waiting?.(t);
    });
    proc.on('error', (e: Error) => this.log.warn(`${this.hostId}: sampler channel error: ${e.message}`));
    proc.stderr.resume();
    void proc.exitCode().then((code) => {
      if (this.proc === proc) this.proc = undefined;
      if (this.disposed) return;
      // Killed on the host (or its channel closed) while SSH stays up: start another, with the same lists.
      this.log.warn(`${this.hostId}: sampler exited (${code}); restarting it in ${RESPAWN_MS / 1000} s`);
      const timer = setTimeout(() => {
        const i = this.offs.indexOf(cancel);
        if (i >= 0) this.offs.splice(i, 1);
        this.spawn()
          .then(() => this.sendLists(true))
          .catch((e) => this.log.warn(`${this.hostId}: sampler restart failed: ${String(e)}`));
      }, RESPAWN_MS);
      const cancel = () => clearTimeout(timer);
      this.offs.push(cancel);
    });
    this.sendLists(true);
  }

  /** Which VMs (and whether the host totals) are sampled every second. */
  setWatched(uuids: ReadonlySet<string>, host: boolean): void {
    const same = uuids.size === this.watched.size && [...uuids].every((u) => this.watched.has(u)) && host === this.hostWatched;
    this.watched = new Set(uuids);
    this.hostWatched = host;
    if (!same) this.sendLists(false);
  }

  get anyWatched(): boolean {
    return this.hostWatched || [...this.watched].some((u) => this.vms.has(u));
  }

  /** The sampler shell's pid on the host (bench, diagnostics). */
  async remotePid(timeoutMs = 5000): Promise<number | undefined> {
    if (!this.proc) return undefined;
    this.proc.write('p\n');
    const deadline = Date.now() + timeoutMs;
    while (this.parser.pid === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return this.parser.pid;
  }

  get runningCount(): number {
    return this.vms.size;
  }

  /** Re-reads the running VMs; new ones get their cgroup and taps discovered. Coalesces overlapping calls. */
  relist(): Promise<void> {
    if (this.relisting) {
      this.relistAgain = true;
      return this.relisting;
    }
    this.relisting = this.doRelist()
      .catch((e) => this.log.warn(`${this.hostId}: listing VMs for metrics failed: ${String(e)}`))
      .finally(() => {
        this.relisting = undefined;
        if (this.relistAgain && !this.disposed) {
          this.relistAgain = false;
          void this.relist();
        }
      });
    return this.relisting;
  }

  private async doRelist(): Promise<void> {
    const c = this.session.client;
    const { domains } = await c.call(P.CONNECT_LIST_ALL_DOMAINS, { need_results: 1, flags: ListDomains.ACTIVE });
    const alive = new Set(domains.map((d) => `${d.uuid}/${d.id}`));
    let changed = false;
    for (const [uuid, vm] of this.vms) {
      // A restarted VM has a new id, QEMU process and cgroup: start it afresh.
      if (!alive.has(`${uuid}/${vm.ref.id}`)) {
        this.vms.delete(uuid);
        changed = true;
      }
    }
    const fresh = domains.filter((d) => !this.vms.has(d.uuid));
    if (fresh.length) {
      const details = await Promise.all(
        fresh.map(async (d) => {
          try {
            const def = parseDomainXml(await c.call(P.DOMAIN_GET_XML_DESC, { dom: d, flags: 0 }));
            return { d, taps: def.nics.map((n) => n.target ?? '').filter(Boolean), vcpus: def.vcpu.current };
          } catch {
            return undefined; // stopped meanwhile
          }
        }),
      );
      const ok = details.filter((x) => x !== undefined);
      const found = await discoverVms(this.session.transport, ok.map((x) => x.d.name)).catch((e) => {
        this.log.warn(`${this.hostId}: cgroup discovery failed, using libvirt's numbers: ${String(e)}`);
        return [];
      });
      ok.forEach((x, i) => {
        const files = found[i]?.files ?? { layout: 'v1' as const };
        this.vms.set(x.d.uuid, { ref: x.d, slot: this.nextSlot++, files, taps: x.taps, vcpus: Math.max(1, x.vcpus) });
      });
      changed = true;
    }
    if (changed) this.sendLists(true);
  }

  private sendLists(full: boolean): void {
    if (!this.proc || this.disposed) return;
    const all = [...this.vms.values()];
    if (full) this.proc.write(encodeList('F', [...HOST_ITEMS, ...all.flatMap(vmItems)]));
    const fast = all.filter((v) => this.watched.has(v.ref.uuid));
    // Host totals every second only for a host dashboard; otherwise they come with the background ticks.
    this.proc.write(encodeList('W', [...(this.hostWatched ? HOST_ITEMS : []), ...fast.flatMap(vmItems)]));
  }

  /** One sample: `full` = every VM (background tick), else the watched ones. Skipped while the last is unanswered. */
  async tick(full: boolean, t = Date.now()): Promise<HostTickSample | undefined> {
    const proc = this.proc;
    if (!proc || this.disposed) return undefined;
    if (this.busy) {
      this.overruns++;
      return undefined;
    }
    this.busy = true;
    try {
      const vms = [...this.vms.values()].filter((v) => full || this.watched.has(v.ref.uuid));
      let timer: NodeJS.Timeout | undefined;
      const raw = new Promise<RawTick | undefined>((resolve) => {
        this.waiting = resolve;
        // A wedged host must not stop the clock forever: give up on this tick.
        timer = setTimeout(() => resolve(undefined), TICK_TIMEOUT_MS);
      });
      proc.write(full ? 'T\n' : 't\n');
      const [tick, stats] = await Promise.all([raw, this.domainStats(vms)]);
      clearTimeout(timer);
      this.waiting = undefined;
      return tick ? this.compute(tick, vms, stats, full, t) : undefined;
    } finally {
      this.busy = false;
    }
  }

  private async domainStats(vms: VmState[]): Promise<Map<string, Record<string, TypedParamScalar>>> {
    const out = new Map<string, Record<string, TypedParamScalar>>();
    if (vms.length === 0) return out;
    const needFallback = vms.some((v) => !v.files.cpu || !v.files.memory);
    const stats = Stats.VCPU | Stats.BLOCK | (needFallback ? Stats.CPU_TOTAL | Stats.BALLOON : 0);
    try {
      // NOWAIT: a VM busy with a job (migration, backup) would stall this ~30 s.
      const recs = await this.session.client.call(P.CONNECT_GET_ALL_DOMAIN_STATS, { doms: vms.map((v) => v.ref), stats, flags: StatsFlags.NOWAIT }, { timeoutMs: 5000 });
      for (const r of recs) out.set(r.dom.uuid, typedParamsToRecord(r.params));
    } catch (e) {
      // Usually a VM vanished between list and call; the sh numbers still stand.
      this.log.debug(`${this.hostId}: domain stats failed: ${String(e)}`);
      void this.relist();
    }
    return out;
  }

  private compute(tick: RawTick, vms: VmState[], stats: Map<string, Record<string, TypedParamScalar>>, full: boolean, t: number): HostTickSample {
    const hr = hostRaw(tick);
    let host: (number | null)[] | undefined;
    if (tick.items.has('hs')) {
      host = hostValues(this.prevHost && tick.uptime > this.prevHost.uptime ? this.prevHost.raw : undefined, hr);
      this.prevHost = { raw: hr, uptime: tick.uptime };
    }
    let gone = false;
    const rows: HostTickSample['vms'] = [];
    for (const vm of vms) {
      if (tick.missing.has(`${vm.slot}c`)) gone = true;
      const raw = vmRaw(vm, tick, stats.get(vm.ref.uuid));
      if (raw.vcpus) vm.vcpus = raw.vcpus;
      const dt = vm.prev ? tick.uptime - vm.prev.uptime : 0;
      rows.push({ uuid: vm.ref.uuid, name: vm.ref.name, vcpus: vm.vcpus, v: vmValues(dt > 0 ? vm.prev?.raw : undefined, raw, dt, vm.vcpus) });
      vm.prev = { raw, uptime: tick.uptime };
    }
    if (gone) void this.relist();
    const sample: HostTickSample = { hostId: this.hostId, t, full, host, vms: rows };
    this.onSample(sample);
    return sample;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.offs.splice(0).forEach((off) => off());
    const proc = this.proc;
    this.proc = undefined;
    if (!proc) return;
    try {
      proc.end('q\n');
    } catch {
      // channel already gone with the connection
    }
    // If the channel lingers (a wedged read), close it so sshd reaps the shell.
    const kill = setTimeout(() => proc.destroy(), 2000);
    void proc.exitCode().finally(() => clearTimeout(kill));
  }
}
