import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import type { DomainSummary } from '../../../shared/model/domain';
import { applyDomainEvent, domainKeys, listingQueryFn, rowsOf } from './cache';
import { groupFailures, staleHosts } from './lifecycle';
import { applyDomainChange, dropRow, MAX_TOMBSTONES, mergeListing, patchRow, type DomainList } from './reducers';

// Pure reducers: the sequence guard is logic over stamps, no core needed.
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const vm = (n: number, state: DomainSummary['state'], name = `vm${n}`): DomainSummary => ({ hostId: 'kvm-1', uuid: uuid(n), name, id: state === 'shutoff' ? -1 : n, state, tags: [], ips: [] });
const E = 'core-a';
const listing = (seq: number, domains: DomainSummary[], epoch = E) => ({ epoch, seq, domains });
const change = (seq: number, upserted: DomainSummary[], removed: string[] = [], epoch = E) => ({ epoch, seq, upserted, removed });
const states = (l: DomainList | undefined) => Object.fromEntries((l?.rows ?? []).map((d) => [d.name, d.state]));

describe('domain list sequence guard', () => {
  it('a listing that started before an event cannot undo it (the stale-refresh race)', () => {
    // list read starts (seq 5), a start event's refresh (seq 6) lands first, then the list.
    let l = mergeListing(undefined, listing(1, [vm(1, 'shutoff'), vm(2, 'running')]));
    l = applyDomainChange(l, change(6, [vm(1, 'running')]));
    l = mergeListing(l, listing(5, [vm(1, 'shutoff'), vm(2, 'running')]));
    expect(states(l)).toEqual({ vm1: 'running', vm2: 'running' });
    // The next, newer listing is believed again.
    l = mergeListing(l, listing(7, [vm(1, 'paused'), vm(2, 'running')]));
    expect(states(l)).toEqual({ vm1: 'paused', vm2: 'running' });
  });

  it('of two overlapping refreshes the older one, landing last, is ignored', () => {
    let l = mergeListing(undefined, listing(1, [vm(1, 'shutoff')]));
    l = applyDomainChange(l, change(3, [vm(1, 'paused')]));
    const before = l;
    l = applyDomainChange(l, change(2, [vm(1, 'running')]));
    expect(states(l)).toEqual({ vm1: 'paused' });
    expect(l).toBe(before); // nothing changed: same object, no re-render
  });

  it('a removal is not undone by an older listing, and the tombstone is settled by a newer one', () => {
    let l = mergeListing(undefined, listing(1, [vm(1, 'running'), vm(2, 'running')]));
    l = applyDomainChange(l, change(4, [], [uuid(2)]));
    l = mergeListing(l, listing(3, [vm(1, 'running'), vm(2, 'running')]));
    expect(states(l)).toEqual({ vm1: 'running' });
    expect(l.gone).toEqual({ [uuid(2)]: 4 });
    l = mergeListing(l, listing(5, [vm(1, 'running')]));
    expect(l.gone).toEqual({});
    // Redefined later with the same uuid: a newer upsert brings it back.
    l = applyDomainChange(l, change(6, [vm(2, 'shutoff')]));
    expect(states(l)).toEqual({ vm1: 'running', vm2: 'shutoff' });
  });

  it('a VM created while an older listing was read survives that listing; one it did not see and nobody newer did goes', () => {
    let l = mergeListing(undefined, listing(1, [vm(1, 'running'), vm(9, 'running')]));
    l = applyDomainChange(l, change(4, [vm(3, 'shutoff', 'new')]));
    l = mergeListing(l, listing(3, [vm(1, 'running')]));
    expect(states(l)).toEqual({ vm1: 'running', new: 'shutoff' });
  });

  it('an older removal does not delete a VM a newer read saw defined', () => {
    let l = mergeListing(undefined, listing(5, [vm(1, 'running')]));
    l = applyDomainChange(l, change(4, [], [uuid(1)]));
    expect(states(l)).toEqual({ vm1: 'running' });
  });

  it('events before the first listing are held and merged by stamp when it lands', () => {
    let early = applyDomainChange(undefined, change(3, [vm(1, 'running')]));
    expect(early.listed).toBe(false);
    early = applyDomainChange(early, change(4, [], [uuid(2)]));
    const l = mergeListing(early, listing(2, [vm(1, 'shutoff'), vm(2, 'running'), vm(3, 'paused')]));
    expect(l.listed).toBe(true);
    expect(states(l)).toEqual({ vm1: 'running', vm3: 'paused' });
  });

  it('after a core restart (new epoch) any answer from the new core wins, keeping rows on screen meanwhile', () => {
    let l = mergeListing(undefined, listing(900, [vm(1, 'running'), vm(2, 'running')], 'old'));
    l = applyDomainChange(l, change(2, [vm(1, 'paused')], [], 'new'));
    expect(states(l)).toEqual({ vm1: 'paused', vm2: 'running' });
    expect(l.listed).toBe(true);
    l = mergeListing(l, listing(1, [vm(2, 'shutoff')], 'new'));
    // vm1's row came from seq 2 > 1 of the same new core: kept.
    expect(states(l)).toEqual({ vm1: 'paused', vm2: 'shutoff' });
  });

  it('keeps only the newest tombstones', () => {
    let l = mergeListing(undefined, listing(1, []));
    for (let i = 0; i < MAX_TOMBSTONES + 5; i++) l = applyDomainChange(l, change(10 + i, [], [uuid(i)]));
    expect(Object.keys(l.gone)).toHaveLength(MAX_TOMBSTONES);
    expect(l.gone[uuid(0)]).toBeUndefined();
    expect(l.gone[uuid(MAX_TOMBSTONES + 4)]).toBe(MAX_TOMBSTONES + 14);
  });

  it('rows stay sorted by name; local patches keep their stamp', () => {
    let l = mergeListing(undefined, listing(1, [vm(2, 'running', 'b'), vm(1, 'running', 'a')]));
    expect(l.rows.map((d) => d.name)).toEqual(['a', 'b']);
    l = applyDomainChange(l, change(2, [vm(3, 'running', 'aa')]));
    expect(l.rows.map((d) => d.name)).toEqual(['a', 'aa', 'b']);
    const p = patchRow(l, uuid(1), { tags: ['web'] })!;
    expect(p.rows[0]!.tags).toEqual(['web']);
    expect(p.seqs).toBe(l.seqs);
    expect(patchRow(l, uuid(42), { tags: [] })).toBe(l);
    const d = dropRow(p, uuid(1))!;
    expect(d.rows.map((x) => x.name)).toEqual(['aa', 'b']);
    expect(d.seqs[uuid(1)]).toBeUndefined();
  });
});

describe('bulk failures by code', () => {
  const f = (name: string, hostId: string, code: 'NOT_FOUND' | 'LIBVIRT' | 'NOT_CONNECTED', message = 'x') => ({ domain: { name, hostId }, error: { code, message } });

  it('groups by code, in the code\'s own words, biggest group first', () => {
    const groups = groupFailures([
      f('a', 'h1', 'LIBVIRT', 'Start failed: domain is already running'),
      f('b', 'h2', 'NOT_CONNECTED', 'lab-2 is not connected (timed out)'),
      f('c', 'h2', 'NOT_CONNECTED', 'lab-2 is not connected (no route)'),
      f('d', 'h1', 'LIBVIRT', 'Start failed: domain is already running'),
      f('e', 'h1', 'LIBVIRT', 'Start failed: internal error: qemu died'),
      f('g', 'h1', 'NOT_FOUND', 'Domain vanished'),
    ]);
    expect(groups).toEqual([
      { code: 'LIBVIRT', text: 'Start failed: domain is already running', names: ['a', 'd'] },
      { code: 'NOT_CONNECTED', text: 'its host is not connected', names: ['b', 'c'] },
      { code: 'LIBVIRT', text: 'Start failed: internal error: qemu died', names: ['e'] },
      { code: 'NOT_FOUND', text: expect.stringMatching(/no longer exists/), names: ['g'] },
    ]);
  });

  it('names the hosts whose list a NOT_FOUND proved stale', () => {
    expect(staleHosts([f('a', 'h1', 'NOT_FOUND'), f('b', 'h1', 'NOT_FOUND'), f('c', 'h2', 'LIBVIRT')])).toEqual(['h1']);
  });
});

describe('the list cache with a real QueryClient', () => {
  // react-query itself, no core: the listing comes from a promise the test resolves.
  const deferred = <T,>() => {
    let resolve!: (v: T) => void;
    const promise = new Promise<T>((r) => (resolve = r));
    return { promise, resolve };
  };

  it('an event that lands while the first listing is in flight survives the listing', async () => {
    const qc = new QueryClient();
    const d = deferred<ReturnType<typeof listing>>();
    const fetching = qc.fetchQuery({ queryKey: domainKeys.list('kvm-1'), queryFn: listingQueryFn('kvm-1', () => d.promise) });
    applyDomainEvent(qc, 'kvm-1', change(6, [vm(1, 'running')]));
    d.resolve(listing(5, [vm(1, 'shutoff'), vm(2, 'running')]));
    const l = await fetching;
    expect(states(l)).toEqual({ vm1: 'running', vm2: 'running' });
    expect(rowsOf(qc.getQueryData(domainKeys.list('kvm-1'))!)).toHaveLength(2);
  });

  it('a refetch that started before an event cannot undo it', async () => {
    const qc = new QueryClient();
    await qc.fetchQuery({ queryKey: domainKeys.list('kvm-1'), queryFn: listingQueryFn('kvm-1', async () => listing(1, [vm(1, 'shutoff')])) });
    const d = deferred<ReturnType<typeof listing>>();
    const refetch = qc.fetchQuery({ queryKey: domainKeys.list('kvm-1'), queryFn: listingQueryFn('kvm-1', () => d.promise), staleTime: 0 });
    applyDomainEvent(qc, 'kvm-1', change(3, [vm(1, 'running')]));
    expect(states(qc.getQueryData(domainKeys.list('kvm-1')))).toEqual({ vm1: 'running' });
    d.resolve(listing(2, [vm(1, 'shutoff')]));
    await refetch;
    expect(states(qc.getQueryData(domainKeys.list('kvm-1')))).toEqual({ vm1: 'running' });
  });
});
