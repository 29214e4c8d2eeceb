import { useQuery } from '@tanstack/react-query';
import { request } from '../../app/api';
import { hostKeys } from '../hosts/queries';

export const domainKeys = {
  list: (hostId: string) => [...hostKeys.host(hostId), 'domains'] as const,
  detail: (hostId: string, uuid: string) => [...hostKeys.host(hostId), 'domain', uuid] as const,
};

export const useDomains = (hostId: string, enabled: boolean) =>
  useQuery({ queryKey: domainKeys.list(hostId), queryFn: () => request('domains.list', { hostId }), enabled });

export const useDomain = (hostId: string, uuid: string, enabled = true) =>
  useQuery({ queryKey: domainKeys.detail(hostId, uuid), queryFn: () => request('domains.get', { hostId, uuid }), enabled });
