import { useQuery } from '@tanstack/react-query';
import { request } from '../../app/api';

// Host-first key factories: every cache entry about a host sits under
// ['hosts', hostId, …] so a disconnect or removal can drop them in one go.
export const hostKeys = {
  all: ['hosts'] as const,
  list: () => [...hostKeys.all, 'list'] as const,
  host: (hostId: string) => [...hostKeys.all, hostId] as const,
  info: (hostId: string) => [...hostKeys.host(hostId), 'info'] as const,
  prompts: () => [...hostKeys.all, 'prompts'] as const,
};

export const useHosts = () => useQuery({ queryKey: hostKeys.list(), queryFn: () => request('hosts.list', {}) });

export const useHostInfo = (hostId: string, enabled: boolean) =>
  useQuery({ queryKey: hostKeys.info(hostId), queryFn: () => request('hosts.info', { hostId }), enabled, staleTime: 60_000 });

export const usePrompts = () => useQuery({ queryKey: hostKeys.prompts(), queryFn: () => request('hosts.prompts', {}) });
