import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { CallInput } from '../../../shared/ipc/contract';
import { request } from '../../app/api';
import { useNotifications } from '../notifications/store';
import { networkKeys } from './queries';
import { i18n } from '../../i18n';

const failed = (title: string) => (e: Error) => useNotifications.getState().push({ level: 'error', title, message: e.message });

export function useCreateNetwork() {
  return useMutation({ mutationFn: (input: CallInput<'networks.create'>) => request('networks.create', input) });
}

export type NetworkAction = 'start' | 'stop';

export function useNetworkAction(hostId: string, name: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (action: NetworkAction) => request(action === 'start' ? 'networks.start' : 'networks.stop', { hostId, name }),
    onSettled: () => qc.invalidateQueries({ queryKey: networkKeys.all(hostId) }),
    onError: failed(i18n.t('networks:toast.network', { name })),
  });
}

export function useNetworkAutostart(hostId: string, name: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (autostart: boolean) => request('networks.setAutostart', { hostId, name, autostart }),
    onSettled: () => qc.invalidateQueries({ queryKey: networkKeys.all(hostId) }),
    onError: failed(i18n.t('networks:toast.autostart', { name })),
  });
}

/** `onDeleted` runs before the caches refresh: the page showing the network unmounts with them. */
export function useDeleteNetwork(hostId: string, name: string, onDeleted: () => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => request('networks.delete', { hostId, name }),
    onSuccess: () => {
      onDeleted();
      void qc.invalidateQueries({ queryKey: networkKeys.all(hostId) });
    },
  });
}

export type ReservationMode = 'add' | 'update';

export function useSaveReservation(hostId: string, name: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ mode, mac, ip, hostname }: { mode: ReservationMode; mac: string; ip: string; hostname?: string }) =>
      request(mode === 'add' ? 'networks.addReservation' : 'networks.updateReservation', { hostId, name, mac, ip, ...(hostname ? { hostname } : {}) }),
    onSuccess: (details) => qc.setQueryData(networkKeys.detail(hostId, name), details),
  });
}

export function useRemoveReservation(hostId: string, name: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (mac: string) => request('networks.removeReservation', { hostId, name, mac }),
    onSuccess: (details) => qc.setQueryData(networkKeys.detail(hostId, name), details),
    onError: failed(i18n.t('networks:toast.removeReservation')),
  });
}

export function useSetNicSource(hostId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: Omit<CallInput<'domains.setNetwork'>, 'hostId'>) => request('domains.setNetwork', { hostId, ...input }),
    onSettled: () => qc.invalidateQueries({ queryKey: networkKeys.all(hostId) }),
  });
}
