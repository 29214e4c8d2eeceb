import { isReadOnlyCall } from '../../shared/ipc/audit-policy';
import type { LifecycleAction } from '../../shared/model/domain';

// What each call of the contract needs, by name: the half of the access
// policy that does not depend on who asks. Calls named here are classified
// one by one; any other call falls to the noun/verb rules below, and a call
// that no rule knows needs an admin (default deny). docs/access.md lists both.

/** Things a role may do to a target, beyond reading. */
export type Action = 'console' | 'power' | 'lifecycle' | 'configure' | 'create' | 'migrate' | 'connect';
export const ACTIONS: readonly Action[] = ['console', 'power', 'lifecycle', 'configure', 'create', 'migrate', 'connect'];

/**
 * Where the target of a call is checked:
 *  - none: nothing in the input to check (the answer is filtered instead);
 *  - host: every host the input names must be one of the account's hosts
 *    (a host-wide call without a host needs all hosts);
 *  - vm: every VM the input names must be visible (its host is the account's,
 *    or it carries one of the account's tags); other hosts named (a migration
 *    target) must be the account's hosts;
 *  - host-of-vms: the host must be the account's or hold a VM it sees (the VM
 *    list of a host, filtered);
 *  - task: the task was started by this account, or runs on one of its hosts.
 */
export type Scope = 'none' | 'host' | 'vm' | 'host-of-vms' | 'task';

export type Need =
  /** Any signed-in caller: app info, its own session. */
  | { kind: 'open' }
  | { kind: 'admin' }
  /** basic: what a help-desk console picker needs too; full: everything else that only reads. */
  | { kind: 'read'; level: 'basic' | 'full'; scope: Scope }
  | { kind: 'act'; action: Action; scope: Scope };

const open: Need = { kind: 'open' };
const admin: Need = { kind: 'admin' };
const read = (scope: Scope, level: 'basic' | 'full' = 'full'): Need => ({ kind: 'read', level, scope });
const act = (action: Action, scope: Scope): Need => ({ kind: 'act', action, scope });

/** Help desk may power VMs on and reboot them; every other lifecycle action is an operator's. */
export const POWER_ACTIONS: readonly LifecycleAction[] = ['start', 'reboot'];

/** Calls known by name. A function classifies by the arguments (domains.lifecycle: which action). */
const KNOWN: Record<string, Need | ((args: Record<string, unknown>) => Need)> = {
  'app.info': open,
  'app.ping': open,
  'session.get': open,
  'session.logout': open,
  'session.changePassword': open,

  'hosts.list': read('none', 'basic'),
  'hosts.info': read('host'),
  'hosts.connect': act('connect', 'host'),
  // add, update, remove, disconnect, parseUri, prompts, answerPrompt: the noun rule (admin).

  'domains.list': read('host-of-vms', 'basic'),
  'domains.get': read('vm', 'basic'),
  'domains.deletePlan': read('vm'),
  'domains.lifecycle': (a) => act(POWER_ACTIONS.includes(a.action as LifecycleAction) ? 'power' : 'lifecycle', 'vm'),
  'domains.setAutostart': act('configure', 'vm'),
  'domains.setTags': act('configure', 'vm'),
  'domains.delete': admin,

  'consoles.openVnc': act('console', 'vm'),
  'consoles.openSerial': act('console', 'vm'),
  // A shell on the host is root on every VM of it: admins only.
  'consoles.openShell': admin,

  'metrics.subscribe': read('vm'),
  'metrics.unsubscribe': read('none'),
  'metrics.history': read('vm'),
  'metrics.exportCsv': read('vm'),
  'metrics.latest': read('none'),
  'metrics.alerts': read('none'),
  'metrics.rules': read('none'),
  'metrics.setRules': admin,

  // A snapshot changes one VM; making one is not making a VM.
  'snapshots.create': act('configure', 'vm'),
  // Reads of a host's network setup whose verbs the read rule does not know.
  'networks.checkSubnet': read('host'),
  'networks.hostInterfaces': read('host'),
  'networks.vmNics': read('host'),

  // Host scores for the create and migrate wizards: capacity figures only, no VM is named.
  'placement.rank': read('none'),
  'placement.settings': read('none'),

  'tasks.list': read('none', 'basic'),
  'tasks.get': read('task', 'basic'),
  'tasks.cancel': act('lifecycle', 'task'),
  'tasks.clear': admin,
};

// Noun/verb rules for calls not named above (other areas add calls all the
// time; until someone classifies one, these decide, and anything they don't
// cover needs an admin).
/** Calls about one VM: reads need the VM visible; changes are an operator's "configure". */
const VM_NOUNS = new Set(['domains', 'vmSettings', 'snapshots']);
/** Host-wide resources: reads need the host; changes stay with admins (they affect every VM there). */
const HOST_NOUNS = new Set(['hosts', 'networks', 'pools', 'volumes', 'storage', 'migration', 'placement', 'metrics', 'tasks', 'create']);
/** Verbs that destroy: admins only, whatever the noun. */
const DESTROY_VERBS = /^(delete|remove|undefine|destroy|wipe|purge|erase)/;
/** Verbs that make a new VM or disk on a host: an operator's "create". */
const CREATE_VERBS = /^(create|define|clone|import)$/;

export function classify(name: string, args: Record<string, unknown>): Need {
  const known = KNOWN[name];
  if (known) return typeof known === 'function' ? known(args) : known;
  const dot = name.indexOf('.');
  const noun = name.slice(0, dot);
  const verb = name.slice(dot + 1);
  if (isReadOnlyCall(name)) {
    if (VM_NOUNS.has(noun)) return read('vm');
    if (HOST_NOUNS.has(noun)) return read('host');
    return admin;
  }
  if (DESTROY_VERBS.test(verb)) return admin;
  if (noun === 'migration') return act('migrate', 'vm');
  if (VM_NOUNS.has(noun)) return CREATE_VERBS.test(verb) ? act('create', 'host') : act('configure', 'vm');
  // The create wizard (create.*) and new volumes make new VMs or disks on a host: an operator's "create".
  if (noun === 'create' || (noun === 'volumes' && CREATE_VERBS.test(verb))) return act('create', 'host');
  // Anything else (host-wide changes to networks, pools, storage; p2v, sources,
  // backup, restore; nouns not yet known): admins only.
  return admin;
}
