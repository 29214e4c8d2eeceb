import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { BACKUP_DOWNLOAD_PATH } from '../../../shared/ipc/calls/backup';
import type { BackupSchedule, RestoreInput } from '../../../shared/model/backup';
import { api, ApiError, request } from '../../app/api';
import { i18n } from '../../i18n';

export const backupKeys = {
  all: () => ['backups'] as const,
  list: () => ['backups', 'list'] as const,
  detail: (id: string) => ['backups', 'detail', id] as const,
  diff: (id: string, from: string, to: string) => ['backups', 'diff', id, from, to] as const,
  schedule: () => ['backups', 'schedule'] as const,
};

export const useBackups = () => useQuery({ queryKey: backupKeys.list(), queryFn: () => request('backups.list', {}) });
export const useBackup = (id: string | undefined) => useQuery({ queryKey: backupKeys.detail(id ?? ''), queryFn: () => request('backups.get', { id: id! }), enabled: !!id, retry: false });
export const useSchedule = () => useQuery({ queryKey: backupKeys.schedule(), queryFn: () => request('backups.getSchedule', {}) });

/** Backups appear when their task ends: re-read the list then (tasks are pushed; backups have no event of their own). */
export function useBackupTaskRefresh(): void {
  const qc = useQueryClient();
  useEffect(
    () =>
      api.on('task.updated', (t) => {
        if (t.kind.startsWith('backup.') && t.state !== 'running') void qc.invalidateQueries({ queryKey: backupKeys.all() });
      }),
    [qc],
  );
}

export function useCreateBackup() {
  return useMutation({ mutationFn: (hostIds?: string[]) => request('backups.create', hostIds ? { hostIds } : {}) });
}

export function useDeleteBackup() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: (id: string) => request('backups.delete', { id }), onSuccess: () => void qc.invalidateQueries({ queryKey: backupKeys.all() }) });
}

export function useSetSchedule() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: (s: BackupSchedule) => request('backups.setSchedule', s), onSuccess: (v) => qc.setQueryData(backupKeys.schedule(), v) });
}

export const useDiff = () => useMutation({ mutationFn: (a: { id: string; fromHostId: string; toHostId: string }) => request('backups.diff', a) });
export const usePlan = () => useMutation({ mutationFn: (a: RestoreInput) => request('backups.plan', a) });
export const useRestore = () => useMutation({ mutationFn: (a: RestoreInput) => request('backups.restore', a) });

/**
 * Browser: fetch the archive from the core's Bearer-gated route and save the
 * blob (the token rides in a header, never a cookie or the URL). Desktop: the
 * core shows a save dialog and copies the file.
 */
export function useDownloadBackup() {
  return useMutation({
    mutationFn: async (a: { id: string; filename: string }): Promise<string | null> => {
      const auth = api.authorization();
      if (!auth) return (await request('backups.saveCopy', { id: a.id })).path;
      const r = await fetch(`${BACKUP_DOWNLOAD_PATH}?id=${encodeURIComponent(a.id)}`, { headers: { authorization: auth }, cache: 'no-store' });
      if (!r.ok) throw new ApiError({ code: r.status === 404 ? 'NOT_FOUND' : 'VALIDATION', message: (await r.text()) || i18n.t('backup:downloadFailed', { status: r.status }) });
      const url = URL.createObjectURL(await r.blob());
      const link = document.createElement('a');
      link.href = url;
      link.download = a.filename;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      return a.filename;
    },
  });
}
