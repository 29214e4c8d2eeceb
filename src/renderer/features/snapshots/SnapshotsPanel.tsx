import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { stateLabel, taskPhase, taskTitle } from '../../i18n';
import { formatDateTime } from '../../i18n/format';
import type { Snapshot } from '../../../shared/model/snapshot';
import { request } from '../../app/api';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { ErrorState, LoadingState } from '../../ui/States';
import { Spinner } from '../../ui/Spinner';
import { useTaskSummary } from '../tasks/queries';
import { snapshotKeys, useSnapshotDelete, useSnapshots } from './queries';
import '../vm-settings/vm-settings.css';

const when = (s: Snapshot) => (s.createdAt ? formatDateTime(s.createdAt * 1000) : '');

/** The snapshot tree of one VM, with create (as a Task), revert and delete. */
export function SnapshotsPanel({ hostId, uuid, running }: { hostId: string; uuid: string; running: boolean }) {
  const { t } = useTranslation(['snapshots', 'common']);
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

  if (list.isPending) return <LoadingState label={t('reading')} />;
  if (list.error) return <ErrorState title={t('listError')} error={list.error} onRetry={() => void list.refetch()} />;
  const byName = new Map(list.data.map((s) => [s.name, s]));
  const node = (s: Snapshot) => (
    <li key={s.name}>
      <div className="snap-node" data-testid={`snap-${s.name}`}>
        <span className="snap-name" translate="no">
          {s.name}
        </span>
        {s.current && <span className="badge s-running">{t('current')}</span>}
        <span className="badge">{s.memory ? t('kindMemory', { kind: t(`kind.${s.kind}`) }) : t(`kind.${s.kind}`)}</span>
        <span className="muted small">
          {stateLabel(s.state)} · {when(s)}
          {s.description ? ` · ${s.description}` : ''}
        </span>
        <button type="button" className="ghost" onClick={() => setConfirm({ op: 'revert', snap: s })} data-testid={`revert-${s.name}`}>
          {t('revert')}
        </button>
        <button type="button" className="ghost danger" onClick={() => setConfirm({ op: 'delete', snap: s, children: false })}>
          {t('delete')}
        </button>
      </div>
      {s.children.length > 0 && <ul>{s.children.map((c) => byName.get(c)).filter((c): c is Snapshot => !!c).map(node)}</ul>}
    </li>
  );
  const roots = list.data.filter((s) => !s.parent || !byName.has(s.parent));
  const busy = task?.state === 'running' || start.isPending;
  return (
    <section className="section" aria-labelledby="snap-h" data-testid="snapshots">
      <h2 id="snap-h">{t('title')}</h2>
      <div className="settings-form inline">
        <div className="field">
          <label>
            {t('name')}
            <input value={name} onChange={(e) => setName(e.target.value)} data-testid="snap-name" />
          </label>
        </div>
        <div className="field">
          <label>
            {t('description')}
            <input value={description} onChange={(e) => setDescription(e.target.value)} />
          </label>
        </div>
        <div className="field">
          <label>
            {t('kindLabel')}
            <select value={kind} onChange={(e) => setKind(e.target.value as 'internal')} data-testid="snap-kind">
              <option value="internal">{running ? t('opt.internalMemory') : t('opt.internal')}</option>
              <option value="external-disk">{t('opt.external')}</option>
            </select>
          </label>
        </div>
        <button type="button" disabled={!name.trim() || busy} onClick={() => start.mutate({ op: 'create' })} data-testid="snap-create">
          {t('take')}
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
          {task.state === 'running' && <Spinner />} {taskTitle(task)}: {task.state === 'running' ? taskPhase(task) : t(`task.${task.state}`)}
          {task.error ? ` — ${task.error.message}` : ''}
        </p>
      )}
      {roots.length ? <ul className="snap-tree">{roots.map(node)}</ul> : <p className="muted">{t('none')}</p>}
      {confirm && (
        <ConfirmDialog
          title={confirm.op === 'revert' ? t('revertTitle', { name: confirm.snap.name }) : t('deleteTitle', { name: confirm.snap.name })}
          confirmLabel={confirm.op === 'revert' ? t('revert') : t('delete')}
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
            <p>{confirm.snap.memory ? t('revertBodyMemory') : t('revertBody')}</p>
          ) : (
            <>
              <p>{t('deleteBody')}</p>
              {confirm.snap.children.length > 0 && (
                <label className="check">
                  <input type="checkbox" checked={!!confirm.children} onChange={(e) => setConfirm({ ...confirm, children: e.target.checked })} /> {t('alsoChildren', { count: confirm.snap.children.length, n: confirm.snap.children.length })}
                </label>
              )}
            </>
          )}
        </ConfirmDialog>
      )}
    </section>
  );
}
