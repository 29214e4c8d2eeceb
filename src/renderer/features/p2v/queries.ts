import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CallInput } from '../../../shared/ipc/contract';
import type { P2vRequestInput } from '../../../shared/p2v/schema';
import { request } from '../../app/api';

export const p2vKeys = {
  sources: () => ['sources', 'list'] as const,
  discovery: (sourceId: string) => ['sources', 'discovery', sourceId] as const,
  target: (hostId: string) => ['p2v', 'target', hostId] as const,
};

/** Source machines, kept live by source.listChanged / source.stateChanged (event bridge). */
export const useSources = () => useQuery({ queryKey: p2vKeys.sources(), queryFn: () => request('sources.list', {}), staleTime: Infinity });

/** Discovery reads the source over SSH: run on demand, kept until asked again. */
export const useDiscovery = (sourceId: string | undefined) =>
  useQuery({ queryKey: p2vKeys.discovery(sourceId ?? ''), queryFn: () => request('sources.discover', { sourceId: sourceId! }), enabled: !!sourceId, staleTime: Infinity, retry: false });

export const useP2vTarget = (hostId: string | undefined) =>
  useQuery({ queryKey: p2vKeys.target(hostId ?? ''), queryFn: () => request('p2v.getTarget', { hostId: hostId! }), enabled: !!hostId, retry: false });

export function useAddSource() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (s: CallInput<'sources.add'>) => request('sources.add', s),
    onSuccess: () => void qc.invalidateQueries({ queryKey: p2vKeys.sources() }),
  });
}

export function useRemoveSource() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (sourceId: string) => request('sources.remove', { sourceId }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: p2vKeys.sources() }),
  });
}

export const useConnectSource = () => useMutation({ mutationFn: (sourceId: string) => request('sources.connect', { sourceId }) });

export const useStartP2v = () => useMutation({ mutationFn: (req: P2vRequestInput) => request('p2v.start', req) });
