import { describe, expect, it } from 'vitest';
import type { DomainSummary } from '../../shared/model/domain';
import type { Host } from '../../shared/model/host';
import { capabilities, decide, factsNeeded, targetsOf, type Subject } from './policy';
import { filterAnswer, filterEvent, SessionView } from './visibility';

// The policy is pure: every case here is a call as the core would see it
// after the contract parsed it, with the facts the core would have looked up.

const A = '11111111-1111-4111-8111-111111111111'; // on lab-1, tagged "front-desk"
const B = '22222222-2222-4222-8222-222222222222'; // on lab-1, no tags
const C = '33333333-3333-4333-8333-333333333333'; // on lab-2, tagged "front-desk"

const helpdesk: Subject = { user: 'hd', role: 'helpdesk', hosts: [], tags: ['front-desk'] };
const operator: Subject = { user: 'op', role: 'operator', hosts: ['lab-1'], tags: [] };
const readonly: Subject = { user: 'ro', role: 'readonly', hosts: ['lab-2'], tags: [] };
const admin: Subject = { user: 'root', role: 'admin', hosts: [], tags: [] };

const tags = new Map<string, string[]>([
  [`lab-1/${A}`, ['front-desk']],
  [`lab-1/${B}`, []],
  [`lab-2/${C}`, ['front-desk', 'web']],
]);
const facts = { vmTags: tags, hostsWithVisibleVms: new Set(['lab-1', 'lab-2']) };
const allowed = (s: Subject, name: string, input: Record<string, unknown>, f = facts) => decide(s, name, input, f).allow;

describe('targets named by an input', () => {
  it('pairs uuids with the host beside or above them, and keeps other hosts apart', () => {
    expect(targetsOf({ hostId: 'lab-1', uuids: [A, B], action: 'start' })).toEqual({ vms: [{ hostId: 'lab-1', uuid: A }, { hostId: 'lab-1', uuid: B }], hosts: [] });
    expect(targetsOf({ hostId: 'lab-1', uuid: A, targetHostId: 'lab-3' })).toEqual({ vms: [{ hostId: 'lab-1', uuid: A }], hosts: ['lab-3'] });
    // Evacuating names the host itself too (a host-wide act), and each VM's destination.
    expect(targetsOf({ hostId: 'lab-1', moves: [{ uuid: A, targetHostId: 'lab-2' }] })).toEqual({ vms: [{ hostId: 'lab-1', uuid: A }], hosts: ['lab-1', 'lab-2'] });
    // Metrics targets: a VM series and a host's totals.
    expect(targetsOf({ targets: [{ hostId: 'lab-2', uuid: C }, { hostId: 'lab-1' }] })).toEqual({ vms: [{ hostId: 'lab-2', uuid: C }], hosts: ['lab-1'] });
    expect(targetsOf({ hostId: 'lab-1', uuid: 'not-a-uuid' })).toEqual({ vms: [], hosts: ['lab-1'] });
  });
});

describe('help desk: consoles and power on/reboot of the VMs its tags or hosts allow', () => {
  it('opens consoles of a VM it is allowed, on any host', () => {
    expect(allowed(helpdesk, 'consoles.openVnc', { hostId: 'lab-1', uuid: A })).toBe(true);
    expect(allowed(helpdesk, 'consoles.openSerial', { hostId: 'lab-2', uuid: C, force: false })).toBe(true);
  });
  it('is refused the console of a VM outside its tags, and of a VM the core could not find', () => {
    expect(decide(helpdesk, 'consoles.openVnc', { hostId: 'lab-1', uuid: B }, facts)).toEqual({ allow: false, reason: `VM ${B} on lab-1 is outside hd's allowed hosts and tags` });
    expect(allowed(helpdesk, 'consoles.openVnc', { hostId: 'lab-1', uuid: A }, { vmTags: new Map(), hostsWithVisibleVms: new Set() })).toBe(false);
  });
  it('may start and reboot allowed VMs, nothing else', () => {
    expect(allowed(helpdesk, 'domains.lifecycle', { hostId: 'lab-1', uuids: [A], action: 'start' })).toBe(true);
    expect(allowed(helpdesk, 'domains.lifecycle', { hostId: 'lab-1', uuids: [A], action: 'reboot' })).toBe(true);
    expect(decide(helpdesk, 'domains.lifecycle', { hostId: 'lab-1', uuids: [A], action: 'forceOff' }, facts)).toEqual({ allow: false, reason: '"forceOff" is not allowed for a help-desk accounts' });
    // One VM outside its scope spoils a bulk call.
    expect(allowed(helpdesk, 'domains.lifecycle', { hostId: 'lab-1', uuids: [A, B], action: 'start' })).toBe(false);
  });
  it('is refused delete, host changes, host shells, settings, metrics and audit', () => {
    for (const [name, input] of [
      ['domains.delete', { hostId: 'lab-1', uuid: A, volumes: [] }],
      ['hosts.add', { name: 'x', target: { transport: 'local' }, tags: [], autoConnect: true }],
      ['hosts.remove', { hostId: 'lab-1' }],
      ['hosts.answerPrompt', { promptId: 'p', accept: true, answers: [], remember: false }],
      ['consoles.openShell', { hostId: 'lab-1', cols: 80, rows: 24 }],
      ['domains.setTags', { hostId: 'lab-1', uuid: A, tags: [] }],
      ['metrics.history', { hostId: 'lab-1', uuid: A, from: 0, to: 1, maxPoints: 600 }],
      ['audit.list', {}],
      ['accounts.list', {}],
      ['tasks.clear', {}],
    ] as const) {
      expect(allowed(helpdesk, name, input as Record<string, unknown>), name).toBe(false);
    }
  });
  it('lists hosts and VMs (filtered) and reads the VMs it sees', () => {
    expect(allowed(helpdesk, 'hosts.list', {})).toBe(true);
    expect(allowed(helpdesk, 'domains.list', { hostId: 'lab-2' })).toBe(true);
    expect(allowed(helpdesk, 'domains.list', { hostId: 'lab-3' })).toBe(false);
    expect(allowed(helpdesk, 'domains.get', { hostId: 'lab-1', uuid: A })).toBe(true);
    expect(allowed(helpdesk, 'domains.get', { hostId: 'lab-1', uuid: B })).toBe(false);
  });
  it('asks the core only for the facts it needs', () => {
    expect(factsNeeded(helpdesk, 'consoles.openVnc', { hostId: 'lab-1', uuid: A })).toEqual({ vms: [{ hostId: 'lab-1', uuid: A }], hostsWithVisibleVms: false, tasks: [] });
    expect(factsNeeded(operator, 'consoles.openVnc', { hostId: 'lab-1', uuid: A }).vms).toEqual([]);
    expect(factsNeeded(helpdesk, 'domains.list', { hostId: 'lab-1' }).hostsWithVisibleVms).toBe(true);
    expect(factsNeeded(admin, 'consoles.openVnc', { hostId: 'lab-1', uuid: A }).vms).toEqual([]);
  });
});

describe('operator: lifecycle, consoles, create and migrate within its hosts', () => {
  it('acts on VMs of its hosts only', () => {
    expect(allowed(operator, 'domains.lifecycle', { hostId: 'lab-1', uuids: [B], action: 'forceOff' })).toBe(true);
    expect(allowed(operator, 'domains.lifecycle', { hostId: 'lab-2', uuids: [C], action: 'start' })).toBe(false);
    expect(allowed(operator, 'consoles.openVnc', { hostId: 'lab-1', uuid: B })).toBe(true);
    expect(allowed(operator, 'hosts.connect', { hostId: 'lab-1' })).toBe(true);
    expect(allowed(operator, 'hosts.connect', { hostId: 'lab-2' })).toBe(false);
  });
  it('classifies calls of other areas by noun and verb', () => {
    expect(allowed(operator, 'vmSettings.setCpu', { hostId: 'lab-1', uuid: B, cpu: {} })).toBe(true);
    expect(allowed(operator, 'vmSettings.get', { hostId: 'lab-2', uuid: C })).toBe(false);
    expect(allowed(operator, 'snapshots.create', { hostId: 'lab-1', uuid: B, name: 's' })).toBe(true);
    expect(allowed(operator, 'snapshots.delete', { hostId: 'lab-1', uuid: B, name: 's' })).toBe(false);
    // A snapshot of a VM it sees by tag on another host: a change of that VM, not a new VM on the host.
    expect(allowed({ ...operator, tags: ['front-desk'] }, 'snapshots.create', { hostId: 'lab-2', uuid: C, name: 's' })).toBe(true);
    expect(allowed(operator, 'networks.vmNics', { hostId: 'lab-1' })).toBe(true);
    expect(allowed(operator, 'networks.hostInterfaces', { hostId: 'lab-2' })).toBe(false);
    expect(allowed(helpdesk, 'networks.list', { hostId: 'lab-1' })).toBe(false);
    // The create wizard: reads and creates on its hosts.
    expect(allowed(operator, 'create.preflight', { hostId: 'lab-1' })).toBe(true);
    expect(allowed(operator, 'create.start', { hostId: 'lab-1', name: 'vm' })).toBe(true);
    expect(allowed(operator, 'create.start', { hostId: 'lab-2', name: 'vm' })).toBe(false);
    expect(allowed(readonly, 'create.start', { hostId: 'lab-2', name: 'vm' })).toBe(false);
    expect(allowed(operator, 'placement.advise', { hostId: 'lab-1' })).toBe(true);
    expect(allowed(operator, 'domains.create', { hostId: 'lab-1', spec: {} })).toBe(true);
    expect(allowed(operator, 'domains.create', { hostId: 'lab-2', spec: {} })).toBe(false);
    expect(allowed(operator, 'volumes.create', { hostId: 'lab-1', pool: 'default', name: 'd' })).toBe(true);
    expect(allowed(operator, 'volumes.uploadFile', { hostId: 'lab-1', pool: 'default', name: 'd', path: '/etc/shadow' })).toBe(false);
    expect(allowed(operator, 'pools.list', { hostId: 'lab-1' })).toBe(true);
    expect(allowed(operator, 'networks.create', { hostId: 'lab-1', name: 'n' })).toBe(false);
    expect(allowed(operator, 'migration.start', { hostId: 'lab-1', uuid: B, targetHostId: 'lab-1' })).toBe(true);
    expect(allowed(operator, 'migration.start', { hostId: 'lab-1', uuid: B, targetHostId: 'lab-2' })).toBe(false);
    expect(allowed(operator, 'migration.evacuate', { hostId: 'lab-1', moves: [{ uuid: B, targetHostId: 'lab-2' }] })).toBe(false);
    // A host-wide read without a host concerns every host.
    expect(allowed(operator, 'storage.usage', {})).toBe(false);
    expect(allowed({ ...operator, hosts: ['*'] }, 'storage.usage', {})).toBe(true);
  });
  it('refuses calls no rule knows (default deny), and deletes', () => {
    expect(decide(operator, 'backup.run', { hostId: 'lab-1' })).toEqual({ allow: false, reason: 'backup.run needs an admin; op is an operator' });
    expect(allowed(operator, 'p2v.start', { hostId: 'lab-1' })).toBe(false);
    expect(allowed(operator, 'p2v.list', { hostId: 'lab-1' })).toBe(false);
    expect(allowed(operator, 'sources.add', { host: 'pc1' })).toBe(false);
    expect(allowed(readonly, 'backup.list', { hostId: 'lab-2' })).toBe(false);
    expect(allowed(operator, 'backup.restore', { hostId: 'lab-1' })).toBe(false);
    expect(allowed(operator, 'files.choose', {})).toBe(false);
    expect(allowed(operator, 'domains.delete', { hostId: 'lab-1', uuid: B, volumes: [] })).toBe(false);
    expect(allowed(operator, 'consoles.openShell', { hostId: 'lab-1', cols: 80, rows: 24 })).toBe(false);
  });
  it('cancels its own tasks and tasks on its hosts', () => {
    const tasks = new Map([
      ['t-mine01', { user: 'op', hostId: 'lab-2' }],
      ['t-here01', { user: 'root', hostId: 'lab-1' }],
      ['t-else01', { user: 'root', hostId: 'lab-2' }],
    ]);
    expect(decide(operator, 'tasks.cancel', { taskId: 't-mine01' }, { tasks }).allow).toBe(true);
    expect(decide(operator, 'tasks.cancel', { taskId: 't-here01' }, { tasks }).allow).toBe(true);
    expect(decide(operator, 'tasks.cancel', { taskId: 't-else01' }, { tasks }).allow).toBe(false);
    expect(decide(operator, 'tasks.cancel', { taskId: 't-gone01' }, { tasks }).allow).toBe(false);
    expect(decide(helpdesk, 'tasks.cancel', { taskId: 't-mine01' }, { tasks }).allow).toBe(false);
  });
});

describe('read-only and admin', () => {
  it('read-only reads within its scope and changes nothing', () => {
    expect(allowed(readonly, 'domains.get', { hostId: 'lab-2', uuid: C })).toBe(true);
    expect(allowed(readonly, 'metrics.history', { hostId: 'lab-2', from: 0, to: 1, maxPoints: 10 })).toBe(true);
    expect(allowed(readonly, 'metrics.subscribe', { targets: [{ hostId: 'lab-2', uuid: C }, { hostId: 'lab-1' }] })).toBe(false);
    expect(allowed(readonly, 'networks.list', { hostId: 'lab-2' })).toBe(true);
    expect(allowed(readonly, 'domains.lifecycle', { hostId: 'lab-2', uuids: [C], action: 'start' })).toBe(false);
    expect(allowed(readonly, 'consoles.openVnc', { hostId: 'lab-2', uuid: C })).toBe(false);
    expect(allowed(readonly, 'metrics.setRules', { rules: [] })).toBe(false);
  });
  it('admin may do everything, including calls no rule knows', () => {
    expect(allowed(admin, 'domains.delete', { hostId: 'x', uuid: A, volumes: [] })).toBe(true);
    expect(allowed(admin, 'whatever.added.later', {})).toBe(true);
    expect(capabilities(admin).accounts).toBe(true);
  });
  it('capabilities mirror the grants for the UI', () => {
    expect(capabilities(helpdesk)).toMatchObject({ consoles: true, lifecycle: ['start', 'reboot'], manageHosts: false, deleteVms: false, hostShell: false });
    expect(capabilities(operator).lifecycle).toContain('forceOff');
    expect(capabilities(readonly)).toMatchObject({ consoles: false, lifecycle: [] });
  });
});

const host = (id: string): Host => ({
  config: { id, name: id, target: { transport: 'local', socketPath: '/s', libvirtPath: 'system' }, tags: [], autoConnect: true },
  state: { hostId: id, status: 'connected', since: 0 },
});
const dom = (hostId: string, uuid: string, t: string[]): DomainSummary => ({ hostId, uuid, name: uuid.slice(0, 4), id: 1, state: 'running', tags: t, ips: [] });
const tagsOf = (h: string, u: string) => tags.get(`${h}/${u}`);

describe('what a session sees: answers and events', () => {
  it('lists only hosts holding a visible VM, and only visible VMs', () => {
    const view = new SessionView(helpdesk);
    const hosts = filterAnswer(view, 'hosts.list', [host('lab-1'), host('lab-2'), host('lab-3')], tagsOf, new Set(['lab-1'])) as Host[];
    expect(hosts.map((h) => h.config.id)).toEqual(['lab-1']);
    const listing = filterAnswer(view, 'domains.list', { epoch: 'e1', seq: 7, domains: [dom('lab-1', A, ['front-desk']), dom('lab-1', B, [])] }, tagsOf) as { epoch: string; seq: number; domains: DomainSummary[] };
    expect(listing.domains.map((d) => d.uuid)).toEqual([A]);
    expect(listing).toMatchObject({ epoch: 'e1', seq: 7 });
    expect(filterAnswer(view, 'metrics.latest', [{ hostId: 'lab-1', uuid: A }, { hostId: 'lab-1', uuid: B }], tagsOf)).toEqual([{ hostId: 'lab-1', uuid: A }]);
  });

  it('filters events: hosts it was not shown, VMs outside its tags, prompts, and unknown events', () => {
    const view = new SessionView(helpdesk);
    filterAnswer(view, 'hosts.list', [host('lab-1')], tagsOf, new Set(['lab-1']));
    filterAnswer(view, 'domains.list', { epoch: 'e1', seq: 1, domains: [dom('lab-1', A, ['front-desk'])] }, tagsOf);
    expect(filterEvent(view, 'host.stateChanged', { hostId: 'lab-1', status: 'connected', since: 1 }, tagsOf)).not.toBeNull();
    expect(filterEvent(view, 'host.stateChanged', { hostId: 'lab-3', status: 'connected', since: 1 }, tagsOf)).toBeNull();
    expect(filterEvent(view, 'host.promptRequested', { id: 'p', hostId: 'lab-1' }, tagsOf)).toBeNull();
    expect(filterEvent(view, 'pool.changed', { hostId: 'lab-1' }, tagsOf)).toBeNull();
    expect(filterEvent(new SessionView(operator), 'pool.changed', { hostId: 'lab-1' }, tagsOf)).toEqual({ hostId: 'lab-1' });
    expect(filterEvent(new SessionView(operator), 'backup.finished', { ok: true }, tagsOf)).toBeNull();
    // An untagged VM's change is not sent at all.
    expect(filterEvent(view, 'domain.changed', { hostId: 'lab-1', upserted: [dom('lab-1', B, [])], removed: [], resync: false }, tagsOf)).toBeNull();
    // A VM that loses its tag disappears from the window; one that gains it appears.
    expect(filterEvent(view, 'domain.changed', { hostId: 'lab-1', epoch: 'e1', seq: 9, upserted: [dom('lab-1', A, []), dom('lab-1', B, ['front-desk'])], removed: [], resync: false }, tagsOf)).toEqual({
      hostId: 'lab-1',
      epoch: 'e1',
      seq: 9,
      upserted: [dom('lab-1', B, ['front-desk'])],
      removed: [A],
      resync: false,
    });
    // Removal of a VM it never saw is not news to it.
    expect(filterEvent(view, 'domain.changed', { hostId: 'lab-1', upserted: [], removed: [C], resync: false }, tagsOf)).toBeNull();
    expect(filterEvent(view, 'domain.changed', { hostId: 'lab-1', upserted: [], removed: [B], resync: false }, tagsOf)).toEqual({ hostId: 'lab-1', upserted: [], removed: [B], resync: false });
  });

  it('shows tasks it started or that run on its hosts', () => {
    const view = new SessionView(operator);
    expect(filterEvent(view, 'task.updated', { user: 'op', hostId: 'lab-9' }, tagsOf)).not.toBeNull();
    expect(filterEvent(view, 'task.updated', { user: 'root', hostId: 'lab-1' }, tagsOf)).not.toBeNull();
    expect(filterEvent(view, 'task.updated', { user: 'root', hostId: 'lab-2' }, tagsOf)).toBeNull();
    expect(filterEvent(view, 'task.updated', { user: 'root' }, tagsOf)).toBeNull();
  });

  it('admins see everything unfiltered', () => {
    const view = new SessionView(admin);
    expect(filterEvent(view, 'host.promptRequested', { id: 'p' }, tagsOf)).toEqual({ id: 'p' });
    expect((filterAnswer(view, 'hosts.list', [host('lab-3')], tagsOf) as Host[]).length).toBe(1);
  });
});
