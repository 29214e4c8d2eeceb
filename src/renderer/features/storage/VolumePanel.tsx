import { useState } from 'react';
import { formatBytes } from '../../../shared/libvirt/units';
import type { Pool } from '../../../shared/model/pool';
import type { Volume } from '../../../shared/model/volume';
import { useNotifications } from '../notifications/store';
import { EmptyState, ErrorState, LoadingState } from '../../ui/States';
import { AttachCdromDialog } from './AttachCdromDialog';
import { useStorageCall, useVolumes } from './queries';
import { downloadVolume } from './transfer-client';
import { UploadDialog } from './UploadDialog';
import { CloneDialog, DeleteVolumeDialog, NewVolumeDialog, ResizeDialog } from './VolumeDialogs';

type Dialog = { kind: 'new' } | { kind: 'upload' } | { kind: 'clone' | 'resize' | 'delete' | 'cdrom'; volume: Volume };

function UsedBy({ v }: { v: Volume }) {
  if (!v.usedBy.length && !v.backingOf.length) return <span className="muted">—</span>;
  return (
    <span className="used-by">
      {v.usedBy.map((u) => (
        <span key={`${u.uuid}/${u.target}/${u.how}`} className={`chip ${u.active ? 'live' : ''}`} title={u.how === 'backing' ? `${u.name} reads it as the backing file under ${u.top ?? u.target}` : `${u.name} uses it as ${u.target}`}>
          {u.name} {u.how === 'backing' ? `(backing of ${u.target})` : `(${u.target})`}
        </span>
      ))}
      {v.backingOf.map((p) => (
        <span key={p} className="chip" title={`${p} is an overlay on this image`}>
          base of {p.split('/').pop()}
        </span>
      ))}
    </span>
  );
}

export function VolumePanel({ hostId, pool, pools }: { hostId: string; pool: Pool; pools: readonly Pool[] }) {
  const volumes = useVolumes(hostId, pool.name, pool.active);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const start = useStorageCall('pools.start', hostId, { failTitle: 'Could not start the pool' });
  const close = () => setDialog(null);
  const download = (v: Volume) =>
    downloadVolume({ hostId, pool: pool.name, name: v.name }).catch((e: unknown) => useNotifications.getState().push({ level: 'error', title: `Could not download ${v.name}`, message: e instanceof Error ? e.message : String(e) }));
  const list = volumes.data ?? [];
  return (
    <div className="volume-panel" data-testid="volume-panel">
      <div className="section-head">
        <h3>
          Volumes in <span className="mono">{pool.name}</span>
        </h3>
        {volumes.data && <span className="muted small">{list.length === 1 ? '1 volume' : `${list.length} volumes`}</span>}
        <span className="grow" />
        <button type="button" className="ghost" disabled={!pool.active} onClick={() => setDialog({ kind: 'new' })} data-testid="volume-new">
          New volume
        </button>
        <button type="button" disabled={!pool.active} onClick={() => setDialog({ kind: 'upload' })} data-testid="volume-upload">
          Upload…
        </button>
      </div>
      {!pool.active && (
        <EmptyState title={`Pool ${pool.name} is stopped`} compact action={{ label: start.isPending ? 'Starting…' : 'Start it', onClick: () => start.mutate({ hostId, name: pool.name }) }}>
          Its volumes show once it runs.
        </EmptyState>
      )}
      {pool.active && volumes.isPending && <LoadingState label="Listing volumes…" />}
      {pool.active && volumes.error && <ErrorState title="Could not list volumes" error={volumes.error} onRetry={() => void volumes.refetch()} compact />}
      {pool.active && volumes.data && list.length === 0 && (
        <EmptyState title="No volumes yet" compact>
          Create an empty disk, or upload an ISO or disk image from this computer.
        </EmptyState>
      )}
      {list.length > 0 && (
        <table className="table volume-table" data-testid="volume-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Format</th>
              <th className="num">Capacity</th>
              <th className="num">Allocated</th>
              <th>Used by</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {list.map((v) => (
              <tr key={v.key} data-testid={`volume-${v.name}`}>
                <td>
                  <span className="mono vol-name">{v.name}</span>
                  {v.backing && <div className="muted small">on {v.backing.path.split('/').pop()}</div>}
                </td>
                <td>{v.format ?? v.type}</td>
                <td className="num">{formatBytes(v.capacity)}</td>
                <td className="num">{formatBytes(v.allocation)}</td>
                <td>
                  <UsedBy v={v} />
                </td>
                <td className="row-actions">
                  <button type="button" className="ghost" onClick={() => setDialog({ kind: 'clone', volume: v })} data-testid="volume-clone">
                    Clone
                  </button>
                  <button type="button" className="ghost" onClick={() => setDialog({ kind: 'resize', volume: v })}>
                    Resize
                  </button>
                  <button type="button" className="ghost" onClick={() => void download(v)} data-testid="volume-download">
                    Download
                  </button>
                  {(v.format === 'iso' || v.name.toLowerCase().endsWith('.iso')) && (
                    <button type="button" className="ghost" onClick={() => setDialog({ kind: 'cdrom', volume: v })} data-testid="volume-cdrom">
                      Insert in VM…
                    </button>
                  )}
                  <button type="button" className="ghost danger-text" onClick={() => setDialog({ kind: 'delete', volume: v })} data-testid="volume-delete">
                    Delete
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
