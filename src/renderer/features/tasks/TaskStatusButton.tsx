import { Spinner } from '../../ui/Spinner';
import { useTasks } from './queries';
import { useTaskDrawer } from './store';
import './tasks.css';
import { useTranslation } from 'react-i18next';

/** Status bar entry: how many tasks run now (and whether a recent one failed); opens the drawer. */
export function TaskStatusButton() {
  const { t } = useTranslation('tasks');
  const { data } = useTasks();
  const toggle = useTaskDrawer((s) => s.toggle);
  const open = useTaskDrawer((s) => s.open);
  const running = data?.filter((t) => t.state === 'running' && !t.parentId).length ?? 0;
  const failed = data?.filter((t) => !t.parentId && (t.state === 'failed' || t.state === 'interrupted') && Date.now() - (t.endedAt ?? 0) < 10 * 60_000).length ?? 0;
  return (
    <button type="button" className={`task-status ${open ? 'open' : ''}`} onClick={toggle} aria-expanded={open} aria-controls="task-drawer" data-testid="task-count">
      {running > 0 && <Spinner />}
      {running > 0 ? t('running', { count: running, n: running }) : t('title')}
      {failed > 0 && (
        <span className="task-failed-dot" title={t('failedTip', { n: failed })}>
          {t('failed', { n: failed })}
        </span>
      )}
    </button>
  );
}
