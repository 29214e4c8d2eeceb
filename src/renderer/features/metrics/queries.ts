import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { AlertRule } from '../../../shared/model/metrics';
import { request } from '../../app/api';
import { downloadText } from '../../ui/download';
import { hostKeys } from '../hosts/queries';
import type { TimeWindow } from './windows';

// Host-first keys (a host's metrics drop with its other caches); rules and
// alerts are app-wide.
export const metricsKeys = {
  all: ['metrics'] as const,
  history: (hostId: string, uuid: string | undefined, windowId: string) => [...hostKeys.host(hostId), 'metrics', uuid ?? 'host', windowId] as const,
  latest: () => [...metricsKeys.all, 'latest'] as const,
  rules: () => [...metricsKeys.all, 'rules'] as const,
  alerts: () => [...metricsKeys.all, 'alerts'] as const,
};

/**
 * History for a chart window. Live windows fetch once (pushed samples extend
 * them); longer ones refetch each minute, when a new minute row exists.
 */
export function useHistory(hostId: string, uuid: string | undefined, w: TimeWindow) {
  return useQuery({
    queryKey: metricsKeys.history(hostId, uuid, w.id),
    queryFn: () => {
      const to = Date.now();
      return request('metrics.history', { hostId, ...(uuid ? { uuid } : {}), from: to - w.spanMs, to, maxPoints: w.maxPoints });
    },
    staleTime: w.live ? Infinity : 60_000,
    // Coming back to a chart: what was sampled meanwhile (in the background) is only in the core's history.
    refetchOnMount: 'always',
    refetchInterval: w.live ? false : 60_000,
  });
}

export const useLatest = () => useQuery({ queryKey: metricsKeys.latest(), queryFn: () => request('metrics.latest', {}), staleTime: Infinity });

export const useRules = () => useQuery({ queryKey: metricsKeys.rules(), queryFn: () => request('metrics.rules', {}) });

export const useAlerts = () => useQuery({ queryKey: metricsKeys.alerts(), queryFn: () => request('metrics.alerts', {}), staleTime: Infinity });

export function useSetRules() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (rules: AlertRule[]) => request('metrics.setRules', { rules }),
    onSuccess: (rules) => qc.setQueryData(metricsKeys.rules(), rules),
  });
}

/** Asks the core for a window as CSV and hands it to the browser as a download. */
export async function downloadCsv(hostId: string, uuid: string | undefined, from: number, to: number): Promise<string> {
  const { filename, csv } = await request('metrics.exportCsv', { hostId, ...(uuid ? { uuid } : {}), from, to });
  downloadText(filename, 'text/csv', csv);
  return filename;
}
