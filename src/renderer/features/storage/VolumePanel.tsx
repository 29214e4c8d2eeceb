import { useState } from 'react';
import { formatBytes, formatNumber } from '../../i18n/format';
import type { Pool } from '../../../shared/model/pool';
import type { Volume } from '../../../shared/model/volume';
import { useNotifications } from '../notifications/store';
import { EmptyState, ErrorState, LoadingState } from '../../ui/States';
import { AttachCdromDialog } from './AttachCdromDialog';
import { useStorageCall, useVolumes } from './queries';
import { downloadVolume } from './transfer-client';
import { UploadDialog } from './UploadDialog';
import { CloneDialog, DeleteVolumeDialog, NewVolumeDialog, ResizeDialog } from './VolumeDialogs';
import { Trans, useTranslation } from 'react-i18next';

type Dialog = { kind: 'new' } | { kind: 'upload' } | { kind: 'clone' | 'resize' | 'delete' | 'cdrom'; volume: Volume };

function UsedBy({ v }: { v: Volume }) {
  const { t } = useTranslation('storage');
  if (!v.usedBy.length && !v.backingOf.length) return <span className="muted">—</span>;
  return (
    <span className="used-by">
      {v.usedBy.map((u) => (
        <span key={`${u.uuid}/${u.target}/${u.how}`} className={`chip ${u.active ? 'live' : ''}`} title={u.how === 'backing' ? t('vol.backingTip', { name: u.name, top: u.top ?? u.target }) : t('vol.usesTip', { name: u.name, target: u.target })}>
          {u.name} {u.how === 'backing' ? t('vol.backingOf', { target: u.target }) : `(${u.target})`}
        </span>
      ))}
      {v.backingOf.map((p) => (
        <span key={p} className="chip" title={t('vol.overlayTip', { path: p })}>
          {t('vol.baseOf', { name: p.split('/').pop() })}
        </span>
      ))}
    </span>
  );
}

export function VolumePanel({ hostId, pool, pools }: { hostId: string; pool: Pool; pools: readonly Pool[] }) {
  const { t } = useTranslation(['storage', 'common']);
  const volumes = useVolumes(hostId, pool.name, pool.active);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const start = useStorageCall('pools.start', hostId, { failTitle: t('vol.startError') });
  const close = () => setDialog(null);
  const download = (v: Volume) =>
    downloadVolume({ hostId, pool: pool.name, name: v.name }).catch((e: unknown) => useNotifications.getState().push({ level: 'error', title: t('vol.downloadError', { name: v.name }), message: e instanceof Error ? e.message : String(e) }));
  const list = volumes.data ?? [];
  return (
    <div className="volume-panel" data-testid="volume-panel">
      <div className="section-head">
        <h3>
          <Trans t={t} i18nKey="vol.title" values={{ pool: pool.name }} components={{ m: <span className="mono" /> }} />
        </h3>
        {volumes.data && <span className="muted small">{t('vol.count', { count: list.length, n: formatNumber(list.length) })}</span>}
        <span className="grow" />
        <button type="button" className="ghost" disabled={!pool.active} onClick={() => setDialog({ kind: 'new' })} data-testid="volume-new">
          {t('vol.new')}
        </button>
        <button type="button" disabled={!pool.active} onClick={() => setDialog({ kind: 'upload' })} data-testid="volume-upload">
          {t('vol.upload')}
        </button>
      </div>
      {!pool.active && (
        <EmptyState title={t('vol.stopped', { name: pool.name })} compact action={{ label: start.isPending ? t('vol.starting') : t('vol.startIt'), onClick: () => start.mutate({ hostId, name: pool.name }) }}>
          {t('vol.stoppedHint')}
        </EmptyState>
      )}
      {pool.active && volumes.isPending && <LoadingState label={t('vol.listing')} />}
      {pool.active && volumes.error && <ErrorState title={t('vol.listError')} error={volumes.error} onRetry={() => void volumes.refetch()} compact />}
      {pool.active && volumes.data && list.length === 0 && (
        <EmptyState title={t('vol.none')} compact>
          {t('vol.noneHint')}
        </EmptyState>
      )}
      {list.length > 0 && (
        <table className="table volume-table" data-testid="volume-table">
          <thead>
            <tr>
              <th>{t('vol.col.name')}</th>
              <th>{t('vol.col.format')}</th>
              <th className="num">{t('vol.col.capacity')}</th>
              <th className="num">{t('vol.col.allocated')}</th>
              <th>{t('vol.col.usedBy')}</th>
              <th aria-label={t('pool.col.actions')} />
            </tr>
          </thead>
          <tbody>
            {list.map((v) => (
              <tr key={v.key} data-testid={`volume-${v.name}`}>
                <td>
                  <span className="mono vol-name">{v.name}</span>
                  {v.backing && <div className="muted small">{t('vol.on', { name: v.backing.path.split('/').pop() })}</div>}
                </td>
                <td>{v.format ?? v.type}</td>
                <td className="num">{formatBytes(v.capacity)}</td>
                <td className="num">{formatBytes(v.allocation)}</td>
                <td>
                  <UsedBy v={v} />
                </td>
                <td className="row-actions">
                  <button type="button" className="ghost" onClick={() => setDialog({ kind: 'clone', volume: v })} data-testid="volume-clone">
                    {t('vol.clone')}
                  </button>
                  <button type="button" className="ghost" onClick={() => setDialog({ kind: 'resize', volume: v })}>
                    {t('vol.resize')}
                  </button>
                  <button type="button" className="ghost" onClick={() => void download(v)} data-testid="volume-download">
                    {t('vol.download')}
                  </button>
                  {(v.format === 'iso' || v.name.toLowerCase().endsWith('.iso')) && (
                    <button type="button" className="ghost" onClick={() => setDialog({ kind: 'cdrom', volume: v })} data-testid="volume-cdrom">
                      {t('vol.insert')}
                    </button>
                  )}
                  <button type="button" className="ghost danger-text" onClick={() => setDialog({ kind: 'delete', volume: v })} data-testid="volume-delete">
                    {t('pool.delete')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {dialog?.kind === 'new' && <NewVolumeDialog hostId={hostId} pool={pool} onClose={close} />}
      {dialog?.kind === 'upload' && <UploadDialog hostId={hostId} pool={pool} taken={list.map((v) => v.name)} onClose={close} />}
      {dialog?.kind === 'clone' && <CloneDialog hostId={hostId} volume={dialog.volume} pools={pools} taken={list.map((v) => v.name)} onClose={close} />}
      {dialog?.kind === 'resize' && <ResizeDialog hostId={hostId} volume={dialog.volume} onClose={close} />}
      {dialog?.kind === 'delete' && <DeleteVolumeDialog hostId={hostId} volume={dialog.volume} onClose={close} />}
      {dialog?.kind === 'cdrom' && <AttachCdromDialog hostId={hostId} volume={dialog.volume} onClose={close} />}
    </div>
  );
}
