import { useQuery } from '@tanstack/react-query';
import { request } from '../../app/api';
import { hostKeys } from './keys';

export { hostKeys };

export const useHosts = () => useQuery({ queryKey: hostKeys.list(), queryFn: () => request('hosts.list', {}) });

export const useHostInfo = (hostId: string, enabled: boolean) =>
  useQuery({ queryKey: hostKeys.info(hostId), queryFn: () => request('hosts.info', { hostId }), enabled, staleTime: 60_000 });

export const usePrompts = () => useQuery({ queryKey: hostKeys.prompts(), queryFn: () => request('hosts.prompts', {}) });

/** ssh_config aliases for the host form; re-read each time a form opens (users edit the file while we run). */
export const useSshAliases = () => useQuery({ queryKey: hostKeys.sshAliases(), queryFn: () => request('hosts.sshAliases', {}), staleTime: 0 });
