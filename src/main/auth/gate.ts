import { AsyncLocalStorage } from 'node:async_hooks';
import type { AppError } from '../../shared/ipc/result';
import type { Logger } from '../util/log';
import { adminSubject, decide, factsNeeded, type Facts, type Subject } from './policy';
import { filterAnswer, filterEvent, SessionView } from './visibility';

// Where the core applies the policy: the HandlerRegistry asks authorize()
// before every call and filter() after it; each window's event delivery runs
// through eventFilter(); the console service asks before opening a console.

/** Who is behind one window (ClientSession), as access control sees them. */
export interface CallerAccess {
  view: SessionView;
  /** serve with accounts: the sign-in session behind this window (consoles opened here end with it). */
  sessionId?: string;
}

/** What the gate may look up to decide (the core's inventory, tasks). */
export interface FactSource {
  /** Tags of a VM; undefined when it does not exist. Throws when its host can't be asked. */
  vmTags(hostId: string, uuid: string): Promise<readonly string[] | undefined>;
  /** Tags of a VM the core already holds (no round trip). */
  cachedTags(hostId: string, uuid: string): readonly string[] | undefined;
  /** Of these hosts, those holding a VM with one of these tags. */
  hostsWithTags(hostIds: readonly string[], tags: readonly string[]): Promise<Set<string>>;
  /** Every configured host id. */
  hostIds(): string[];
  task(taskId: string): { user?: string; hostId?: string } | undefined;
}

/** The window making the current call (set by the registry around each handler). */
export const currentCaller = new AsyncLocalStorage<{ user: string; access?: CallerAccess }>();

export class AccessGate {
  constructor(
    private readonly facts: FactSource,
    /** Who a window without its own access is: the desktop user, serve's token holder. */
    private readonly fallback: Subject,
    private readonly log: Logger,
  ) {}

  /** A fresh view for a window of this subject. */
  static view(subject: Subject): SessionView {
    return new SessionView(subject);
  }

  subject(access: CallerAccess | undefined): Subject {
    return access?.view.subject ?? this.fallback;
  }

  /** null to go on; FORBIDDEN (with the reason) to refuse. */
  async authorize(name: string, input: unknown, access: CallerAccess | undefined): Promise<AppError | null> {
    const s = this.subject(access);
    if (s.role === 'admin') return null;
    const args = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
    const facts = await this.gather(s, name, args);
    if ('error' in facts) return facts.error;
    const d = decide(s, name, args, facts);
    if (d.allow) return null;
    this.log.warn(`refused ${name} for ${s.user} (${s.role}): ${d.reason}`);
    return { code: 'FORBIDDEN', message: `Not allowed: ${d.reason}.`, detail: { role: s.role } };
  }

  /** The answer as the caller may see it. */
  async filter(name: string, value: unknown, access: CallerAccess | undefined): Promise<unknown> {
    const s = this.subject(access);
    if (s.role === 'admin' || !access) return value;
    const tagged = name === 'hosts.list' && s.tags.length ? await this.hostsWithTags(s) : undefined;
    return filterAnswer(access.view, name, value, (h, u) => this.facts.cachedTags(h, u), tagged);
  }

  /** For a window's event delivery: the payload it may see, or null to drop the event. */
  eventFilter(access: CallerAccess): (name: string, payload: unknown) => unknown {
    return (name, payload) => filterEvent(access.view, name, payload, (h, u) => this.facts.cachedTags(h, u));
  }

  private async hostsWithTags(s: Subject): Promise<Set<string>> {
    try {
      return await this.facts.hostsWithTags(this.facts.hostIds(), s.tags);
    } catch (e) {
      this.log.warn(`could not list tagged VMs for ${s.user}: ${String(e)}`);
      return new Set();
    }
  }

  private async gather(s: Subject, name: string, args: Record<string, unknown>): Promise<Facts | { error: AppError }> {
    const need = factsNeeded(s, name, args);
    const facts: { vmTags?: Map<string, readonly string[]>; hostsWithVisibleVms?: Set<string>; tasks?: Map<string, { user?: string; hostId?: string }> } = {};
    if (need.vms.length && s.tags.length) {
      facts.vmTags = new Map();
      for (const v of need.vms.slice(0, 5000)) {
        try {
          const tags = await this.facts.vmTags(v.hostId, v.uuid);
          if (tags) facts.vmTags.set(`${v.hostId}/${v.uuid}`, tags);
        } catch (e) {
          // Tags could not be read: the VM is not shown to be allowed, so the call is refused.
          return { error: { code: 'FORBIDDEN', message: `Not allowed: could not check the tags of VM ${v.uuid} on ${v.hostId} (${e instanceof Error ? e.message : String(e)}).` } };
        }
      }
    }
    if (need.hostsWithVisibleVms && s.tags.length) facts.hostsWithVisibleVms = await this.hostsWithTags(s);
    if (need.tasks.length) facts.tasks = new Map(need.tasks.flatMap((id) => ((t) => (t ? [[id, t] as const] : []))(this.facts.task(id))));
    return facts;
  }
}

export { adminSubject };
