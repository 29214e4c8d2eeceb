import fs from 'node:fs';
import path from 'node:path';
import { AlertRuleSchema, HOST_METRICS, VM_METRICS, type ActiveAlert, type AlertRule } from '../../shared/model/metrics';

export const DEFAULT_RULES: AlertRule[] = [
  { id: 'vm-cpu-high', name: 'VM CPU above 90% for 2 minutes', scope: 'vm', metric: 'cpu', op: '>', threshold: 90, forSec: 120, enabled: true },
  { id: 'host-cpu-high', name: 'Host CPU above 90% for 5 minutes', scope: 'host', metric: 'cpu', op: '>', threshold: 90, forSec: 300, enabled: true },
];

interface Pending {
  since: number;
  fired: ActiveAlert | undefined;
}

export interface AlertChange {
  fired: ActiveAlert[];
  cleared: ActiveAlert[];
}

/**
 * Threshold rules over the sampled values. A condition must hold for `forSec`
 * (judged on sample times, so a VM sampled every 10 s in the background still
 * fires on time); one sample that breaks it resets the clock and clears.
 * A series that stops reporting (VM stopped) is cleared by `forget`.
 */
export class AlertEngine {
  private rules: AlertRule[];
  private readonly state = new Map<string, Pending>();

  constructor(rules: AlertRule[] = DEFAULT_RULES) {
    this.rules = rules;
  }

  getRules(): AlertRule[] {
    return this.rules;
  }

  setRules(rules: AlertRule[]): AlertChange {
    this.rules = rules;
    // Changed rules start over; whatever fired under the old ones is cleared.
    const cleared = this.active();
    this.state.clear();
    return { fired: [], cleared };
  }

  active(): ActiveAlert[] {
    return [...this.state.values()].flatMap((p) => (p.fired ? [p.fired] : []));
  }

  /** Feeds one sample of a series; returns what fired or cleared because of it. */
  observe(hostId: string, uuid: string | undefined, subject: string, values: readonly (number | null)[], t: number): AlertChange {
    const change: AlertChange = { fired: [], cleared: [] };
    const metrics: readonly string[] = uuid ? VM_METRICS : HOST_METRICS;
    for (const r of this.rules) {
      if (!r.enabled || r.scope !== (uuid ? 'vm' : 'host')) continue;
      const i = metrics.indexOf(r.metric);
      const v = i >= 0 ? values[i] : null;
      if (v === null || v === undefined) continue; // unknown is neither breach nor recovery
      const key = `${r.id}|${hostId}|${uuid ?? ''}`;
      const breach = r.op === '>' ? v > r.threshold : v < r.threshold;
      const p = this.state.get(key);
      if (!breach) {
        if (p?.fired) change.cleared.push(p.fired);
        if (p) this.state.delete(key);
        continue;
      }
      if (!p) {
        this.state.set(key, { since: t, fired: undefined });
        if (r.forSec === 0) this.fire(key, r, hostId, uuid, subject, v, t, change);
      } else if (!p.fired && t - p.since >= r.forSec * 1000) this.fire(key, r, hostId, uuid, subject, v, t, change);
      else if (p.fired) p.fired.value = v;
    }
    return change;
  }

  private fire(key: string, r: AlertRule, hostId: string, uuid: string | undefined, subject: string, value: number, t: number, change: AlertChange): void {
    const p = this.state.get(key)!;
    p.fired = { ruleId: r.id, hostId, ...(uuid ? { uuid } : {}), subject, metric: r.metric, value, threshold: r.threshold, since: p.since, firedAt: t };
    change.fired.push(p.fired);
  }

  /** A VM stopped or a host went away: its alerts end. */
  forget(hostId: string, uuid?: string): ActiveAlert[] {
    const cleared: ActiveAlert[] = [];
    for (const [key, p] of this.state) {
      const [, h, u] = key.split('|');
      if (h === hostId && (uuid === undefined || u === uuid)) {
        if (p.fired) cleared.push(p.fired);
        this.state.delete(key);
      }
    }
    return cleared;
  }
}

/** Rules live in the config dir as JSON; a broken file falls back to the defaults. */
export function loadRules(dir: string): AlertRule[] {
  try {
    const raw = JSON.parse(fs.readFileSync(path.join(dir, 'alert-rules.json'), 'utf8')) as unknown;
    return AlertRuleSchema.array().parse(raw);
  } catch {
    return DEFAULT_RULES;
  }
}

export function saveRules(dir: string, rules: AlertRule[]): void {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'alert-rules.json');
  fs.writeFileSync(file + '.tmp', JSON.stringify(rules, null, 2));
  fs.renameSync(file + '.tmp', file);
}
