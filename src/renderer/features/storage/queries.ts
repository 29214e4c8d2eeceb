import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CallInput, CallName, CallOutput } from '../../../shared/ipc/contract';
import { request } from '../../app/api';
import { i18n } from '../../i18n/instance';
import { hostKeys } from '../hosts/queries';
import { useNotifications } from '../notifications/store';
import { openTaskDrawer } from '../tasks/store';

// Host-first keys: a host's pools and volumes sit under ['hosts', hostId, 'pools', …],
// so a reconnect (hostKeys.host) and `pool.changed` refresh them without polling.
export const storageKeys = {
  pools: (hostId: string) => [...hostKeys.host(hostId), 'pools'] as const,
  volumes: (hostId: string, pool: string) => [...hostKeys.host(hostId), 'pools', pool, 'volumes'] as const,
};

export const usePools = (hostId: string, enabled: boolean) =>
  useQuery({ queryKey: storageKeys.pools(hostId), queryFn: () => request('pools.list', { hostId }), enabled, staleTime: Infinity });

export const useVolumes = (hostId: string, pool: string, enabled: boolean) =>
  useQuery({ queryKey: storageKeys.volumes(hostId, pool), queryFn: () => request('volumes.list', { hostId, name: pool }), enabled, staleTime: Infinity });

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * A storage call from a button: refreshes the host's pools and volumes after
 * it (events do too, but our own change should show at once), opens the task
 * drawer when the call started a task, and reports failures with the core's words.
 */
export function useStorageCall<K extends CallName>(name: K, hostId: string, opts: { failTitle: string; success?: (out: CallOutput<K>) => string | undefined; inline?: boolean } = { failTitle: i18n.t('storage:actionFailed') }) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: CallInput<K>) => request(name, input),
    onSuccess: (out) => {
      void qc.invalidateQueries({ queryKey: storageKeys.pools(hostId) });
      const taskId = (out as { taskId?: unknown } | null)?.taskId;
      if (typeof taskId === 'string') openTaskDrawer(taskId);
      const text = opts.success?.(out);
      if (text) useNotifications.getState().push({ level: 'success', title: text });
    },
    // Dialogs show the error in place (inline); buttons in tables get a toast.
    onError: (e) => {
      if (!opts.inline) useNotifications.getState().push({ level: 'error', title: opts.failTitle, message: messageOf(e) });
    },
  });
}
