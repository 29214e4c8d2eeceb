import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { request } from '../../app/api';
import { hostKeys } from '../hosts/queries';

export const snapshotKeys = {
  list: (hostId: string, uuid: string) => [...hostKeys.host(hostId), 'domain', uuid, 'snapshots'] as const,
};

export const useSnapshots = (hostId: string, uuid: string) =>
  useQuery({ queryKey: snapshotKeys.list(hostId, uuid), queryFn: () => request('snapshots.list', { hostId, uuid }) });

export function useSnapshotDelete(hostId: string, uuid: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { name: string; children: boolean }) => request('snapshots.delete', { hostId, uuid, ...v }),
    onSettled: () => void qc.invalidateQueries({ queryKey: snapshotKeys.list(hostId, uuid) }),
  });
}
