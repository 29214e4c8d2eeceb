import type { TaskSummary } from '../../../shared/model/task';
import type { P2vResult } from '../../../shared/p2v/schema';
import { useCancelTask, useTaskSummary, useTasks } from '../tasks/queries';
import { LoadingState } from '../../ui/States';
import { bytes } from './DiscoveryStep';
import { useP2vWizard } from './store';

const eta = (s: number | undefined) => (s === undefined ? '' : s < 90 ? `${Math.ceil(s)} s left` : `${Math.ceil(s / 60)} min left`);

/** Step 6: the parent task and a row per disk: bytes read vs sent, rate, ETA; cancel. */
export function RunStep() {
  const { taskId, reset } = useP2vWizard();
  const task = useTaskSummary(taskId);
  const all = useTasks().data ?? [];
  const cancel = useCancelTask();
  if (!task) return <LoadingState label="Starting…" />;
  const children = all.filter((t) => t.parentId === task.id).sort((a, b) => a.createdAt - b.createdAt);
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
            {task.cancelRequested ? 'Cancelling…' : 'Cancel'}
          </button>
        </div>
      ) : null}
      {task.state === 'failed' || task.state === 'cancelled' || task.state === 'interrupted' ? (
        <div className={`banner ${task.state === 'failed' ? 'bad' : 'warn'}`} role="alert" data-testid="p2v-ended">
          <p>
            <b>{task.state === 'failed' ? 'Failed' : task.state === 'cancelled' ? 'Cancelled' : 'Interrupted'}</b>: {task.error?.message}
          </p>
          {[...task.cleanup, ...children.flatMap((c) => c.cleanup)].map((l) => (
            <p key={l}>{l}</p>
          ))}
        </div>
      ) : null}
      {result ? (
        <div className="banner ok" data-testid="p2v-done">
          <p>
            <b>VM "{result.domainName}" is {result.started ? 'running' : 'defined'}.</b>
          </p>
          {result.disks.map((d) => (
            <p key={d.device} className="wrap-anywhere">
              {d.device} → {d.volumePath}: {bytes(d.bytesRead)} read, {bytes(d.bytesSent)} sent, {bytes(d.holeBytes)} skipped as holes. SHA-256 on the source and on the host:{' '}
              <code data-testid="p2v-sha">{d.sourceSha256 === d.volumeSha256 ? `${d.sourceSha256} (equal)` : `${d.sourceSha256} vs ${d.volumeSha256}`}</code>
            </p>
          ))}
        </div>
      ) : null}
      {task.state !== 'running' ? (
        <div className="p2v-nav">
          <button type="button" onClick={reset} data-testid="p2v-new">
            Convert another machine
          </button>
        </div>
      ) : null}
    </div>
  );
}

function Progress({ t, testId }: { t: TaskSummary; testId: string }) {
  const p = t.progress;
  const pct = p?.total ? Math.min(100, (p.done / p.total) * 100) : undefined;
  return (
    <div className="p2v-progress" data-testid={testId} data-state={t.state}>
      <div className="p2v-bar" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct === undefined ? undefined : Math.round(pct)} aria-label={t.title}>
        <div className={`p2v-bar-fill ${pct === undefined && t.state === 'running' ? 'indeterminate' : ''}`} style={{ width: `${pct ?? (t.state === 'succeeded' ? 100 : 0)}%` }} />
      </div>
      <div className="p2v-figures">
        <span>{t.phase}</span>
        {p ? (
          <span>
            read {bytes(p.done)}
            {p.total ? ` of ${bytes(p.total)}` : ''}
            {p.secondary ? `, ${p.secondary.label} ${bytes(p.secondary.done)}` : ''}
            {p.rate ? ` — ${bytes(p.rate)}/s` : ''} {t.state === 'running' ? eta(p.etaSeconds) : ''}
          </span>
        ) : null}
      </div>
    </div>
  );
}
