import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BackupSummary } from '../../../shared/model/backup';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { EmptyState, ErrorState, LoadingState } from '../../ui/States';
import { formatDateTime, formatKiB, formatNumber } from '../../i18n/format';
import { useHosts } from '../hosts/queries';
import { BackupDetail } from './BackupDetail';
import { HostSelect } from './HostSelect';
import { ScheduleForm } from './ScheduleForm';
import { TaskLine } from './TaskLine';
import { useBackups, useBackupTaskRefresh, useCreateBackup, useDeleteBackup, useDownloadBackup } from './queries';
import './backup.css';

const fmtTime = (at: number) => formatDateTime(at);
/** Archive size as the core's units helper wrote it: bytes below 1 KiB, else binary units. */
const fmtSize = (n: number) => (n < 1024 ? `${formatNumber(Math.round(n))} B` : formatKiB(n / 1024));

/** Backups of definitions (issue 14): make one, schedule them, download, compare with a host, restore. */
export function BackupsPage() {
  const { t } = useTranslation('backup');
  useBackupTaskRefresh();
  const hosts = useHosts();
  const backups = useBackups();
  const create = useCreateBackup();
  const [scope, setScope] = useState('');
  const [open, setOpen] = useState<string | undefined>();
  const selected = backups.data?.find((b) => b.id === open);

  return (
    <div className="page backups-page" data-testid="backups-page">
      <div className="page-head">
        <div className="page-title">
          <h1>{t('title')}</h1>
        </div>
        <div className="page-sub">{t('sub')}</div>
        <div className="toolbar">
          <HostSelect label={t('scope')} value={scope} onChange={setScope} testId="backup-scope" />
          <button type="button" onClick={() => create.mutate(scope ? [scope] : undefined)} disabled={create.isPending || !hosts.data?.length} data-testid="backup-now">
            {t('now')}
          </button>
        </div>
      </div>
      {create.error && <ErrorState compact title={t('startError')} error={create.error} />}
      {create.data && <TaskLine key={create.data.taskId} taskId={create.data.taskId} testId="backup-task" />}
      <ScheduleForm />
      <section className="section">
        <h2>{t('stored')}</h2>
        {backups.isPending ? (
          <LoadingState label={t('reading')} />
        ) : backups.error ? (
          <ErrorState title={t('listError')} error={backups.error} onRetry={() => void backups.refetch()} />
        ) : backups.data.length === 0 ? (
          <EmptyState compact title={t('none')}>
            {t('noneHint')}
          </EmptyState>
        ) : (
          <BackupTable rows={backups.data} open={open} onOpen={(id) => setOpen(open === id ? undefined : id)} />
        )}
      </section>
      {selected && <BackupDetail key={selected.id} summary={selected} />}
    </div>
  );
}

function BackupTable({ rows, open, onOpen }: { rows: BackupSummary[]; open?: string; onOpen(id: string): void }) {
  const { t } = useTranslation(['backup', 'common']);
  const download = useDownloadBackup();
  const del = useDeleteBackup();
  const [deleting, setDeleting] = useState<BackupSummary | undefined>();
  return (
    <>
      {deleting && (
        <ConfirmDialog
          title={t('del.title')}
          confirmLabel={t('del.confirm')}
          danger
          busy={del.isPending}
          onCancel={() => setDeleting(undefined)}
          onConfirm={() => del.mutate(deleting.id, { onSettled: () => setDeleting(undefined) })}
        >
          {t('del.body', { time: fmtTime(deleting.created), hosts: deleting.hosts.map((h) => h.name).join(t('common:format.listSep')) })}
        </ConfirmDialog>
      )}
      {download.error && <ErrorState compact title={t('downloadError')} error={download.error} />}
      {del.error && <ErrorState compact title={t('deleteError')} error={del.error} />}
      <table className="table backups-table" data-testid="backups-table">
        <thead>
          <tr>
            <th>{t('col.created')}</th>
            <th>{t('col.hosts')}</th>
            <th>{t('col.contents')}</th>
            <th>{t('col.size')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((b) => (
            <tr key={b.id} className={open === b.id ? 'selected' : undefined} data-testid="backup-row" data-id={b.id}>
              <td>
                {fmtTime(b.created)} {b.trigger === 'schedule' && <span className="badge">{t('scheduled')}</span>}
              </td>
              <td>
                {b.hosts.map((h) => (
                  <div key={h.hostId} title={h.errors.join('\n') || undefined}>
                    {h.name}
                    {h.errors.length > 0 && <span className="backup-host-error"> — {h.errors[0]}</span>}
                  </div>
                ))}
              </td>
              <td>
                {t('contents', {
                  vms: t('vms', { count: b.counts.domains, n: formatNumber(b.counts.domains) }),
                  networks: t('networks', { count: b.counts.networks, n: formatNumber(b.counts.networks) }),
                  pools: t('pools', { count: b.counts.pools, n: formatNumber(b.counts.pools) }),
                })}
              </td>
              <td>{fmtSize(b.size)}</td>
              <td className="backup-actions">
                <button type="button" onClick={() => onOpen(b.id)} data-testid="backup-open">
                  {open === b.id ? t('close') : t('open')}
                </button>
                <button type="button" className="ghost" onClick={() => download.mutate({ id: b.id, filename: b.filename })} data-testid="backup-download">
                  {t('download')}
                </button>
                <button type="button" className="ghost danger" onClick={() => setDeleting(b)} data-testid="backup-delete">
                  {t('delete')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
