import { useState } from 'react';
import type { BackupSummary } from '../../../shared/model/backup';
import { formatBytes } from '../../../shared/libvirt/units';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { EmptyState, ErrorState, LoadingState } from '../../ui/States';
import { plural } from '../../ui/format';
import { useHosts } from '../hosts/queries';
import { BackupDetail } from './BackupDetail';
import { HostSelect } from './HostSelect';
import { ScheduleForm } from './ScheduleForm';
import { TaskLine } from './TaskLine';
import { useBackups, useBackupTaskRefresh, useCreateBackup, useDeleteBackup, useDownloadBackup } from './queries';
import './backup.css';

const fmtTime = (t: number) => new Date(t).toLocaleString();

/** Backups of definitions (issue 14): make one, schedule them, download, compare with a host, restore. */
export function BackupsPage() {
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
          <h1>Backups</h1>
        </div>
        <div className="page-sub">Every VM, network and storage pool definition of your hosts, with each VM's addresses and tags, in one archive with checksums. Disks are not included.</div>
        <div className="toolbar">
          <HostSelect label="Back up" value={scope} onChange={setScope} testId="backup-scope" />
          <button type="button" onClick={() => create.mutate(scope ? [scope] : undefined)} disabled={create.isPending || !hosts.data?.length} data-testid="backup-now">
            Back up now
          </button>
        </div>
      </div>
      {create.error && <ErrorState compact title="Could not start the backup" error={create.error} />}
      {create.data && <TaskLine key={create.data.taskId} taskId={create.data.taskId} testId="backup-task" />}
      <ScheduleForm />
      <section className="section">
        <h2>Stored backups</h2>
        {backups.isPending ? (
          <LoadingState label="Reading backups…" />
        ) : backups.error ? (
          <ErrorState title="Could not list backups" error={backups.error} onRetry={() => void backups.refetch()} />
        ) : backups.data.length === 0 ? (
          <EmptyState compact title="No backups yet">
            Press “Back up now”, or turn on the daily schedule above.
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
  const download = useDownloadBackup();
  const del = useDeleteBackup();
  const [deleting, setDeleting] = useState<BackupSummary | undefined>();
  return (
    <>
      {deleting && (
        <ConfirmDialog
          title="Delete backup"
          confirmLabel="Delete"
          danger
          busy={del.isPending}
          onCancel={() => setDeleting(undefined)}
          onConfirm={() => del.mutate(deleting.id, { onSettled: () => setDeleting(undefined) })}
        >
          The backup of {fmtTime(deleting.created)} ({deleting.hosts.map((h) => h.name).join(', ')}) is deleted from this machine. Copies you downloaded stay.
        </ConfirmDialog>
      )}
      {download.error && <ErrorState compact title="Could not download" error={download.error} />}
      {del.error && <ErrorState compact title="Could not delete" error={del.error} />}
      <table className="table backups-table" data-testid="backups-table">
        <thead>
          <tr>
            <th>Created</th>
            <th>Hosts</th>
            <th>Contents</th>
            <th>Size</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((b) => (
            <tr key={b.id} className={open === b.id ? 'selected' : undefined} data-testid="backup-row" data-id={b.id}>
              <td>
                {fmtTime(b.created)} {b.trigger === 'schedule' && <span className="badge">scheduled</span>}
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
                {plural(b.counts.domains, 'VM')}, {plural(b.counts.networks, 'network')}, {plural(b.counts.pools, 'pool')}
              </td>
              <td>{formatBytes(b.size)}</td>
              <td className="backup-actions">
                <button type="button" onClick={() => onOpen(b.id)} data-testid="backup-open">
                  {open === b.id ? 'Close' : 'Compare / restore'}
                </button>
                <button type="button" className="ghost" onClick={() => download.mutate({ id: b.id, filename: b.filename })} data-testid="backup-download">
                  Download
                </button>
                <button type="button" className="ghost danger" onClick={() => setDeleting(b)} data-testid="backup-delete">
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
