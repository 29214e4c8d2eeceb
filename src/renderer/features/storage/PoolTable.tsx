import { useState } from 'react';
import type { Pool } from '../../../shared/model/pool';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { Spinner } from '../../ui/Spinner';
import { useStorageCall } from './queries';
import { UsageBar } from './UsageBar';
import { useTranslation } from 'react-i18next';

const STATE_CLASS: Record<Pool['state'], string> = { running: 's-running', inactive: 's-shutoff', building: 's-connecting', degraded: 's-paused', inaccessible: 's-crashed' };

export function PoolTable({ hostId, pools, selected, onSelect }: { hostId: string; pools: readonly Pool[]; selected?: string; onSelect(name: string): void }) {
  const { t } = useTranslation('storage');
  const [deleting, setDeleting] = useState<Pool | null>(null);
  const start = useStorageCall('pools.start', hostId, { failTitle: 'Could not start the pool' });
  const stop = useStorageCall('pools.stop', hostId, { failTitle: 'Could not stop the pool' });
  const refresh = useStorageCall('pools.refresh', hostId, { failTitle: 'Could not refresh the pool' });
  const autostart = useStorageCall('pools.setAutostart', hostId, { failTitle: t('pool.autostartError') });
  const del = useStorageCall('pools.delete', hostId, { inline: true, failTitle: t('pool.deleteError'), success: () => t('pool.deleted', { name: deleting?.name ?? '' }) });
  const busy = (name: string) => [start, stop, refresh, autostart].some((m) => m.isPending && m.variables?.name === name);
  return (
    <>
      <table className="table pool-table" data-testid="pool-table">
        <thead>
          <tr>
            <th>{t('pool.col.pool')}</th>
            <th>{t('pool.col.state')}</th>
            <th className="usage-col">{t('pool.col.usage')}</th>
            <th>{t('pool.col.autostart')}</th>
            <th aria-label={t('pool.col.actions')} />
          </tr>
        </thead>
        <tbody>
          {pools.map((p) => (
            <tr key={p.name} className={p.name === selected ? 'selected' : ''} aria-selected={p.name === selected} data-testid={`pool-${p.name}`} onClick={() => onSelect(p.name)}>
              <td>
                <button type="button" className="link pool-name" onClick={() => onSelect(p.name)}>
                  {p.name}
                </button>
                <div className="muted small" translate="no">
                  {p.type}
                  {p.targetPath ? ` · ${p.targetPath}` : ''}
                  {p.source?.host ? ` · ${p.source.host}:${p.source.dir ?? ''}` : ''}
                </div>
              </td>
              <td>
                <span className={`badge ${STATE_CLASS[p.state]}`} data-testid="pool-state">
                  {busy(p.name) && <Spinner />}
                  {t(`pool.state.${p.state}`)}
                </span>
              </td>
              <td className="usage-col">{p.active ? <UsageBar used={p.allocation} total={p.capacity} free={p.available} label={t('pool.usageOf', { name: p.name })} /> : <span className="muted small">{t('pool.startToSee')}</span>}</td>
              <td onClick={(e) => e.stopPropagation()}>
                <input
                  type="checkbox"
                  aria-label={t('pool.autostartLabel', { name: p.name })}
                  checked={p.autostart}
                  disabled={!p.persistent || autostart.isPending}
                  onChange={(e) => autostart.mutate({ hostId, name: p.name, autostart: e.target.checked })}
                />
              </td>
              <td className="row-actions" onClick={(e) => e.stopPropagation()}>
                {p.active ? (
                  <>
                    <button type="button" className="ghost" onClick={() => refresh.mutate({ hostId, name: p.name })} disabled={busy(p.name)} title={t('pool.rescan')}>
                      {t('pool.refresh')}
                    </button>
                    <button type="button" className="ghost" onClick={() => stop.mutate({ hostId, name: p.name })} disabled={busy(p.name)} data-testid="pool-stop">
                      {t('pool.stop')}
                    </button>
                  </>
                ) : (
                  <button type="button" className="ghost" onClick={() => start.mutate({ hostId, name: p.name })} disabled={busy(p.name)} data-testid="pool-start">
                    {t('pool.start')}
                  </button>
                )}
                <button type="button" className="ghost danger-text" onClick={() => setDeleting(p)} data-testid="pool-delete">
                  {t('pool.delete')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {deleting && (
        <ConfirmDialog
          title={t('pool.deleteTitle', { name: deleting.name })}
          confirmLabel={t('pool.deleteConfirm')}
          danger
          busy={del.isPending}
          onCancel={() => setDeleting(null)}
          onConfirm={() => del.mutate({ hostId, name: deleting.name }, { onSuccess: () => setDeleting(null) })}
        >
          <p>
            {t('pool.deleteBody', { where: deleting.targetPath ?? t('pool.itsStorage') })}
          </p>
          <p className="muted">{t('pool.deleteRefuses')}</p>
          {del.error && (
            <div className="banner bad" role="alert" data-testid="pool-delete-error">
              {del.error.message}
            </div>
          )}
        </ConfirmDialog>
      )}
    </>
  );
}
