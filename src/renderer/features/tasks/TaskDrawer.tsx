import { useEffect, useMemo } from 'react';
import { useHosts } from '../hosts/queries';
import { EmptyState, ErrorState, LoadingState } from '../../ui/States';
import { rootTasks } from './format';
import { useClearTasks, useTasks } from './queries';
import { useTaskDrawer } from './store';
import { TaskRow } from './TaskRow';
import './tasks.css';

/** Every task of the app: running ones first with progress and cancel, then history with logs, cleanup and retry. */
export function TaskDrawer() {
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
    <aside id="task-drawer" className="task-drawer" aria-label="Tasks" data-testid="task-drawer">
      <header className="task-drawer-head">
        <h2>Tasks</h2>
        <span className="grow" />
        <button type="button" className="ghost" disabled={finished === 0 || clear.isPending} onClick={() => clear.mutate(undefined)} data-testid="task-clear">
          Clear finished
        </button>
        <button type="button" className="icon-btn" aria-label="Close tasks" onClick={hide}>
          ×
        </button>
      </header>
      <div className="task-drawer-body">
        {tasks.isPending && <LoadingState label="Loading tasks…" />}
        {tasks.error && <ErrorState title="Could not load tasks" error={tasks.error} onRetry={() => void tasks.refetch()} compact />}
        {tasks.data && roots.length === 0 && (
          <EmptyState title="No tasks yet" compact>
            Uploads, clones and other long work show here with their progress, and stay as history after they end.
          </EmptyState>
        )}
        {roots.map((t) => (
          <TaskRow key={t.id} task={t} all={all} hostName={t.hostId ? names.get(t.hostId) ?? t.hostId : undefined} focused={t.id === focus || t.childIds.includes(focus ?? '')} />
        ))}
      </div>
    </aside>
  );
}
