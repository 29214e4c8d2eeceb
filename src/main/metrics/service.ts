import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { AppFailure } from '../../shared/ipc/result';
import { metricsOf, type ActiveAlert, type AlertRule, type History, type MetricTarget, type Sampled, type TopRow } from '../../shared/model/metrics';
import type { EventBus } from '../ipc/bus';
import type { CallContext } from '../ipc/registry';
import type { LibvirtSession } from '../libvirt/sessions';
import type { Dispose } from '../util/disposable';
import type { Logger } from '../util/log';
import { AlertEngine, loadRules, saveRules, type AlertChange } from './alerts';
import { historyCsv, prometheusText } from './export';
import { BACKGROUND_EVERY_S, HostSampler, type HostTickSample } from './host-sampler';
import { HistoryStore, type AppendRow } from './store/history-store';
import { mergeHistories, VmMoves } from './moves';

/** A host's newest rates, as the last tick computed them (placement reads the CPU figure). */
export interface HostLatest {
  hostId: string;
  t: number;
  v: TopRow['v'];
}

interface Subscription {
  id: string;
  connectionId: string;
  targets: MetricTarget[];
  /** Takes the subscription out of its window's disposables. */
  detach: Dispose;
}

export interface MetricsServiceOptions {
  configDir: string;
  bus: EventBus;
  log: Logger;
  /** Seconds between background samples of VMs nobody watches. */
  backgroundEveryS?: number;
}

/**
 * Live metrics: one HostSampler per connected host (a libvirt session hook),
 * a 1 s clock that samples watched series every second and everything every
 * BACKGROUND_EVERY_S, history, alerts, and per-window delivery.
 */
export class MetricsService {
  readonly store: HistoryStore;
  private readonly samplers = new Map<string, HostSampler>();
  private readonly subs = new Map<string, Subscription>();
  private readonly latestVms = new Map<string, TopRow>();
  private readonly latestHosts = new Map<string, HostLatest>();
  private readonly alerts: AlertEngine;
  private readonly moves: VmMoves;
  /** Seconds between background samples; the bench changes it between phases. */
  backgroundEveryS: number;
  private timer: NodeJS.Timeout | undefined;
  private disposed = false;
  /** Last time a store failure was logged per host: a full disk fails every tick, the log says it once a minute. */
  private readonly storeWarned = new Map<string, number>();

  constructor(private readonly opts: MetricsServiceOptions) {
    this.store = new HistoryStore(path.join(opts.configDir, 'metrics'), { onError: (hostId, e) => this.storeFailed(hostId, e) });
    this.alerts = new AlertEngine(loadRules(opts.configDir));
    this.moves = new VmMoves(path.join(opts.configDir, 'metrics', 'moves.json'));
    this.backgroundEveryS = opts.backgroundEveryS ?? BACKGROUND_EVERY_S;
  }

  /** For LibvirtSessions.addHook: starts sampling a host while its session lives. */
  readonly sessionHook = async (session: LibvirtSession): Promise<Dispose> => {
    const sampler = new HostSampler(session, (s) => this.onSample(s), this.opts.log.child(`metrics:${session.hostId}`));
    try {
      await sampler.start();
    } catch (e) {
      // Metrics are not worth failing the connection over: log and go without.
      this.opts.log.warn(`${session.hostId}: metrics sampler did not start: ${String(e)}`);
      sampler.dispose();
      return () => {};
    }
    this.samplers.set(session.hostId, sampler);
    this.applyWatched(session.hostId);
    this.startClock();
    return () => {
      sampler.dispose();
      if (this.samplers.get(session.hostId) === sampler) this.samplers.delete(session.hostId);
      this.dropHost(session.hostId);
    };
  };

  private startClock(): void {
    if (this.timer || this.disposed) return;
    const schedule = () => {
      // Aligned to wall-clock seconds so every host's points share timestamps.
      const now = Date.now();
      this.timer = setTimeout(() => {
        const t = Math.round(Date.now() / 1000) * 1000;
        this.tickAll(t);
        schedule();
      }, 1000 - (now % 1000));
    };
    schedule();
  }

  private tickAll(t: number): void {
    const full = (t / 1000) % this.backgroundEveryS === 0;
    for (const s of this.samplers.values()) {
      if (full || s.anyWatched) void s.tick(full, t).catch((e) => this.opts.log.warn(`${s.hostId}: tick failed: ${String(e)}`));
    }
  }

  /** Samples one host now (tests, bench); resolves with what was sampled. */
  sampleNow(hostId: string, full = true): Promise<HostTickSample | undefined> {
    const s = this.samplers.get(hostId);
    if (!s) throw new AppFailure('NOT_CONNECTED', `Host ${hostId} is not sampled`, { hostId });
    return s.tick(full);
  }

  sampler(hostId: string): HostSampler | undefined {
    return this.samplers.get(hostId);
  }

  private onSample(s: HostTickSample): void {
    const rows: AppendRow[] = s.vms.map((v) => ({ kind: 'vm', key: v.uuid, name: v.name, values: v.v }));
    if (s.host) rows.unshift({ kind: 'host', key: 'host', name: s.hostId, values: s.host });
    this.store.append(s.hostId, s.t, rows);
    const changes: AlertChange[] = [];
    if (s.host) {
      this.latestHosts.set(s.hostId, { hostId: s.hostId, t: s.t, v: s.host });
      changes.push(this.alerts.observe(s.hostId, undefined, s.hostId, s.host, s.t));
    }
    if (s.full) {
      // A full tick lists every running VM: whatever is missing has stopped.
      const running = new Set(s.vms.map((v) => v.uuid));
      for (const [key, row] of this.latestVms) {
        if (row.hostId === s.hostId && !running.has(row.uuid)) {
          this.latestVms.delete(key);
          changes.push({ fired: [], cleared: this.alerts.forget(s.hostId, row.uuid) });
        }
      }
    }
    for (const v of s.vms) {
      this.latestVms.set(`${s.hostId}/${v.uuid}`, { hostId: s.hostId, uuid: v.uuid, name: v.name, vcpus: v.vcpus, t: s.t, v: v.v });
      changes.push(this.alerts.observe(s.hostId, v.uuid, v.name, v.v, s.t));
    }
    this.reportAlerts(changes);
    this.deliver(s);
  }

  private storeFailed(hostId: string, e: unknown): void {
    const now = Date.now();
    if (now - (this.storeWarned.get(hostId) ?? 0) < 60_000) return;
    this.storeWarned.set(hostId, now);
    this.opts.log.warn(`${hostId}: metrics history write failed (live charts go on; this repeats at most once a minute): ${String(e)}`);
  }

  private deliver(s: HostTickSample): void {
    const byConn = new Map<string, MetricTarget[]>();
    for (const sub of this.subs.values()) byConn.set(sub.connectionId, [...(byConn.get(sub.connectionId) ?? []), ...sub.targets]);
    for (const [connectionId, targets] of byConn) {
      const all = s.full && targets.some((t) => t.kind === 'all');
      const wantHost = targets.some((t) => t.kind === 'host' && t.hostId === s.hostId);
      const uuids = new Set(targets.flatMap((t) => (t.kind === 'vm' && t.hostId === s.hostId ? [t.uuid] : [])));
      const vms = all ? s.vms : s.vms.filter((v) => uuids.has(v.uuid));
      if (!vms.length && !wantHost) continue;
      const payload: Sampled = { hostId: s.hostId, t: s.t, vms, ...(wantHost && s.host ? { host: s.host } : {}) };
      this.opts.bus.emit('metrics.sampled', payload, { to: connectionId });
    }
  }

  private reportAlerts(changes: AlertChange[]): void {
    const fired = changes.flatMap((c) => c.fired);
    const cleared = changes.flatMap((c) => c.cleared);
    if (!fired.length && !cleared.length) return;
    this.opts.bus.emit('metrics.alertsChanged', this.alerts.active());
    for (const a of fired) this.notify(a);
  }

  private notify(a: ActiveAlert): void {
    const rule = this.alerts.getRules().find((r) => r.id === a.ruleId);
    this.opts.bus.emit('app.notified', {
      id: `alert-${a.ruleId}-${a.hostId}-${a.uuid ?? 'host'}-${a.firedAt}`,
      level: 'warning',
      title: `${a.subject}: ${rule?.name ?? a.metric}`,
      message: `${a.metric} is ${Math.round(a.value * 10) / 10} (threshold ${a.threshold}) on ${a.hostId}`,
      hostId: a.hostId,
      at: a.firedAt,
    });
  }

  private dropHost(hostId: string): void {
    this.latestHosts.delete(hostId);
    for (const [key, row] of this.latestVms) if (row.hostId === hostId) this.latestVms.delete(key);
    const cleared = this.alerts.forget(hostId);
    if (cleared.length) this.opts.bus.emit('metrics.alertsChanged', this.alerts.active());
  }

  subscribe(ctx: Pick<CallContext, 'connectionId' | 'disposables'>, targets: MetricTarget[]): { subscriptionId: string } {
    const id = randomUUID();
    // The window closing ends the subscription (and the 1 s sampling it caused).
    const detach = ctx.disposables.add(() => this.unsubscribe(id));
    if (ctx.disposables.isDisposed) return { subscriptionId: id };
    this.subs.set(id, { id, connectionId: ctx.connectionId, targets, detach });
    this.applyWatchedAll();
    return { subscriptionId: id };
  }

  unsubscribe(id: string): { removed: boolean } {
    const sub = this.subs.get(id);
    if (!sub) return { removed: false };
    this.subs.delete(id);
    sub.detach();
    this.applyWatchedAll();
    const removed = true;
    return { removed };
  }

  get subscriptionCount(): number {
    return this.subs.size;
  }

  private applyWatchedAll(): void {
    for (const hostId of this.samplers.keys()) this.applyWatched(hostId);
  }

  private applyWatched(hostId: string): void {
    const uuids = new Set<string>();
    let host = false;
    for (const s of this.subs.values()) {
      for (const t of s.targets) {
        if (t.kind === 'vm' && t.hostId === hostId) uuids.add(t.uuid);
        if (t.kind === 'host' && t.hostId === hostId) host = true;
      }
    }
    this.samplers.get(hostId)?.setWatched(uuids, host);
  }

  async history(hostId: string, uuid: string | undefined, from: number, to: number, maxPoints: number): Promise<History> {
    if (!uuid) return this.store.query(hostId, 'host', from, to, maxPoints);
    // A migrated VM: its series on every host it ran on, as one.
    return mergeHistories(await Promise.all(this.moves.hostsOf(uuid, hostId).map((h) => this.store.query(h, uuid, from, to, maxPoints))));
  }

  /** A VM moved hosts: its history (and the latest row) follow it. */
  recordMove(uuid: string, fromHostId: string, toHostId: string, at = Date.now()): void {
    this.moves.record({ uuid, from: fromHostId, to: toHostId, at });
    const row = this.latestVms.get(`${fromHostId}/${uuid}`);
    this.latestVms.delete(`${fromHostId}/${uuid}`);
    if (row) this.latestVms.set(`${toHostId}/${uuid}`, { ...row, hostId: toHostId });
    const cleared = this.alerts.forget(fromHostId, uuid);
    if (cleared.length) this.opts.bus.emit('metrics.alertsChanged', this.alerts.active());
  }

  /** The host's newest rates (placement advice), when sampled. */
  latestHost(hostId: string): HostLatest | undefined {
    return this.latestHosts.get(hostId);
  }

  latest(): TopRow[] {
    return [...this.latestVms.values()];
  }

  async exportCsv(hostId: string, uuid: string | undefined, from: number, to: number): Promise<{ filename: string; csv: string }> {
    const h = await this.history(hostId, uuid, from, to, 5000);
    let name: string | undefined;
    for (const x of uuid ? this.moves.hostsOf(uuid, hostId) : []) name ??= await this.store.nameOf(x, uuid!);
    const who = (uuid ? (name ?? uuid) : hostId).replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);
    const stamp = (ms: number) => new Date(ms).toISOString().replace(/[:]/g, '').replace(/\.\d+Z$/, 'Z');
    return { filename: `${hostId}-${who}-${stamp(from)}-${stamp(to)}.csv`, csv: historyCsv(h) };
  }

  /** The newest counters of every connected host and its running VMs, as Prometheus text. */
  prometheus(): string {
    return prometheusText([...this.samplers.values()].map((s) => s.snapshot()));
  }

  rules(): AlertRule[] {
    return this.alerts.getRules();
  }

  setRules(rules: AlertRule[]): AlertRule[] {
    const ids = new Set(rules.map((r) => r.id));
    if (ids.size !== rules.length) throw new AppFailure('VALIDATION', 'alert rule ids must be unique');
    const unknown = rules.find((r) => !metricsOf(r.scope).includes(r.metric));
    if (unknown) throw new AppFailure('VALIDATION', `alert rule "${unknown.name}": ${unknown.scope} metrics have no "${unknown.metric}"`);
    saveRules(this.opts.configDir, rules);
    this.alerts.setRules(rules);
    this.opts.bus.emit('metrics.alertsChanged', this.alerts.active());
    return rules;
  }

  activeAlerts(): ActiveAlert[] {
    return this.alerts.active();
  }

  /** Stops sampling; resolves once the history store has written what it was given. */
  async dispose(): Promise<void> {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const s of this.samplers.values()) s.dispose();
    this.samplers.clear();
    this.subs.clear();
    await this.store.close();
  }
}
