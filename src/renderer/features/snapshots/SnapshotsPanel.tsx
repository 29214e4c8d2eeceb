import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { Snapshot } from '../../../shared/model/snapshot';
import { request } from '../../app/api';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { ErrorState, LoadingState } from '../../ui/States';
import { Spinner } from '../../ui/Spinner';
import { useTaskSummary } from '../tasks/queries';
import { snapshotKeys, useSnapshotDelete, useSnapshots } from './queries';
import '../vm-settings/vm-settings.css';

const when = (s: Snapshot) => (s.createdAt ? new Date(s.createdAt * 1000).toLocaleString() : '');

/** The snapshot tree of one VM, with create (as a Task), revert and delete. */
export function SnapshotsPanel({ hostId, uuid, running }: { hostId: string; uuid: string; running: boolean }) {
  const qc = useQueryClient();
  const list = useSnapshots(hostId, uuid);
  const del = useSnapshotDelete(hostId, uuid);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [kind, setKind] = useState<'internal' | 'external-disk'>('internal');
  const [confirm, setConfirm] = useState<{ op: 'revert' | 'delete'; snap: Snapshot; children?: boolean } | null>(null);
  const [taskId, setTaskId] = useState<string>();
  const task = useTaskSummary(taskId);
  const start = useMutation({
    mutationFn: (v: { op: 'create' } | { op: 'revert'; name: string }) =>
      v.op === 'create' ? request('snapshots.create', { hostId, uuid, name: name.trim(), description: description || undefined, kind }) : request('snapshots.revert', { hostId, uuid, name: v.name }),
    onSuccess: (r) => setTaskId(r.taskId),
  });
  useEffect(() => {
    if (task && task.state !== 'running') void qc.invalidateQueries({ queryKey: snapshotKeys.list(hostId, uuid) });
  }, [task?.state, qc, hostId, uuid, task]);

  if (list.isPending) return <LoadingState label="Reading snapshots…" />;
  if (list.error) return <ErrorState title="Could not list snapshots" error={list.error} onRetry={() => void list.refetch()} />;
  const byName = new Map(list.data.map((s) => [s.name, s]));
  const node = (s: Snapshot) => (
    <li key={s.name}>
      <div className="snap-node" data-testid={`snap-${s.name}`}>
        <span className="snap-name">{s.name}</span>
        {s.current && <span className="badge s-running">current</span>}
        <span className="badge">{s.kind}{s.memory ? ' + memory' : ''}</span>
        <span className="muted small">
          {s.state} · {when(s)}
          {s.description ? ` · ${s.description}` : ''}
        </span>
        <button type="button" className="ghost" onClick={() => setConfirm({ op: 'revert', snap: s })} data-testid={`revert-${s.name}`}>
          Revert
        </button>
        <button type="button" className="ghost danger" onClick={() => setConfirm({ op: 'delete', snap: s, children: false })}>
          Delete
        </button>
      </div>
      {s.children.length > 0 && <ul>{s.children.map((c) => byName.get(c)).filter((c): c is Snapshot => !!c).map(node)}</ul>}
    </li>
  );
  const roots = list.data.filter((s) => !s.parent || !byName.has(s.parent));
  const busy = task?.state === 'running' || start.isPending;
  return (
    <section className="section" aria-labelledby="snap-h" data-testid="snapshots">
      <h2 id="snap-h">Snapshots</h2>
      <div className="settings-form inline">
        <div className="field">
          <label>
            Name
            <input value={name} onChange={(e) => setName(e.target.value)} data-testid="snap-name" />
          </label>
        </div>
        <div className="field">
          <label>
            Description
            <input value={description} onChange={(e) => setDescription(e.target.value)} />
          </label>
        </div>
        <div className="field">
          <label>
            Kind
            <select value={kind} onChange={(e) => setKind(e.target.value as 'internal')} data-testid="snap-kind">
              <option value="internal">{running ? 'Internal, with memory (qcow2 disks)' : 'Internal (qcow2 disks)'}</option>
              <option value="external-disk">External, disk only (overlay files)</option>
            </select>
          </label>
        </div>
        <button type="button" disabled={!name.trim() || busy} onClick={() => start.mutate({ op: 'create' })} data-testid="snap-create">
          Take snapshot
        </button>
      </div>
      {start.error && (
        <p className="apply-error" role="alert" data-testid="snap-error">
          {(start.error as Error).message}
        </p>
      )}
      {del.error && <p className="apply-error">{(del.error as Error).message}</p>}
      {task && (
        <p className="small" data-testid="snap-task" role="status">
          {task.state === 'running' && <Spinner />} {task.title}: {task.state === 'running' ? task.phase : task.state}
          {task.error ? ` — ${task.error.message}` : ''}
        </p>
      )}
      {roots.length ? <ul className="snap-tree">{roots.map(node)}</ul> : <p className="muted">No snapshots yet.</p>}
      {confirm && (
        <ConfirmDialog
          title={confirm.op === 'revert' ? `Revert to “${confirm.snap.name}”?` : `Delete “${confirm.snap.name}”?`}
          confirmLabel={confirm.op === 'revert' ? 'Revert' : 'Delete'}
          danger
          busy={del.isPending}
          onCancel={() => setConfirm(null)}
          onConfirm={() => {
            if (confirm.op === 'revert') start.mutate({ op: 'revert', name: confirm.snap.name });
            else del.mutate({ name: confirm.snap.name, children: !!confirm.children });
            setConfirm(null);
          }}
        >
          {confirm.op === 'revert' ? (
            <p>The VM returns to the state it had then{confirm.snap.memory ? ', memory included' : ''}. Anything since is lost.</p>
          ) : (
            <>
              <p>The snapshot's data is removed from the disks.</p>
              {confirm.snap.children.length > 0 && (
                <label className="check">
                  <input type="checkbox" checked={!!confirm.children} onChange={(e) => setConfirm({ ...confirm, children: e.target.checked })} /> Also delete its {confirm.snap.children.length} child snapshot(s)
                </label>
              )}
            </>
          )}
        </ConfirmDialog>
      )}
    </section>
  );
}
