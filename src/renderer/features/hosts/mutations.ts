import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type { HostPatchSchema, NewHostSchema } from '../../../shared/ipc/calls/hosts';
import type { Host, HostState } from '../../../shared/model/host';
import { request } from '../../app/api';
import { useUi } from '../../app/ui-store';
import { useNotifications } from '../notifications/store';
import { usePicked } from '../domains/store';
import { hostKeys } from './queries';
import { applyHostState } from './reducers';
import { i18n } from '../../i18n/instance';

export type NewHost = z.input<typeof NewHostSchema>;
export type HostPatch = z.input<typeof HostPatchSchema>;

const notifyError = (title: string, e: unknown, hostId?: string) =>
  useNotifications.getState().push({ level: 'error', title, message: e instanceof Error ? e.message : String(e), ...(hostId ? { hostId } : {}) });

/** Connect and disconnect answer with the new state; patch it in at once (the event may trail). */
function useStateCall(name: 'hosts.connect' | 'hosts.disconnect', failKey: 'connectError' | 'disconnectError') {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (hostId: string) => request(name, { hostId }),
    onSuccess: (state: HostState) => qc.setQueryData<Host[]>(hostKeys.list(), (old) => applyHostState(old, state)),
    onError: (e, hostId) => notifyError(i18n.t(`hosts:toast.${failKey}`), e, hostId),
  });
}

export const useConnectHost = () => useStateCall('hosts.connect', 'connectError');
export const useDisconnectHost = () => useStateCall('hosts.disconnect', 'disconnectError');

export function useRemoveHost() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (hostId: string) => request('hosts.remove', { hostId }),
    onSuccess: (_r, hostId) => {
      qc.setQueryData<Host[]>(hostKeys.list(), (old) => old?.filter((h) => h.config.id !== hostId));
      qc.removeQueries({ queryKey: hostKeys.host(hostId) });
      const ui = useUi.getState();
      if ((ui.selection.kind === 'host' || ui.selection.kind === 'domain') && ui.selection.hostId === hostId) ui.select({ kind: 'none' });
      const { picked, setPicked } = usePicked.getState();
      setPicked(Object.keys(picked).filter((k) => !k.startsWith(`${hostId}/`)));
    },
    onError: (e, hostId) => notifyError(i18n.t('hosts:toast.removeError'), e, hostId),
  });
}

export function useAddHost() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (draft: NewHost) => request('hosts.add', draft),
    onSuccess: (host) => {
      // host.listChanged follows, but the user should see the row right away.
      qc.setQueryData<Host[]>(hostKeys.list(), (old) => (old?.some((h) => h.config.id === host.config.id) ? old : [...(old ?? []), host]));
      useUi.getState().select({ kind: 'host', hostId: host.config.id });
    },
  });
}

export function useUpdateHost() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { hostId: string; patch: HostPatch }) => request('hosts.update', v),
    // host.listChanged follows; patch the config now so the page shows the change at once.
    onSuccess: (host) => qc.setQueryData<Host[]>(hostKeys.list(), (old) => old?.map((h) => (h.config.id === host.config.id ? { ...h, config: host.config } : h))),
  });
}
