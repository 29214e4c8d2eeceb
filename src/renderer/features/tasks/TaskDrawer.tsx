import { useEffect, useMemo } from 'react';
import { useHosts } from '../hosts/queries';
import { EmptyState, ErrorState, LoadingState } from '../../ui/States';
import { rootTasks } from './format';
import { useClearTasks, useTasks } from './queries';
import { useTaskDrawer } from './store';
import { TaskRow } from './TaskRow';
import './tasks.css';
import { useTranslation } from 'react-i18next';

/** Every task of the app: running ones first with progress and cancel, then history with logs, cleanup and retry. */
export function TaskDrawer() {
  const { t } = useTranslation('tasks');
  const open = useTaskDrawer((s) => s.open);
  const focus = useTaskDrawer((s) => s.focus);
  const hide = useTaskDrawer((s) => s.hide);
  const tasks = useTasks();
  const hosts = useHosts();
  const clear = useClearTasks();
  const names = useMemo(() => new Map(hosts.data?.map((h) => [h.config.id, h.config.name]) ?? []), [hosts.data]);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && !document.querySelector('dialog[open]') && hide();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open, hide]);
  if (!open) return null;
  const all = tasks.data ?? [];
  const roots = rootTasks(all);
  const finished = all.filter((t) => t.state !== 'running').length;
  return (
    <aside id="task-drawer" className="task-drawer" aria-label={t('title')} data-testid="task-drawer">
      <header className="task-drawer-head">
        <h2>{t('title')}</h2>
        <span className="grow" />
        <button type="button" className="ghost" disabled={finished === 0 || clear.isPending} onClick={() => clear.mutate(undefined)} data-testid="task-clear">
          {t('clearFinished')}
        </button>
        <button type="button" className="icon-btn" aria-label={t('close')} onClick={hide}>
          ×
        </button>
      </header>
      <div className="task-drawer-body">
        {tasks.isPending && <LoadingState label={t('loading')} />}
        {tasks.error && <ErrorState title={t('loadError')} error={tasks.error} onRetry={() => void tasks.refetch()} compact />}
        {tasks.data && roots.length === 0 && (
          <EmptyState title={t('none')} compact>
            {t('noneHint')}
          </EmptyState>
        )}
        {roots.map((r) => (
          <TaskRow key={r.id} task={r} all={all} hostName={r.hostId ? names.get(r.hostId) ?? r.hostId : undefined} focused={r.id === focus || r.childIds.includes(focus ?? '')} />
        ))}
      </div>
    </aside>
  );
}
