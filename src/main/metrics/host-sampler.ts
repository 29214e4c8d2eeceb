import { parseDomainXml } from '../../shared/libvirt/domain-xml';
import type { ProcessChannel } from '../hosts/transport';
import { ListDomains, Stats, StatsFlags } from '../libvirt/flags';
import { P } from '../libvirt/rpc/procedures/index';
import { typedParamsToRecord, type DomainRef, type TypedParamScalar } from '../libvirt/rpc/types';
import type { LibvirtSession } from '../libvirt/sessions';
import type { Logger } from '../util/log';
import { discoverVms } from './discovery';
import { HOST_ITEMS, hostRaw, hostValues, kernelRaw, libvirtRaw, mergeRaw, needsLibvirtEachTick, vmItems, vmValues, type HostRaw, type Reading, type VmRaw, type VmSources } from './readings';
import { encodeList, TickParser, type RawTick } from './sampler-protocol';
import { SAMPLER_SCRIPT } from './sampler-script';

/** A VM not watched by any window is sampled this often (seconds): see README in this folder. */
export const BACKGROUND_EVERY_S = 10;
/**
 * libvirt's stats call (a QMP round trip per VM inside libvirtd and QEMU: the
 * costly part, ~2 ms of host CPU per VM) runs this rarely, for what the kernel
 * can't tell: the guest's own view of each disk (requests, bytes per device).
 * Counters stay exact over any interval; Prometheus' rate() over 5 minutes
 * sees 2-3 readings.
 */
export const LIBVIRT_STATS_EVERY_S = 120;
/**
 * Every this many of those calls also ask for vCPU stats (another QMP query
 * per VM, ~0.5 ms each in libvirtd) to notice vCPUs plugged in while running;
 * an unplugged vCPU shows at once (its thread's file is gone).
 */
export const LIBVIRT_VCPU_EVERY = 5;
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
  prev?: Reading<VmRaw>;
  /** The last reading that carried libvirt's numbers (disk requests are rated against it). */
  prevOps?: Reading<VmRaw>;
}

/** The newest cumulative readings of a host and its VMs (the Prometheus export reads these). */
export interface HostSnapshot {
  hostId: string;
  host?: HostRaw;
  vms: { uuid: string; name: string; vcpus: number; raw: VmRaw }[];
}

/**
 * One host's sampler: a single long-lived process over the host's SSH
 * connection reading the kernel's counters, plus a GET_ALL_DOMAIN_STATS on the
 * libvirt channel every LIBVIRT_STATS_EVERY_S (every tick only for VMs whose
 * kernel counters are out of reach). The core drives the clock by writing a
 * tick command, so what nobody watches costs nothing between background ticks.
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
  private prevHost: Reading<HostRaw> | undefined;
  /** Host uptime of the last libvirt stats call for every VM. */
  private lastLibvirtAt = -Infinity;
  /** Low-rate calls made, to add vCPU stats every LIBVIRT_VCPU_EVERY. */
  private dueCalls = 0;
  /** The host has no awk: every number comes from libvirt. */
  private kernelUnavailable = false;
  private relisting: Promise<void> | undefined;
  private relistAgain = false;
  private disposed = false;
  private readonly offs: (() => void)[] = [];
  overruns = 0;
  /** GET_ALL_DOMAIN_STATS calls made (bench, diagnostics). */
  libvirtStatsCalls = 0;

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
    const parser = (this.parser = new TickParser());
    proc.setEncoding('utf8');
    proc.on('data', (chunk: string) => {
      const wasReady = parser.ready;
      for (const t of parser.push(chunk)) this.waiting?.(t);
      // Nothing is written before the script says it reads commands (see sampler-script.ts).
      if (!wasReady && parser.ready && this.proc === proc) this.sendLists(true);
    });
    proc.on('error', (e: Error) => this.log.warn(`${this.hostId}: sampler channel error: ${e.message}`));
    let errText = '';
    proc.stderr.setEncoding('utf8');
    proc.stderr.on('data', (c: string) => {
      if (errText.length < 2000) errText += c;
    });
    void proc.exitCode().then((code) => {
      if (this.proc === proc) this.proc = undefined;
      if (this.disposed) return;
      if (parser.failure !== undefined) {
        // No awk on this host: libvirt's numbers for everything, no host totals; restarting won't help.
        this.kernelUnavailable = true;
        this.log.warn(`${this.hostId}: metrics sampler unavailable (${parser.failure}); using libvirt's numbers`);
        return;
      }
      // Killed on the host (or its channel closed) while SSH stays up: start another, with the same lists.
      this.log.warn(`${this.hostId}: sampler exited (${code})${errText ? `: ${errText.trim().slice(0, 300)}` : ''}; restarting it in ${RESPAWN_MS / 1000} s`);
      const timer = setTimeout(() => {
        const i = this.offs.indexOf(cancel);
        if (i >= 0) this.offs.splice(i, 1);
        this.spawn().catch((e) => this.log.warn(`${this.hostId}: sampler restart failed: ${String(e)}`));
      }, RESPAWN_MS);
      const cancel = () => clearTimeout(timer);
      this.offs.push(cancel);
    });
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
    if (this.parser.pid !== undefined) return this.parser.pid;
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
        const f = found[i];
        this.vms.set(x.d.uuid, {
          ref: x.d,
          slot: this.nextSlot++,
          files: f?.files ?? { layout: 'v1' },
          taps: x.taps,
          vcpus: Math.max(1, x.vcpus),
          ...(f?.pid !== undefined ? { pid: f.pid } : {}),
          ioReadable: f?.ioReadable ?? false,
          vcpuThreads: f?.vcpuThreads ?? [],
        });
      });
      changed = true;
    }
    if (changed) this.sendLists(true);
  }

  private sendLists(full: boolean): void {
    if (!this.proc || !this.parser.ready || this.disposed) return;
    const all = [...this.vms.values()];
    if (full) this.proc.write(encodeList('F', [...HOST_ITEMS, ...all.flatMap(vmItems)]));
    const fast = all.filter((v) => this.watched.has(v.ref.uuid));
    // Host totals every second only for a host dashboard; otherwise they come with the background ticks.
    this.proc.write(encodeList('W', [...(this.hostWatched ? HOST_ITEMS : []), ...fast.flatMap(vmItems)]));
  }

  /** One sample: `full` = every VM (background tick), else the watched ones. Skipped while the last is unanswered. */
  async tick(full: boolean, t = Date.now()): Promise<HostTickSample | undefined> {
    const proc = this.proc;
    if (this.disposed || (!this.kernelUnavailable && (!proc || !this.parser.ready))) return undefined;
    if (this.busy) {
      this.overruns++;
      return undefined;
    }
    this.busy = true;
    try {
      const vms = [...this.vms.values()].filter((v) => full || this.watched.has(v.ref.uuid));
      if (proc && !this.kernelUnavailable) {
        let timer: NodeJS.Timeout | undefined;
        const raw = new Promise<RawTick | undefined>((resolve) => {
          this.waiting = resolve;
          // A wedged host must not stop the clock forever: give up on this tick.
          timer = setTimeout(() => resolve(undefined), TICK_TIMEOUT_MS);
        });
        proc.write(full ? 'T\n' : 't\n');
        // The slow libvirt call (when due) runs while the kernel answers.
        const [tick, stats] = await Promise.all([raw, this.domainStats(vms, full)]);
        clearTimeout(timer);
        this.waiting = undefined;
        return tick ? this.compute(tick, vms, stats, full, t) : undefined;
      }
      // No kernel sampler on this host: libvirt's numbers alone, rated on the client's clock.
      const stats = await this.domainStats(vms, full);
      return this.compute({ uptime: performance.now() / 1000, items: new Map(), missing: new Set() }, vms, stats, full, t);
    } finally {
      this.busy = false;
    }
  }

  /**
   * libvirt's stats, only where needed: every VM every LIBVIRT_STATS_EVERY_S
   * (on a background tick), and each tick the VMs whose kernel counters are
   * out of reach. NOWAIT: a VM busy with a job (migration, backup) would stall this ~30 s.
   */
  private async domainStats(vms: VmState[], full: boolean): Promise<Map<string, Record<string, TypedParamScalar>>> {
    const out = new Map<string, Record<string, TypedParamScalar>>();
    const now = performance.now() / 1000;
    const due = full && now - this.lastLibvirtAt >= LIBVIRT_STATS_EVERY_S - 0.5;
    const ask = due ? vms : vms.filter((v) => this.kernelUnavailable || needsLibvirtEachTick(v));
    if (ask.length === 0) return out;
    const vcpu = ask.some((v) => this.kernelUnavailable || !v.vcpuThreads?.length) || (due && this.dueCalls++ % LIBVIRT_VCPU_EVERY === 0);
    if (due) this.lastLibvirtAt = now;
    this.libvirtStatsCalls++;
    const fallback = ask.some((v) => this.kernelUnavailable || !v.files.cpu || !v.files.memory);
    const stats = Stats.BLOCK | (vcpu ? Stats.VCPU : 0) | (fallback ? Stats.CPU_TOTAL | Stats.BALLOON : 0);
    try {
      const recs = await this.session.client.call(P.CONNECT_GET_ALL_DOMAIN_STATS, { doms: ask.map((v) => v.ref), stats, flags: StatsFlags.NOWAIT }, { timeoutMs: 5000 });
      for (const r of recs) out.set(r.dom.uuid, typedParamsToRecord(r.params));
    } catch (e) {
      // Usually a VM vanished between list and call; the kernel's numbers still stand.
      this.log.debug(`${this.hostId}: domain stats failed: ${String(e)}`);
      if (due) this.lastLibvirtAt = -Infinity;
      void this.relist();
    }
    return out;
  }

  private compute(tick: RawTick, vms: VmState[], stats: Map<string, Record<string, TypedParamScalar>>, full: boolean, t: number): HostTickSample {
    let host: (number | null)[] | undefined;
    if (tick.items.has('hs')) {
      const hr = hostRaw(tick);
      host = hostValues(this.prevHost && tick.uptime > this.prevHost.uptime ? this.prevHost.raw : undefined, hr);
      this.prevHost = { raw: hr, uptime: tick.uptime };
    }
    let gone = false;
    const rows: HostTickSample['vms'] = [];
    for (const vm of vms) {
      if (tick.missing.has(`${vm.slot}c`)) gone = true;
      // A vCPU thread gone while QEMU lives: a vCPU was unplugged; discover the VM afresh.
      else if (vm.vcpuThreads?.some((th) => tick.missing.has(`${vm.slot}v${th.vcpu}`))) gone = this.forget(vm);
      const lvRecord = stats.get(vm.ref.uuid);
      const lv = lvRecord ? libvirtRaw(lvRecord) : undefined;
      const cur: Reading<VmRaw> = { raw: mergeRaw(kernelRaw(vm, tick), lv), uptime: tick.uptime };
      if (lv?.vcpus) {
        // vCPU hot(un)plug: the thread list is stale; discover this VM afresh.
        if (vm.vcpuThreads?.length && lv.vcpus !== vm.vcpuThreads.length) gone = this.forget(vm);
        vm.vcpus = lv.vcpus;
      }
      rows.push({ uuid: vm.ref.uuid, name: vm.ref.name, vcpus: vm.vcpus, v: vmValues(vm.prev, vm.prevOps, cur, vm.vcpus) });
      vm.prev = cur;
      if (cur.raw.diskRdOps !== undefined) vm.prevOps = cur;
      else if (vm.prevOps) cur.raw = { ...cur.raw, blocks: vm.prevOps.raw.blocks }; // the export keeps the last guest view
    }
    if (gone) void this.relist();
    const sample: HostTickSample = { hostId: this.hostId, t, full, host, vms: rows };
    this.onSample(sample);
    return sample;
  }

  /** Drops a VM's state so the next relist discovers it again. Returns true. */
  private forget(vm: VmState): boolean {
    this.vms.delete(vm.ref.uuid);
    return true;
  }

  /** The newest cumulative readings (for the Prometheus export): counters as the kernel and libvirt gave them. */
  snapshot(): HostSnapshot {
    return {
      hostId: this.hostId,
      ...(this.prevHost ? { host: this.prevHost.raw } : {}),
      vms: [...this.vms.values()].filter((v) => v.prev).map((v) => ({ uuid: v.ref.uuid, name: v.ref.name, vcpus: v.vcpus, raw: v.prev!.raw })),
    };
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
