import { useTranslation } from 'react-i18next';
import { formatNumber } from '../../i18n/format';
import { useCancelTask, useTask, useTaskSummary } from '../tasks/queries';
import { useHosts } from '../hosts/queries';
import { Spinner } from '../../ui/Spinner';
import { bytes, ms, rate } from './format';
import { useMigrationProgress } from './queries';

interface Outcome {
  totalMs?: number;
  downtimeMs?: number;
  targetHostId?: string;
  mode?: string;
}

/** A running (or finished) migration task: phase, bar, the job's figures, cancel, and how it ended. */
export function MigrationProgressView({ taskId, compact = false }: { taskId: string; compact?: boolean }) {
  const { t: tr } = useTranslation('migration');
  const t = useTaskSummary(taskId);
  const detail = useTask(taskId, !!t && t.state !== 'running');
  const live = useMigrationProgress((s) => s.byTask[taskId]);
  const cancel = useCancelTask();
  const hosts = useHosts();
  const hostName = (id: string | undefined) => hosts.data?.find((h) => h.config.id === id)?.config.name ?? id;
  if (!t) return <p className="muted">{tr('starting')}</p>;
  const s = live?.stats;
  const pct = t.progress?.total ? Math.min(100, (t.progress.done / t.progress.total) * 100) : undefined;
  const running = t.state === 'running';
  const outcome = t.result as Outcome | undefined;
  const sides = detail.data?.log.filter((l) => /^(Source|Target) /.test(l.message)).map((l) => l.message) ?? [];
  return (
    <div className={`mig-progress state-${t.state}`} data-testid="migration-progress" data-state={t.state}>
      <div className="mig-phase">
        {running && <Spinner />}
        <strong data-testid="migration-phase">{running ? t.phase : t.state === 'succeeded' ? tr('progress.moved') : t.state === 'cancelled' ? tr('progress.cancelled') : tr('progress.failed')}</strong>
        {t.cancelRequested && running && <span className="chip warn">{tr('progress.cancelling')}</span>}
        <span className="grow" />
        {running && (
          <button type="button" className="ghost danger-text small" disabled={!t.cancellable || t.cancelRequested || cancel.isPending} onClick={() => cancel.mutate(taskId)} data-testid="migration-cancel">
            {tr('progress.cancel')}
          </button>
        )}
      </div>
      {running && (
        <div className="bar" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct === undefined ? undefined : Math.round(pct)}>
          <span className={pct === undefined ? 'bar-fill indeterminate' : 'bar-fill'} style={pct === undefined ? undefined : { width: `${pct}%` }} />
        </div>
      )}
      {running && s && !compact && (
        <dl className="kv mig-stats" data-testid="migration-stats">
          <dt>{tr('progress.memRemaining')}</dt>
          <dd>{bytes(s.memoryRemaining)}</dd>
          {(s.diskTotal ?? 0) > 0 && (
            <>
              <dt>{tr('progress.diskRemaining')}</dt>
              <dd>{tr('progress.diskOf', { remaining: bytes(s.diskRemaining), total: bytes(s.diskTotal) })}</dd>
            </>
          )}
          <dt>{tr('progress.rate')}</dt>
          <dd>{rate(s.memoryBps ?? s.diskBps)}</dd>
          <dt>{tr('progress.dirtyRate')}</dt>
          <dd title={tr('progress.dirtyTip')}>{rate(s.dirtyRate)}</dd>
          <dt>{tr('progress.pass')}</dt>
          <dd>{s.iteration === undefined ? '—' : formatNumber(s.iteration)}</dd>
          <dt>{tr('progress.downtime')}</dt>
          <dd>{ms(s.downtimeMs)}</dd>
          <dt>{tr('progress.elapsed')}</dt>
          <dd>{ms(s.elapsedMs)}</dd>
          {s.autoConvergeThrottle ? (
            <>
              <dt>{tr('progress.throttle')}</dt>
              <dd>{formatNumber(s.autoConvergeThrottle)}%</dd>
            </>
          ) : null}
        </dl>
      )}
      {t.state === 'succeeded' && outcome && (
        <p className="ok-text" data-testid="migration-done">
          {outcome.downtimeMs !== undefined
            ? tr('progress.donePaused', { host: hostName(outcome.targetHostId), total: ms(outcome.totalMs), downtime: ms(outcome.downtimeMs) })
            : tr('progress.done', { host: hostName(outcome.targetHostId), total: ms(outcome.totalMs) })}
        </p>
      )}
      {t.error && (
        <div role="alert" className={t.state === 'cancelled' ? 'mig-cancelled' : 'error-text'} data-testid="migration-error">
          <p>{t.error.message}</p>
          {sides.length > 0 && (
            <ul className="small" data-testid="migration-sides">
              {sides.map((l) => (
                <li key={l}>{l}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      {t.cleanup.length > 0 && (
        <ul className="small muted" data-testid="migration-cleanup">
          {t.cleanup.map((l) => (
            <li key={l}>{l}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
