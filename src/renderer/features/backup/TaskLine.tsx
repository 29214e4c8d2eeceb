import { taskPhase } from '../../i18n';
import { useTranslation } from 'react-i18next';
import { useCancelTask, useTaskSummary } from '../tasks/queries';
import { Spinner } from '../../ui/Spinner';

/** A backup or restore task as it runs: phase, a progress bar, its error and what its undo did; cancel while it runs. */
export function TaskLine({ taskId, testId }: { taskId: string; testId: string }) {
  const { t } = useTranslation('backup');
  const task = useTaskSummary(taskId);
  const cancel = useCancelTask();
  const running = !task || task.state === 'running';
  const p = task?.progress;
  return (
    <div className={`banner backup-task ${task?.state === 'failed' || task?.state === 'cancelled' ? 'bad' : ''}`} data-testid={testId} data-state={task?.state ?? 'running'}>
      <div className="backup-task-head">
        {running && <Spinner />} <strong>{task?.title ?? t('task.starting')}</strong> — <span data-testid={`${testId}-state`}>{t(`task.state.${task?.state ?? 'running'}`)}</span>
        {task && running && task.cancellable && (
          <button type="button" className="ghost danger" disabled={task.cancelRequested} onClick={() => cancel.mutate(task.id)}>
            {task.cancelRequested ? t('task.cancelling') : t('task.cancel')}
          </button>
        )}
      </div>
      {p?.total ? <progress max={p.total} value={p.done} aria-label={task ? taskPhase(task) : undefined} /> : running ? <progress /> : null}
      <p className="small">{task ? taskPhase(task) : null}</p>
      {task?.error && <p className="apply-error">{task.error.message}</p>}
      {task?.cleanup.map((c) => (
        <p key={c} className="small">
          {c}
        </p>
      ))}
    </div>
  );
}
