import { ALL_HOSTS, type Capabilities, type Role } from '../../shared/model/account';
import { LifecycleActionSchema } from '../../shared/model/domain';
import { classify, POWER_ACTIONS, type Action, type Need } from './classify';

// The access policy (docs/access.md): who may make which call on what. Pure:
// the core gathers the facts (a VM's tags, a task's owner) and asks here; the
// HandlerRegistry asks before every call and the console service before every
// console token. Admins may do everything; for everyone else a call that no
// rule knows is refused.

export type { Action, Need } from './classify';
export { classify } from './classify';

/** Who is asking, as the policy sees them. */
export interface Subject {
  user: string;
  role: Role;
  /** Host ids, or '*' for every host. */
  hosts: readonly string[];
  /** VMs carrying one of these tags are visible on any host. */
  tags: readonly string[];
}

/** The desktop app's user and serve's single-token holder: one person, all powers. */
export const adminSubject = (user: string): Subject => ({ user, role: 'admin', hosts: [ALL_HOSTS], tags: [] });

interface Grant {
  read: 'none' | 'basic' | 'full';
  actions: ReadonlySet<Action>;
}

const GRANTS: Record<Exclude<Role, 'admin'>, Grant> = {
  operator: { read: 'full', actions: new Set<Action>(['console', 'power', 'lifecycle', 'configure', 'create', 'migrate', 'connect']) },
  helpdesk: { read: 'basic', actions: new Set<Action>(['console', 'power']) },
  readonly: { read: 'full', actions: new Set<Action>() },
};

export type Decision = { allow: true } | { allow: false; reason: string };
const ALLOW: Decision = { allow: true };
const deny = (reason: string): Decision => ({ allow: false, reason });

/** What the input of a call points at. */
export interface Targets {
  /** VMs: a uuid (or uuids) with the host id beside it or above it. */
  vms: Array<{ hostId: string; uuid: string }>;
  /** Hosts named on their own: `hostId` without a uuid beside it, `targetHostId`, … */
  hosts: string[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isHostKey = (k: string) => k === 'hostId' || /HostId$/.test(k);

/**
 * Every VM and host an input names, found by field name so calls added later
 * are covered too: `hostId` + `uuid`/`uuids` is a VM, a `uuid` deeper down
 * belongs to the nearest `hostId` above it, any other `…HostId` is a host.
 */
export function targetsOf(input: unknown): Targets {
  const out: Targets = { vms: [], hosts: [] };
  const walk = (v: unknown, hostAbove: string | undefined, depth: number) => {
    if (depth > 6 || v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      for (const item of v) walk(item, hostAbove, depth + 1);
      return;
    }
    const o = v as Record<string, unknown>;
    const own = typeof o.hostId === 'string' ? o.hostId : undefined;
    const host = own ?? hostAbove;
    const uuids = [o.uuid, ...(Array.isArray(o.uuids) ? o.uuids : [])].filter((u): u is string => typeof u === 'string' && UUID.test(u));
    if (host && uuids.length) for (const uuid of uuids) out.vms.push({ hostId: host, uuid });
    else if (own) out.hosts.push(own);
    for (const [k, val] of Object.entries(o)) {
      if (k !== 'hostId' && isHostKey(k) && typeof val === 'string') out.hosts.push(val);
      else if (val && typeof val === 'object') walk(val, host, depth + 1);
    }
  };
  walk(input, undefined, 0);
  return out;
}

export const hasHost = (s: Subject, hostId: string): boolean => s.role === 'admin' || s.hosts.includes(ALL_HOSTS) || s.hosts.includes(hostId);
const hasAllHosts = (s: Subject) => s.role === 'admin' || s.hosts.includes(ALL_HOSTS);

/** A VM is visible on one of the subject's hosts, or anywhere when it carries one of its tags. */
export function seesVm(s: Subject, hostId: string, tags: readonly string[] | undefined): boolean {
  if (hasHost(s, hostId)) return true;
  return !!tags && tags.some((t) => s.tags.includes(t));
}

/** What the core looked up about the targets before asking. */
export interface Facts {
  /** Tags of the VMs the input names, by `hostId/uuid`; absent when the VM was not found. */
  vmTags?: ReadonlyMap<string, readonly string[]>;
  /** Hosts that hold at least one VM the subject sees through its tags. */
  hostsWithVisibleVms?: ReadonlySet<string>;
  /** The tasks the input names: who started them and where they run. */
  tasks?: ReadonlyMap<string, { user?: string; hostId?: string }>;
}

/** What the core must look up before deciding (nothing for admins, or when the hosts alone decide). */
export function factsNeeded(s: Subject, name: string, input: Record<string, unknown>): { vms: Targets['vms']; hostsWithVisibleVms: boolean; tasks: string[] } {
  const none = { vms: [], hostsWithVisibleVms: false, tasks: [] };
  if (s.role === 'admin') return none;
  const need = classify(name, input);
  if (need.kind !== 'read' && need.kind !== 'act') return none;
  if (need.scope === 'vm') return { ...none, vms: targetsOf(input).vms.filter((v) => !hasHost(s, v.hostId)) };
  if (need.scope === 'host-of-vms') return { ...none, hostsWithVisibleVms: targetsOf(input).hosts.some((h) => !hasHost(s, h)) };
  if (need.scope === 'task') return { ...none, tasks: typeof input.taskId === 'string' ? [input.taskId] : [] };
  return none;
}

/** May `s` make call `name` with `input` (parsed by the contract), given `facts`? */
export function decide(s: Subject, name: string, input: Record<string, unknown>, facts: Facts = {}): Decision {
  if (s.role === 'admin') return ALLOW;
  const need = classify(name, input);
  const grant = GRANTS[s.role];
  const roleWord = ROLE_WORDS[s.role];
  switch (need.kind) {
    case 'open':
      return ALLOW;
    case 'admin':
      return deny(`${name} needs an admin; ${s.user} is ${roleWord}`);
    case 'read':
      if (grant.read === 'none' || (need.level === 'full' && grant.read === 'basic')) return deny(`${name} is not available to ${roleWord} accounts`);
      return inScope(s, name, need, input, facts);
    case 'act':
      if (!grant.actions.has(need.action)) return deny(`${describeAction(need, input)} is not allowed for ${roleWord} accounts`);
      return inScope(s, name, need, input, facts);
  }
}

function inScope(s: Subject, name: string, need: Need & { scope: string }, input: Record<string, unknown>, facts: Facts): Decision {
  const t = targetsOf(input);
  const outside = (what: string) => deny(`${what} is outside ${s.user}'s allowed hosts and tags`);
  switch (need.scope) {
    case 'none':
      return ALLOW;
    case 'host': {
      const hosts = [...t.hosts, ...t.vms.map((v) => v.hostId)];
      if (hosts.length === 0) return hasAllHosts(s) ? ALLOW : deny(`${name} concerns every host; ${s.user} may use only some`);
      const bad = hosts.find((h) => !hasHost(s, h));
      return bad ? outside(`host ${bad}`) : ALLOW;
    }
    case 'vm': {
      if (t.vms.length === 0 && t.hosts.length === 0) return deny(`${name} names no VM to check`);
      const badVm = t.vms.find((v) => !seesVm(s, v.hostId, facts.vmTags?.get(`${v.hostId}/${v.uuid}`)));
      if (badVm) return outside(`VM ${badVm.uuid} on ${badVm.hostId}`);
      const badHost = t.hosts.find((h) => !hasHost(s, h));
      return badHost ? outside(`host ${badHost}`) : ALLOW;
    }
    case 'host-of-vms': {
      const bad = t.hosts.find((h) => !hasHost(s, h) && !facts.hostsWithVisibleVms?.has(h));
      return bad ? outside(`host ${bad}`) : t.hosts.length ? ALLOW : deny(`${name} names no host`);
    }
    case 'task': {
      const id = typeof input.taskId === 'string' ? input.taskId : undefined;
      const task = id ? facts.tasks?.get(id) : undefined;
      if (!task) return deny(`task ${id ?? '?'} is not one of ${s.user}'s`);
      if (task.user === s.user || (task.hostId !== undefined && hasHost(s, task.hostId))) return ALLOW;
      return deny(`task ${id} was started by someone else on a host outside ${s.user}'s`);
    }
    default:
      return deny(`${name}: unknown scope`);
  }
}

const ROLE_WORDS: Record<Role, string> = { admin: 'an admin', operator: 'an operator', helpdesk: 'a help-desk', readonly: 'a read-only' };

function describeAction(need: Need & { kind: 'act' }, input: Record<string, unknown>): string {
  if (need.action === 'power' || need.action === 'lifecycle') {
    const a = LifecycleActionSchema.safeParse(input.action);
    if (a.success) return `"${a.data}"`;
  }
  return { console: 'Opening a console', power: 'Powering on', lifecycle: 'Changing power state', configure: 'Changing a VM', create: 'Creating', migrate: 'Migrating', connect: 'Connecting a host' }[need.action];
}

/** What the UI may offer this subject (coarse; the core still checks each target). */
export function capabilities(s: Subject): Capabilities {
  if (s.role === 'admin') {
    return { manageHosts: true, connectHosts: true, hostShell: true, consoles: true, lifecycle: LifecycleActionSchema.options, configure: true, create: true, migrate: true, deleteVms: true, audit: true, accounts: true };
  }
  const g = GRANTS[s.role];
  const lifecycle = g.actions.has('lifecycle') ? LifecycleActionSchema.options : g.actions.has('power') ? [...POWER_ACTIONS] : [];
  return {
    manageHosts: false,
    connectHosts: g.actions.has('connect'),
    hostShell: false,
    consoles: g.actions.has('console'),
    lifecycle,
    configure: g.actions.has('configure'),
    create: g.actions.has('create'),
    migrate: g.actions.has('migrate'),
    deleteVms: false,
    audit: false,
    accounts: false,
  };
}
