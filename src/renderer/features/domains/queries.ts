import { useQueries, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { DomainSummary } from '../../../shared/model/domain';
import type { Host } from '../../../shared/model/host';
import { request } from '../../app/api';
import type { DomainsView } from '../tree/model';
import { domainKeys, listingQueryFn, rowsOf } from './cache';

export { applyDomainEvent, domainKeys } from './cache';

const listQuery = (hostId: string, enabled: boolean) => ({
  queryKey: domainKeys.list(hostId),
  queryFn: listingQueryFn(hostId, () => request('domains.list', { hostId })),
  select: rowsOf,
  enabled,
  // The event bridge keeps lists fresh; a refetch would only re-read what was pushed.
  staleTime: Infinity,
});

export const useDomains = (hostId: string, enabled: boolean) => useQuery(listQuery(hostId, enabled));

export const useDomain = (hostId: string, uuid: string, enabled = true) =>
  useQuery({ queryKey: domainKeys.detail(hostId, uuid), queryFn: () => request('domains.get', { hostId, uuid }), enabled });

/**
 * Which of a VM's disks may be deleted with it, read fresh every time the
 * delete dialog opens (another VM may have attached an image meanwhile).
 */
export const useDeletePlan = (hostId: string, uuid: string) =>
  useQuery({ queryKey: domainKeys.deletePlan(hostId, uuid), queryFn: () => request('domains.deletePlan', { hostId, uuid }), staleTime: 0, gcTime: 0 });

/** One VM's summary from its host's list (kept live by `domain.changed`). */
export function useDomainSummary(hostId: string, uuid: string, enabled: boolean) {
  const q = useDomains(hostId, enabled);
  const summary = useMemo(() => q.data?.find((d) => d.uuid === uuid), [q.data, uuid]);
  return { ...q, summary };
}

/** VM lists of every connected host, for the tree and bulk actions. */
export function useAllDomains(hosts: readonly Host[]) {
  const results = useQueries({
    queries: hosts.map((h) => listQuery(h.config.id, h.state.status === 'connected')),
  });
  // useQueries hands back a new array each render; key the memo on the parts
  // that matter so the flattened tree is only rebuilt when a list changes.
  const deps = results.flatMap((r) => [r.data, r.status, r.error]);
  return useMemo(() => {
    const views = new Map<string, DomainsView>();
    const byKey = new Map<string, DomainSummary>();
    hosts.forEach((h, i) => {
      const r = results[i];
      if (!r || h.state.status !== 'connected') return views.set(h.config.id, { status: 'unavailable' });
      if (r.data) {
        views.set(h.config.id, { status: 'ready', list: r.data });
        for (const d of r.data) byKey.set(`${d.hostId}/${d.uuid}`, d);
      } else if (r.error) views.set(h.config.id, { status: 'error', message: r.error.message });
      else views.set(h.config.id, { status: 'loading' });
    });
    return { views, byKey };
  }, [hosts, ...deps]);
}
