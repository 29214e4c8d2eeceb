import type { ActiveAlert, TopRow } from '../../shared/model/metrics';
import type { DomainSummary } from '../../shared/model/domain';
import type { Host, HostConfig, HostState } from '../../shared/model/host';
import type { TaskSummary } from '../../shared/model/task';
import { hasHost, seesVm, type Subject } from './policy';

// The other half of the policy: what a subject gets to see. List answers are
// filtered to it, and so are the events of its window, so a help-desk page
// never learns of hosts and VMs outside its scope. Pure, like policy.ts; the
// core hands in a lookup of VM tags it already holds.

/**
 * What one window was shown, so events can keep it current: a VM that loses
 * the tag that made it visible is sent as removed, and host events reach it
 * only for hosts it was shown.
 */
export class SessionView {
  private readonly hosts = new Set<string>();
  private readonly vms = new Map<string, Set<string>>();

  constructor(readonly subject: Subject) {}

  showHost(hostId: string): void {
    this.hosts.add(hostId);
  }
  showVm(hostId: string, uuid: string): void {
    let s = this.vms.get(hostId);
    if (!s) this.vms.set(hostId, (s = new Set()));
    s.add(uuid);
  }
  hideVm(hostId: string, uuid: string): boolean {
    return this.vms.get(hostId)?.delete(uuid) ?? false;
  }
  shownVm(hostId: string, uuid: string): boolean {
    return this.vms.get(hostId)?.has(uuid) ?? false;
  }
  /** A host of the subject's, or one it was shown (it holds a VM the subject sees). */
  seesHost(hostId: string): boolean {
    return hasHost(this.subject, hostId) || this.hosts.has(hostId) || (this.vms.get(hostId)?.size ?? 0) > 0;
  }
}

/** Tags of a VM the core knows about (its inventory), for answers that don't carry them. */
export type TagLookup = (hostId: string, uuid: string) => readonly string[] | undefined;

const visibleRow = (view: SessionView, hostId: string, uuid: string | undefined, tagsOf: TagLookup) =>
  uuid === undefined ? hasHost(view.subject, hostId) : seesVm(view.subject, hostId, tagsOf(hostId, uuid));

function taskVisible(view: SessionView, t: Pick<TaskSummary, 'user' | 'hostId' | 'target'>): boolean {
  if (t.user === view.subject.user) return true;
  if (t.hostId === undefined) return false;
  if (t.target?.kind === 'domain') return view.shownVm(t.hostId, t.target.id) || hasHost(view.subject, t.hostId);
  return hasHost(view.subject, t.hostId);
}

/**
 * The answer of `name` as this subject may see it, recording in `view` what
 * it was shown. `hostsWithVisibleVms` comes from the core (hosts.list only).
 */
export function filterAnswer(view: SessionView, name: string, value: unknown, tagsOf: TagLookup, hostsWithVisibleVms?: ReadonlySet<string>): unknown {
  const s = view.subject;
  if (s.role === 'admin') return value;
  switch (name) {
    case 'hosts.list': {
      const hosts = (value as Host[]).filter((h) => hasHost(s, h.config.id) || hostsWithVisibleVms?.has(h.config.id));
      for (const h of hosts) view.showHost(h.config.id);
      return hosts;
    }
    case 'domains.list': {
      // { epoch, seq, domains }: the read stamp stays, the rows are filtered.
      const listing = value as { domains: DomainSummary[] };
      const domains = listing.domains.filter((d) => seesVm(s, d.hostId, d.tags));
      for (const d of domains) view.showVm(d.hostId, d.uuid);
      return { ...listing, domains };
    }
    case 'domains.get': {
      const d = value as DomainSummary;
      view.showVm(d.hostId, d.uuid);
      return value;
    }
    case 'metrics.latest':
      return (value as TopRow[]).filter((r) => visibleRow(view, r.hostId, r.uuid, tagsOf));
    case 'metrics.alerts':
      return (value as ActiveAlert[]).filter((a) => visibleRow(view, a.hostId, a.uuid, tagsOf));
    case 'tasks.list':
      return (value as TaskSummary[]).filter((t) => taskVisible(view, t));
    default:
      return value;
  }
}

/**
 * An event as this window may see it: null drops it. Events no rule here
 * knows reach admins, and others only when they name one of their hosts
 * (help desk: never).
 */
export function filterEvent(view: SessionView, name: string, payload: unknown, tagsOf: TagLookup): unknown {
  const s = view.subject;
  if (s.role === 'admin') return payload;
  switch (name) {
    case 'host.listChanged':
      return (payload as HostConfig[]).filter((h) => view.seesHost(h.id));
    case 'host.stateChanged':
      return view.seesHost((payload as HostState).hostId) ? payload : null;
    case 'host.promptRequested':
    case 'host.promptResolved':
      return null; // only admins answer host-key and password prompts
    case 'domain.changed':
      return domainChanged(view, payload as DomainChanged);
    case 'metrics.sampled':
      return payload; // sent only to the window that subscribed, and subscribing was checked
    case 'metrics.alertsChanged':
      return (payload as ActiveAlert[]).filter((a) => visibleRow(view, a.hostId, a.uuid, tagsOf));
    case 'task.updated':
      return taskVisible(view, payload as TaskSummary) ? payload : null;
    case 'task.removed':
      return payload; // ids only, of tasks the window may or may not have seen
    case 'app.notified': {
      const hostId = (payload as { hostId?: string }).hostId;
      return hostId === undefined || view.seesHost(hostId) ? payload : null;
    }
    default: {
      if (s.role === 'helpdesk') return null;
      const hostId = payload && typeof payload === 'object' ? (payload as { hostId?: unknown }).hostId : undefined;
      return typeof hostId === 'string' && hasHost(s, hostId) ? payload : null;
    }
  }
}

/** domain.changed; other fields (the epoch/seq stamp) pass through unchanged. */
interface DomainChanged {
  hostId: string;
  upserted: DomainSummary[];
  removed: string[];
  resync: boolean;
}

function domainChanged(view: SessionView, e: DomainChanged): DomainChanged | null {
  const s = view.subject;
  const upserted: DomainSummary[] = [];
  const removed: string[] = [];
  for (const d of e.upserted) {
    if (seesVm(s, d.hostId, d.tags)) {
      upserted.push(d);
      view.showVm(d.hostId, d.uuid);
    } else if (view.hideVm(d.hostId, d.uuid)) {
      removed.push(d.uuid); // lost the tag that made it visible
    }
  }
  for (const uuid of e.removed) if (view.hideVm(e.hostId, uuid) || hasHost(s, e.hostId)) removed.push(uuid);
  const resync = e.resync && view.seesHost(e.hostId);
  if (!upserted.length && !removed.length && !resync) return null;
  return { ...e, upserted, removed, resync };
}
