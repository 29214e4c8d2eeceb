import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { i18n, taskPhase, taskTitle } from '../../i18n';
import { formatDateTime, formatTime } from '../../i18n/format';
import { isCallName, type CallInput } from '../../../shared/ipc/contract';
import type { TaskSummary } from '../../../shared/model/task';
import { request, ApiError } from '../../app/api';
import { useNotifications } from '../notifications/store';
import { useNow } from '../../ui/useNow';
import { childTasks, elapsed, fraction, progressText, rateText, secondaryText, stateLabel } from './format';
import { useCancelTask, useTask } from './queries';
import { openTaskDrawer } from './store';

const CAN_RETRY = new Set(['failed', 'cancelled', 'interrupted']);

/** One task: state, phase, progress with rate and time left, error, cleanup, actions, log; children nested. */
export function TaskRow({ task, all, hostName, focused, depth = 0 }: { task: TaskSummary; all: readonly TaskSummary[]; hostName?: string; focused: boolean; depth?: number }) {
  const { t } = useTranslation('tasks');
  const [showLog, setShowLog] = useState(false);
  const ref = useRef<HTMLElement>(null);
  const cancel = useCancelTask();
  const running = task.state === 'running';
  const now = useNow(running);
  const p = task.progress;
  const f = fraction(p);
  const kids = childTasks(all, task.id);
  useEffect(() => {
    if (focused) ref.current?.scrollIntoView({ block: 'nearest' });
  }, [focused]);
  const retry = async () => {
    if (!task.retry || !isCallName(task.retry.call)) return;
    try {
      const r = (await request(task.retry.call, task.retry.input as CallInput<typeof task.retry.call>)) as unknown;
      const next = (r as { taskId?: unknown } | null)?.taskId;
      if (typeof next === 'string') openTaskDrawer(next);
    } catch (e) {
      useNotifications.getState().push({ level: 'error', title: i18n.t('tasks:row.retryFailed', { title: taskTitle(task) }), message: e instanceof ApiError ? e.message : String(e) });
    }
  };
  return (
    <article ref={ref} className={`task-row s-${task.state} ${focused ? 'focused' : ''} depth-${Math.min(depth, 3)}`} data-testid={`task-${task.id}`} data-state={task.state} data-kind={task.kind} aria-label={taskTitle(task)}>
      <header className="task-head">
        <span className={`task-state s-${task.state}`}>{stateLabel(task.state)}</span>
        <span className="task-title ellipsis" title={taskTitle(task)}>
          {taskTitle(task)}
        </span>
        <span className="task-time muted small" title={formatDateTime(task.createdAt)}>
          {elapsed(task, now)}
        </span>
      </header>
      <div className="task-sub muted small">
        {hostName && <span className="chip">{hostName}</span>}
        <span data-testid="task-phase">{task.cancelRequested && running ? t('row.cancellingPrefix') : ''}{taskPhase(task)}</span>
      </div>
      {p && (
        <div className="task-progress" data-testid="task-progress">
          <div
            className={`progress ${f === undefined ? 'indeterminate' : ''} s-${task.state}`}
            role="progressbar"
            aria-label={t('row.progress', { title: taskTitle(task) })}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={f === undefined ? undefined : Math.round(f * 100)}
          >
            <div className="progress-fill" style={f === undefined ? undefined : { width: `${(f * 100).toFixed(1)}%` }} />
            {p.secondary && p.total ? <div className="progress-secondary" style={{ width: `${Math.min(100, (100 * p.secondary.done) / p.total).toFixed(1)}%` }} title={p.secondary.label} /> : null}
          </div>
          <div className="task-numbers small">
            <span>{progressText(p)}</span>
            {rateText(p, task.state) && <span className="muted" data-testid="task-rate">{rateText(p, task.state)}</span>}
          </div>
          {secondaryText(p) && <div className="small muted" data-testid="task-secondary">{secondaryText(p)}</div>}
        </div>
      )}
      {task.state === 'interrupted' && (
        <p className="task-note small">{t('row.interrupted')}</p>
      )}
      {task.error && task.state !== 'interrupted' && (
        <p className={`task-error small ${task.state === 'cancelled' ? 'calm' : ''}`} data-testid="task-error">
          {task.error.message} {task.state !== 'cancelled' && <span className="code">({task.error.code})</span>}
        </p>
      )}
      {task.cleanup.length > 0 && (
        <ul className="task-cleanup small" data-testid="task-cleanup" aria-label={t('row.cleanup')}>
          {task.cleanup.map((line, i) => (
            <li key={i} className={line.startsWith('NOT') ? 'bad' : 'ok'}>
              {line}
            </li>
          ))}
        </ul>
      )}
      <div className="task-actions">
        {running && task.cancellable && (
          <button type="button" className="ghost" disabled={task.cancelRequested || cancel.isPending} onClick={() => cancel.mutate(task.id)} data-testid="task-cancel">
            {task.cancelRequested ? t('row.cancelling') : t('row.cancel')}
          </button>
        )}
        {CAN_RETRY.has(task.state) && task.retry && (
          <button type="button" className="ghost" onClick={() => void retry()} data-testid="task-retry">
            {t('row.retry')}
          </button>
        )}
        <button type="button" className="link small" aria-expanded={showLog} onClick={() => setShowLog((v) => !v)} data-testid="task-log-toggle">
          {showLog ? t('row.hideLog') : t('row.showLog')}
        </button>
      </div>
      {showLog && <TaskLog taskId={task.id} />}
      {kids.length > 0 && (
        <div className="task-children" aria-label={t('row.steps')}>
          {kids.map((c) => (
            <TaskRow key={c.id} task={c} all={all} focused={false} depth={depth + 1} />
          ))}
        </div>
      )}
    </article>
  );
}

function TaskLog({ taskId }: { taskId: string }) {
  const { t } = useTranslation('tasks');
  const q = useTask(taskId);
  if (q.isPending) return <div className="task-log muted small">{t('row.loadingLog')}</div>;
  if (q.error) return <div className="task-log error-text small">{q.error.message}</div>;
  return (
    <ol className="task-log" data-testid="task-log">
      {q.data.log.map((l, i) => (
        <li key={i} className={`l-${l.level}`}>
          <time dateTime={new Date(l.t).toISOString()}>{formatTime(l.t)}</time> {l.message}
        </li>
      ))}
    </ol>
  );
}
