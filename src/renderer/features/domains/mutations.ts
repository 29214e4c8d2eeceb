import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { DomainDetails, DomainSummary, LifecycleAction } from '../../../shared/model/domain';
import type { AppError } from '../../../shared/ipc/result';
import { ApiError, request } from '../../app/api';
import { useUi } from '../../app/ui-store';
import { i18n } from '../../i18n';
import { formatNumber, nameList } from '../../i18n/format';
import { useNotifications } from '../notifications/store';
import { actionLabel, canRun, groupFailures, pendingWindowMs, staleHosts, type BulkFailure } from './lifecycle';
import { usePending } from './pending';
import { domainKeys } from './queries';
import { dropRow, patchRow, type DomainList } from './reducers';
import { usePicked } from './store';

// The contract caps one call at 5,000 uuids.
const CHUNK = 5000;
const notify = (n: Parameters<ReturnType<typeof useNotifications.getState>['push']>[0]) => useNotifications.getState().push(n);
const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));
const appErrorOf = (e: unknown): AppError => (e instanceof ApiError ? e.error : { code: 'INTERNAL', message: messageOf(e) });

export interface LifecycleOutcome {
  ok: DomainSummary[];
  failed: Array<BulkFailure & { domain: DomainSummary }>;
  skipped: DomainSummary[];
}

/**
 * Runs one action on VMs that may span hosts: one `domains.lifecycle` call per
 * host. No optimistic state: rows show a spinner until `domain.changed`
 * arrives (see pending.ts). A failed call is final: it is reported, never
 * re-sent (the transport does not replay either).
 */
export async function runLifecycle(targets: readonly DomainSummary[], action: LifecycleAction): Promise<LifecycleOutcome> {
  const out: LifecycleOutcome = { ok: [], failed: [], skipped: [] };
  const byHost = new Map<string, DomainSummary[]>();
  for (const d of targets) {
    if (!canRun(action, d.state)) {
      out.skipped.push(d);
      continue;
    }
    let list = byHost.get(d.hostId);
    if (!list) byHost.set(d.hostId, (list = []));
    list.push(d);
  }
  const pending = usePending.getState();
  await Promise.all(
    [...byHost.entries()].flatMap(([hostId, list]) => {
      const chunks: DomainSummary[][] = [];
      for (let i = 0; i < list.length; i += CHUNK) chunks.push(list.slice(i, i + CHUNK));
      return chunks.map(async (chunk) => {
        const keys = chunk.map((d) => ({ key: `${hostId}/${d.uuid}`, from: d.state }));
        const seq = pending.begin(keys, action);
        const allKeys = keys.map((k) => k.key);
        try {
          const results = await request('domains.lifecycle', { hostId, uuids: chunk.map((d) => d.uuid), action });
          const byUuid = new Map(results.map((r) => [r.uuid, r]));
          const failedKeys: string[] = [];
          for (const d of chunk) {
            const r = byUuid.get(d.uuid);
            if (r && !r.ok) {
              out.failed.push({ domain: d, error: r.error });
              failedKeys.push(`${hostId}/${d.uuid}`);
            } else out.ok.push(d);
          }
          pending.end(failedKeys, seq);
          const wait = pendingWindowMs(action);
          if (wait === 0) pending.end(allKeys, seq);
          else setTimeout(() => usePending.getState().end(allKeys, seq), wait);
        } catch (e) {
          for (const d of chunk) out.failed.push({ domain: d, error: appErrorOf(e) });
          pending.end(allKeys, seq);
        }
      });
    }),
  );
  return out;
}

export function reportLifecycle(action: LifecycleAction, total: number, o: LifecycleOutcome) {
  const t = i18n.getFixedT(null, 'domains');
  const label = actionLabel(action);
  const skippedNote = o.skipped.length ? t('report.skipped', { count: o.skipped.length, n: formatNumber(o.skipped.length), action: label.toLowerCase() }) : '';
  const groups = groupFailures(o.failed);
  if (o.failed.length === 1 && total === 1) {
    const f = o.failed[0]!;
    notify({ level: 'error', title: t('report.failedOne', { action: label, name: f.domain.name }), message: groups[0]?.text ?? f.error.message, hostId: f.domain.hostId });
    return;
  }
  if (o.failed.length) {
    const lines = groups.map((g) => `${nameList(g.names)}: ${g.text}`);
    notify({ level: 'error', title: t('report.failedMany', { action: label, failed: formatNumber(o.failed.length), count: total, n: formatNumber(total) }), message: [...lines, skippedNote].filter(Boolean).join('\n') });
    return;
  }
  if (total > 1 || o.skipped.length) {
    notify({ level: o.ok.length ? 'success' : 'info', title: t('report.sent', { action: label, count: o.ok.length, n: formatNumber(o.ok.length) }), message: skippedNote || undefined });
  } else if (action === 'shutdown' && o.ok[0]) {
    notify({ level: 'info', title: t('report.shutdownRequested', { name: o.ok[0].name }), message: t('report.shutdownWait') });
  }
}

export function useLifecycle() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ targets, action }: { targets: readonly DomainSummary[]; action: LifecycleAction }) => {
      const outcome = await runLifecycle(targets, action);
      // A VM that is gone proves the list stale: re-read it rather than keep offering a ghost.
      for (const hostId of staleHosts(outcome.failed)) {
        void qc.invalidateQueries({ queryKey: domainKeys.list(hostId) });
      }
      reportLifecycle(action, targets.length, outcome);
      return outcome;
    },
  });
}

export function useSetAutostart(hostId: string, uuid: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (autostart: boolean) => request('domains.setAutostart', { hostId, uuid, autostart }),
    onSuccess: ({ autostart }) => {
      qc.setQueryData<DomainDetails>(domainKeys.detail(hostId, uuid), (old) => (old ? { ...old, autostart } : old));
      qc.setQueryData<DomainList>(domainKeys.list(hostId), (old) => patchRow(old, uuid, { autostart }));
    },
    onError: (e) => notify({ level: 'error', title: i18n.t('domains:autostartError'), message: messageOf(e), hostId }),
  });
}

export function useSetTags(hostId: string, uuid: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (tags: string[]) => request('domains.setTags', { hostId, uuid, tags }),
    onSuccess: ({ tags }) => {
      qc.setQueryData<DomainDetails>(domainKeys.detail(hostId, uuid), (old) => (old ? { ...old, tags } : old));
      // The tree filters on tags; patch the list too in case no event follows a metadata edit.
      qc.setQueryData<DomainList>(domainKeys.list(hostId), (old) => patchRow(old, uuid, { tags }));
    },
    onError: (e) => notify({ level: 'error', title: i18n.t('domains:tagsError'), message: messageOf(e), hostId }),
  });
}

export function useDeleteDomain() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { domain: DomainSummary; volumes: string[] }) =>
      request('domains.delete', { hostId: v.domain.hostId, uuid: v.domain.uuid, volumes: v.volumes }),
    onSuccess: (r, { domain }) => {
      const { hostId, uuid } = domain;
      qc.setQueryData<DomainList>(domainKeys.list(hostId), (old) => dropRow(old, uuid));
      qc.removeQueries({ queryKey: domainKeys.detail(hostId, uuid) });
      const ui = useUi.getState();
      if (ui.selection.kind === 'domain' && ui.selection.uuid === uuid) ui.select({ kind: 'host', hostId });
      const picked = usePicked.getState();
      if (picked.picked[`${hostId}/${uuid}`]) picked.toggle(`${hostId}/${uuid}`);
      if (r.volumeErrors.length) {
        notify({ level: 'warning', title: i18n.t('domains:deletedSomeRemain', { name: domain.name }), message: r.volumeErrors.join('\n'), hostId });
      } else {
        const n = r.volumesDeleted.length;
        notify({ level: 'success', title: n ? i18n.t('domains:deletedWithVolumes', { name: domain.name, count: n, n: formatNumber(n) }) : i18n.t('domains:deleted', { name: domain.name }), hostId });
      }
    },
    // Errors show inside the delete dialog, which stays open; a refusal means
    // the plan changed (another VM took an image), so the dialog reads it again.
    onError: (_e, { domain }) => void qc.invalidateQueries({ queryKey: domainKeys.deletePlan(domain.hostId, domain.uuid) }),
  });
}

