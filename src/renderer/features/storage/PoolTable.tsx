import { useState } from 'react';
import type { Pool } from '../../../shared/model/pool';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { Spinner } from '../../ui/Spinner';
import { useStorageCall } from './queries';
import { UsageBar } from './UsageBar';

const STATE_CLASS: Record<Pool['state'], string> = { running: 's-running', inactive: 's-shutoff', building: 's-connecting', degraded: 's-paused', inaccessible: 's-crashed' };

export function PoolTable({ hostId, pools, selected, onSelect }: { hostId: string; pools: readonly Pool[]; selected?: string; onSelect(name: string): void }) {
  const [deleting, setDeleting] = useState<Pool | null>(null);
  const start = useStorageCall('pools.start', hostId, { failTitle: 'Could not start the pool' });
  const stop = useStorageCall('pools.stop', hostId, { failTitle: 'Could not stop the pool' });
  const refresh = useStorageCall('pools.refresh', hostId, { failTitle: 'Could not refresh the pool' });
  const autostart = useStorageCall('pools.setAutostart', hostId, { failTitle: 'Could not change autostart' });
  const del = useStorageCall('pools.delete', hostId, { inline: true, failTitle: 'Could not delete the pool', success: () => `Pool ${deleting?.name ?? ''} deleted` });
  const busy = (name: string) => [start, stop, refresh, autostart].some((m) => m.isPending && m.variables?.name === name);
  return (
    <>
      <table className="table pool-table" data-testid="pool-table">
        <thead>
          <tr>
            <th>Pool</th>
            <th>State</th>
            <th className="usage-col">Usage</th>
            <th>Autostart</th>
            <th aria-label="Actions" />
          </tr>
        </thead>
        <tbody>
          {pools.map((p) => (
            <tr key={p.name} className={p.name === selected ? 'selected' : ''} aria-selected={p.name === selected} data-testid={`pool-${p.name}`} onClick={() => onSelect(p.name)}>
              <td>
                <button type="button" className="link pool-name" onClick={() => onSelect(p.name)}>
                  {p.name}
                </button>
                <div className="muted small">
                  {p.type}
                  {p.targetPath ? ` · ${p.targetPath}` : ''}
                  {p.source?.host ? ` · ${p.source.host}:${p.source.dir ?? ''}` : ''}
                </div>
              </td>
              <td>
                <span className={`badge ${STATE_CLASS[p.state]}`} data-testid="pool-state">
                  {busy(p.name) && <Spinner />}
                  {p.state}
                </span>
              </td>
              <td className="usage-col">{p.active ? <UsageBar used={p.allocation} total={p.capacity} free={p.available} label={`${p.name} usage`} /> : <span className="muted small">Start the pool to see its usage</span>}</td>
              <td onClick={(e) => e.stopPropagation()}>
                <input
                  type="checkbox"
                  aria-label={`Start ${p.name} when the host boots`}
                  checked={p.autostart}
                  disabled={!p.persistent || autostart.isPending}
                  onChange={(e) => autostart.mutate({ hostId, name: p.name, autostart: e.target.checked })}
                />
              </td>
              <td className="row-actions" onClick={(e) => e.stopPropagation()}>
                {p.active ? (
                  <>
                    <button type="button" className="ghost" onClick={() => refresh.mutate({ hostId, name: p.name })} disabled={busy(p.name)} title="Rescan for volumes made outside VirtDeck">
                      Refresh
                    </button>
                    <button type="button" className="ghost" onClick={() => stop.mutate({ hostId, name: p.name })} disabled={busy(p.name)} data-testid="pool-stop">
                      Stop
                    </button>
                  </>
                ) : (
                  <button type="button" className="ghost" onClick={() => start.mutate({ hostId, name: p.name })} disabled={busy(p.name)} data-testid="pool-start">
                    Start
                  </button>
                )}
                <button type="button" className="ghost danger-text" onClick={() => setDeleting(p)} data-testid="pool-delete">
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {deleting && (
        <ConfirmDialog
          title={`Delete pool ${deleting.name}?`}
          confirmLabel="Delete pool"
          danger
          busy={del.isPending}
          onCancel={() => setDeleting(null)}
          onConfirm={() => del.mutate({ hostId, name: deleting.name }, { onSuccess: () => setDeleting(null) })}
        >
          <p>
            The pool is stopped and its definition removed. Its volumes stay where they are on the host ({deleting.targetPath ?? 'its storage'}); define the pool again to manage them.
          </p>
          <p className="muted">VirtDeck refuses while any virtual machine uses one of its volumes, and names them.</p>
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
