import { useMemo, useState } from 'react';
import type { BackupSummary, DiffEntry } from '../../../shared/model/backup';
import { EmptyState, ErrorState, LoadingState } from '../../ui/States';
import { useHosts } from '../hosts/queries';
import { RestorePanel } from './RestorePanel';
import { useBackup, useDiff } from './queries';

const STATUS: Record<DiffEntry['status'], string> = { removed: 'gone from the host', added: 'not in the backup', changed: 'changed', same: 'unchanged' };

/** One backup: pick a host in it, compare it with a live host, restore from it. */
export function BackupDetail({ summary }: { summary: BackupSummary }) {
  const detail = useBackup(summary.id);
  const hosts = useHosts();
  const [from, setFrom] = useState(summary.hosts.find((h) => !h.errors.length)?.hostId ?? summary.hosts[0]?.hostId ?? '');
  const [to, setTo] = useState(from);
  const diff = useDiff();
  const connected = (hosts.data ?? []).filter((h) => h.state.status === 'connected');
  const all = detail.data?.items;
  const items = useMemo(() => (all ?? []).filter((i) => i.hostId === from), [all, from]);
  // The live host defaults to the backed-up one when it is connected.
  const target = connected.some((h) => h.config.id === to) ? to : (connected[0]?.config.id ?? '');
  if (detail.isPending) return <LoadingState label="Opening the archive and checking its checksums…" />;
  if (detail.error) return <ErrorState title="This backup cannot be used" error={detail.error} />;
  return (
    <section className="section backup-detail" data-testid="backup-detail">
      <h2>Backup of {new Date(summary.created).toLocaleString()}</h2>
      <div className="toolbar">
        <label className="inline">
          Host in the backup
          <select value={from} onChange={(e) => setFrom(e.target.value)} data-testid="backup-from">
            {detail.data.hosts.map((h) => (
              <option key={h.hostId} value={h.hostId}>
                {h.name} ({detail.data.items.filter((i) => i.hostId === h.hostId).length} definitions)
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          Live host
          <select value={target} onChange={(e) => setTo(e.target.value)} data-testid="backup-to">
            {connected.map((h) => (
              <option key={h.config.id} value={h.config.id}>
                {h.config.name}
              </option>
            ))}
          </select>
        </label>
        <button type="button" disabled={!target || diff.isPending} onClick={() => diff.mutate({ id: summary.id, fromHostId: from, toHostId: target })} data-testid="backup-diff">
          {diff.isPending ? 'Comparing…' : 'Compare with live host'}
        </button>
      </div>
      {!connected.length && <p className="small muted">Connect a host to compare or restore.</p>}
      {diff.error && <ErrorState compact title="Could not compare" error={diff.error} />}
      {diff.data && <DiffList entries={diff.data.entries} />}
      {target && <RestorePanel key={`${from}>${target}`} id={summary.id} fromHostId={from} toHostId={target} items={items} />}
    </section>
  );
}

function DiffList({ entries }: { entries: DiffEntry[] }) {
  const [showSame, setShowSame] = useState(false);
  const shown = entries.filter((e) => showSame || e.status !== 'same');
  const same = entries.length - entries.filter((e) => e.status !== 'same').length;
  return (
    <div className="backup-diff" data-testid="diff-list">
      <p className="small">
        {entries.length - same} of {entries.length} definitions differ from the backup.{' '}
        {same > 0 && (
          <button type="button" className="link" onClick={() => setShowSame(!showSame)}>
            {showSame ? 'Hide unchanged' : `Show ${same} unchanged`}
          </button>
        )}
      </p>
      {shown.length === 0 ? (
        <EmptyState compact title="The host matches the backup">Every definition is as it was backed up (generated uuids aside).</EmptyState>
      ) : (
        <ul className="diff-entries">
          {shown.map((e) => (
            <li key={`${e.kind}/${e.name}`} data-testid="diff-entry" data-status={e.status} data-kind={e.kind}>
              <span className={`badge diff-${e.status}`}>{STATUS[e.status]}</span> <span className="muted">{e.kind}</span> <strong>{e.name}</strong>
              {e.patch && (
                <details>
                  <summary>XML diff</summary>
                  <pre className="diff-patch">
                    {e.patch
                      .split('\n')
                      .slice(2)
                      .map((l, i) => (
                        <span key={i} className={l.startsWith('+') ? 'add' : l.startsWith('-') ? 'del' : l.startsWith('@@') ? 'hunk' : undefined}>
                          {l + '\n'}
                        </span>
                      ))}
                  </pre>
                </details>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
