import { useTranslation } from 'react-i18next';
import type { TaskSummary } from '../../../shared/model/task';
import { i18n, taskPhase, taskTitle } from '../../i18n';
import { formatNumber } from '../../i18n/format';
import type { P2vResult } from '../../../shared/p2v/schema';
import { useCancelTask, useTaskSummary, useTasks } from '../tasks/queries';
import { LoadingState } from '../../ui/States';
import { bytes } from './DiscoveryStep';
import { useP2vWizard } from './store';

const eta = (s: number | undefined) =>
  s === undefined ? '' : s < 90 ? i18n.t('p2v:run.secLeft', { n: formatNumber(Math.ceil(s)) }) : i18n.t('p2v:run.minLeft', { n: formatNumber(Math.ceil(s / 60)) });

/** Step 6: the parent task and a row per disk: bytes read vs sent, rate, ETA; cancel. */
export function RunStep() {
  const { t } = useTranslation('p2v');
  const { taskId, reset } = useP2vWizard();
  const task = useTaskSummary(taskId);
  const all = useTasks().data ?? [];
  const cancel = useCancelTask();
  if (!task) return <LoadingState label={t('run.starting')} />;
  const children = all.filter((c) => c.parentId === task.id).sort((a, b) => a.createdAt - b.createdAt);
  const result = task.state === 'succeeded' ? (task.result as P2vResult | undefined) : undefined;
  return (
    <div className="p2v-step" data-testid="p2v-step-run">
      <h3 data-testid="p2v-run-title">{task.title}</h3>
      <Progress t={task} testId="p2v-progress" />
      {children.map((c) => (
        <div key={c.id} className="p2v-child" data-testid="p2v-child">
          <div>{c.title}</div>
          <Progress t={c} testId="p2v-child-progress" />
        </div>
      ))}
      {task.state === 'running' ? (
        <div className="p2v-nav">
          <button type="button" className="danger" disabled={task.cancelRequested || cancel.isPending} onClick={() => cancel.mutate(task.id)} data-testid="p2v-cancel">
            {task.cancelRequested ? t('run.cancelling') : t('run.cancel')}
          </button>
        </div>
      ) : null}
      {task.state === 'failed' || task.state === 'cancelled' || task.state === 'interrupted' ? (
        <div className={`banner ${task.state === 'failed' ? 'bad' : 'warn'}`} role="alert" data-testid="p2v-ended">
          <p>
            <b>{task.state === 'failed' ? t('run.failed') : task.state === 'cancelled' ? t('run.cancelled') : t('run.interrupted')}</b>: {task.error?.message}
          </p>
          {[...task.cleanup, ...children.flatMap((c) => c.cleanup)].map((l) => (
            <p key={l}>{l}</p>
          ))}
        </div>
      ) : null}
      {result ? (
        <div className="banner ok" data-testid="p2v-done">
          <p>
            <b>{result.started ? t('run.running', { name: result.domainName }) : t('run.defined', { name: result.domainName })}</b>
          </p>
          {result.disks.map((d) => (
            <p key={d.device} className="wrap-anywhere">
              {t('run.diskLine', { device: d.device, path: d.volumePath, read: bytes(d.bytesRead), sent: bytes(d.bytesSent), holes: bytes(d.holeBytes) })}{' '}
              <code data-testid="p2v-sha">
                {d.sourceSha256 === d.volumeSha256 ? t('run.shaEqual', { sha: d.sourceSha256 }) : t('run.shaDiffer', { source: d.sourceSha256, volume: d.volumeSha256 })}
              </code>
            </p>
          ))}
        </div>
      ) : null}
      {task.state !== 'running' ? (
        <div className="p2v-nav">
          <button type="button" onClick={reset} data-testid="p2v-new">
            {t('run.another')}
          </button>
        </div>
      ) : null}
    </div>
  );
}

function Progress({ t: task, testId }: { t: TaskSummary; testId: string }) {
  const { t } = useTranslation('p2v');
  const p = task.progress;
  const pct = p?.total ? Math.min(100, (p.done / p.total) * 100) : undefined;
  return (
    <div className="p2v-progress" data-testid={testId} data-state={task.state}>
      <div className="p2v-bar" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct === undefined ? undefined : Math.round(pct)} aria-label={taskTitle(task)}>
        <div className={`p2v-bar-fill ${pct === undefined && task.state === 'running' ? 'indeterminate' : ''}`} style={{ width: `${pct ?? (task.state === 'succeeded' ? 100 : 0)}%` }} />
      </div>
      <div className="p2v-figures">
        <span>{taskPhase(task)}</span>
        {p ? (
          <span>
            {p.total ? t('run.readOf', { done: bytes(p.done), total: bytes(p.total) }) : t('run.read', { done: bytes(p.done) })}
            {p.secondary ? t('run.secondary', { label: p.secondary.label === 'sent' ? t('run.sent') : p.secondary.label, size: bytes(p.secondary.done) }) : ''}
            {p.rate ? ` — ${bytes(p.rate)}/s` : ''} {task.state === 'running' ? eta(p.etaSeconds) : ''}
          </span>
        ) : null}
      </div>
    </div>
  );
}
