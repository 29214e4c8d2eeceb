import { useQuery } from '@tanstack/react-query';
import { request } from '../../app/api';
import { hostKeys } from '../hosts/queries';

// Host-first keys: everything about a host's networks sits under
// ['hosts', hostId, …], so a reconnect (which invalidates the host) re-reads it.
export const networkKeys = {
  all: (hostId: string) => [...hostKeys.host(hostId), 'networks'] as const,
  list: (hostId: string) => [...networkKeys.all(hostId), 'list'] as const,
  detail: (hostId: string, name: string) => [...networkKeys.all(hostId), 'detail', name] as const,
  leases: (hostId: string, name: string) => [...networkKeys.all(hostId), 'leases', name] as const,
  subnet: (hostId: string, cidr: string) => [...networkKeys.all(hostId), 'subnet', cidr] as const,
  interfaces: (hostId: string) => [...networkKeys.all(hostId), 'interfaces'] as const,
  vmNics: (hostId: string) => [...networkKeys.all(hostId), 'vm-nics'] as const,
};

/** Kept fresh by network.changed (libvirt events), never polled. */
export const useNetworks = (hostId: string, enabled = true) =>
  useQuery({ queryKey: networkKeys.list(hostId), queryFn: () => request('networks.list', { hostId }), enabled, staleTime: Infinity });

export const useNetwork = (hostId: string, name: string, enabled = true) =>
  useQuery({ queryKey: networkKeys.detail(hostId, name), queryFn: () => request('networks.get', { hostId, name }), enabled, staleTime: Infinity });

/** Kept fresh by network.leasesChanged (the host's lease files), never polled. */
export const useLeases = (hostId: string, name: string, enabled = true) =>
  useQuery({ queryKey: networkKeys.leases(hostId, name), queryFn: () => request('networks.leases', { hostId, name }), enabled, staleTime: Infinity });

/** Subnet check as the admin types; '' asks only for what is taken and a suggestion. */
export const useSubnetCheck = (hostId: string, cidr: string, enabled = true) =>
  useQuery({
    queryKey: networkKeys.subnet(hostId, cidr),
    queryFn: () => request('networks.checkSubnet', cidr ? { hostId, cidr } : { hostId }),
    enabled,
    staleTime: 10_000,
    retry: false,
    placeholderData: (prev) => prev,
  });

export const useHostInterfaces = (hostId: string, enabled = true) =>
  useQuery({ queryKey: networkKeys.interfaces(hostId), queryFn: () => request('networks.hostInterfaces', { hostId }), enabled, staleTime: 30_000 });

export const useVmNics = (hostId: string, enabled = true) =>
  useQuery({ queryKey: networkKeys.vmNics(hostId), queryFn: () => request('networks.vmNics', { hostId }), enabled, staleTime: 30_000 });
