import { useQuery } from '@tanstack/react-query';
import { request } from '../../app/api';
import { useDebounced } from '../../ui/useDebounced';

export const createKeys = {
  options: (hostId: string) => ['create', 'options', hostId] as const,
  media: (hostId: string) => ['create', 'media', hostId] as const,
  check: (hostId: string, name: string, pool?: string) => ['create', 'check', hostId, name, pool ?? ''] as const,
};

export const useCreateOptions = (hostId: string) =>
  useQuery({ queryKey: createKeys.options(hostId), queryFn: () => request('create.getOptions', { hostId }), enabled: !!hostId, staleTime: 30_000 });

export const useMedia = (hostId: string) => useQuery({ queryKey: createKeys.media(hostId), queryFn: () => request('create.listMedia', { hostId }), enabled: !!hostId, staleTime: 10_000 });

export const useSshKeys = (enabled: boolean) => useQuery({ queryKey: ['create', 'sshKeys'], queryFn: () => request('create.listSshKeys', {}), enabled });


/** Whether the name (and its volume names) is free on the host, asked 300 ms after the last keystroke. */
export function useNameCheck(hostId: string, name: string, pool?: string) {
  const n = useDebounced(name.trim(), 300);
  return useQuery({
    queryKey: createKeys.check(hostId, n, pool),
    queryFn: () => request('create.check', { hostId, name: n, ...(pool ? { diskPool: pool } : {}) }),
    enabled: !!hostId && !!n && !n.includes('/'),
    staleTime: 0,
  });
}
