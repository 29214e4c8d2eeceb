import type { QueryClient } from '@tanstack/react-query';
import type { Dispose } from '../../shared/ipc/api';
import type { Host, Prompt } from '../../shared/model/host';
import { api } from './api';
import { hostKeys } from '../features/hosts/queries';
import { addPrompt, applyHostConfigs, applyHostState, removePrompt } from '../features/hosts/reducers';
import { applyDomainEvent, domainKeys } from '../features/domains/queries';
import { useNotifications } from '../features/notifications/store';
import { metricsKeys } from '../features/metrics/queries';
import { useMetricsStore } from '../features/metrics/store';
import { taskKeys } from '../features/tasks/queries';
import { applyTaskUpdate, removeTasks } from '../features/tasks/reducers';
import { storageKeys } from '../features/storage/queries';
import { networkEventBridge } from '../features/networks/events';
import type { TaskSummary } from '../../shared/model/task';
import { p2vKeys } from '../features/p2v/queries';

/**
 * The one place pushed events become cache updates. Keys come from the
 * features' factories so a query and its patch can never disagree.
 */
export function startEventBridge(qc: QueryClient): Dispose {
  const subs: Dispose[] = [
    api.on('host.listChanged', (configs) => qc.setQueryData<Host[]>(hostKeys.list(), (old) => applyHostConfigs(old, configs))),
    api.on('host.stateChanged', (state) => {
      qc.setQueryData<Host[]>(hostKeys.list(), (old) => applyHostState(old, state));
      // A fresh connection may have missed events: re-list what hangs off it.
      if (state.status === 'connected') void qc.invalidateQueries({ queryKey: hostKeys.host(state.hostId) });
    }),
    api.on('host.promptRequested', (p) => qc.setQueryData<Prompt[]>(hostKeys.prompts(), (old) => addPrompt(old, p))),
    api.on('host.promptResolved', ({ promptId }) => qc.setQueryData<Prompt[]>(hostKeys.prompts(), (old) => removePrompt(old, promptId))),
    api.on('domain.changed', (change) => {
      const { hostId, upserted, resync } = change;
      if (resync) {
        void qc.invalidateQueries({ queryKey: domainKeys.list(hostId) });
        return;
      }
      // Rows change only where this batch is newer than what is held (see domains/reducers.ts).
      applyDomainEvent(qc, hostId, change);
      for (const d of upserted) void qc.invalidateQueries({ queryKey: domainKeys.detail(hostId, d.uuid) });
    }),
    api.on('source.listChanged', (configs) => qc.setQueryData<Host[]>(p2vKeys.sources(), (old) => applyHostConfigs(old, configs))),
    api.on('source.stateChanged', (state) => qc.setQueryData<Host[]>(p2vKeys.sources(), (old) => applyHostState(old, state))),
    api.on('app.notified', (n) => useNotifications.getState().push(n)),
    api.on('task.updated', (t) => {
      qc.setQueryData<TaskSummary[]>(taskKeys.list(), (old) => applyTaskUpdate(old, t));
      void qc.invalidateQueries({ queryKey: taskKeys.detail(t.id) });
    }),
    api.on('task.removed', ({ taskIds }) => qc.setQueryData<TaskSummary[]>(taskKeys.list(), (old) => removeTasks(old, taskIds))),
    // libvirt pool events and our own volume changes: re-read just what changed.
    api.on('pool.changed', ({ hostId, pool, volumes }) => {
      void qc.invalidateQueries({ queryKey: storageKeys.pools(hostId), exact: true });
      if (volumes) void qc.invalidateQueries({ queryKey: pool ? storageKeys.volumes(hostId, pool) : storageKeys.pools(hostId) });
    }),
    api.on('metrics.sampled', (s) => useMetricsStore.getState().ingest(s)),
    api.on('metrics.alertsChanged', (active) => qc.setQueryData(metricsKeys.alerts(), active)),
    ...networkEventBridge(qc),
    // After the core link comes back, everything may be stale.
    api.onLink((s) => {
      if (s === 'open') void qc.invalidateQueries();
    }),
  ];
  return () => subs.forEach((d) => d());
}
