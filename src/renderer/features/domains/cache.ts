import type { QueryClient } from '@tanstack/react-query';
import type { DomainListing } from '../../../shared/ipc/calls/domains';
import { hostKeys } from '../hosts/keys';
import { applyDomainChange, mergeListing, type DomainChange, type DomainList } from './reducers';

// Where pushed domain changes and fetched listings meet in the react-query
// cache. Kept apart from queries.ts (which talks to the core) so the wiring is
// unit-tested with a real QueryClient.

export const domainKeys = {
  list: (hostId: string) => [...hostKeys.host(hostId), 'domains'] as const,
  detail: (hostId: string, uuid: string) => [...hostKeys.host(hostId), 'domain', uuid] as const,
  deletePlan: (hostId: string, uuid: string) => [...hostKeys.host(hostId), 'domain', uuid, 'deletePlan'] as const,
};

// Changes pushed before a host's first listing landed, per client: held here
// (not in the query, which would then show a partial list as if complete) and
// merged by stamp when the listing arrives.
const early = new WeakMap<QueryClient, Map<string, DomainList>>();
const earlyOf = (qc: QueryClient) => {
  let m = early.get(qc);
  if (!m) early.set(qc, (m = new Map()));
  return m;
};

/** The event bridge's entry for `domain.changed` (not resync): newer rows only, by stamp. */
export function applyDomainEvent(qc: QueryClient, hostId: string, change: DomainChange): void {
  const key = domainKeys.list(hostId);
  if (qc.getQueryData<DomainList>(key) === undefined) {
    const held = earlyOf(qc);
    held.set(hostId, applyDomainChange(held.get(hostId), change));
    return;
  }
  qc.setQueryData<DomainList>(key, (old) => applyDomainChange(old, change));
}

/** The list query's function: fetch, then merge with what is held *now* (events may have landed meanwhile). */
export const listingQueryFn =
  (hostId: string, fetchListing: () => Promise<DomainListing>) =>
  async ({ client }: { client: QueryClient }): Promise<DomainList> => {
    const listing = await fetchListing();
    const held = client.getQueryData<DomainList>(domainKeys.list(hostId)) ?? earlyOf(client).get(hostId);
    earlyOf(client).delete(hostId);
    return mergeListing(held, listing);
  };

/** What views select from the cached list. */
export const rowsOf = (l: DomainList) => l.rows;
