import { useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import type { Host } from '../../../shared/model/host';
import type { MigrationMode, MigrationRoute } from '../../../shared/model/migration';
import { formatNumber } from '../../i18n/format';
import { stateLabel } from '../../i18n/labels';
import { Modal } from '../../ui/Modal';
import { Spinner } from '../../ui/Spinner';
import { ErrorState, LoadingState } from '../../ui/States';
import { useHosts } from '../hosts/queries';
import { useCancelTask, useTasks, useTaskSummary } from '../tasks/queries';
import { MigrationProgressView } from './MigrationProgressView';
import { useEvacuate, useEvacuationPlan } from './queries';
import './migration.css';

type Override = { targetHostId: string } | { skip: true };

/** A VM's app tag as written (tags are data, shown as they are in every language). */
const appTag = (app: string) => `app:${app}`;

/**
 * Evacuate a host: the plan first (where each VM goes, why, and what its
 * preflight says), editable per VM; then a parent task with a child per VM.
 */
export function EvacuateDialog({ host, onClose }: { host: Host; onClose(): void }) {
  const { t } = useTranslation(['migration', 'common']);
  const hostId = host.config.id;
  const [overrides, setOverrides] = useState<Record<string, Override>>({});
  const [parallel, setParallel] = useState(1);
  const [taskId, setTaskId] = useState<string>();
  const plan = useEvacuationPlan(hostId, overrides);
  const hosts = useHosts();
  const evacuate = useEvacuate();
  const targets = (hosts.data ?? []).filter((h) => h.config.id !== hostId && h.state.status === 'connected');

  if (taskId) return <EvacuationProgress taskId={taskId} title={t('evac.progressTitle', { name: host.config.name })} onClose={onClose} />;

  const moves = plan.data?.moves ?? [];
  const ready = moves.filter((m) => m.targetHostId && !m.skipped && m.preflight?.ok);
  const blocked = moves.filter((m) => !m.skipped && !(m.targetHostId && m.preflight?.ok));
  const start = () =>
    evacuate.mutate({ hostId, moves: ready.map((m) => ({ uuid: m.uuid, targetHostId: m.targetHostId! })), parallel }, { onSuccess: (r) => setTaskId(r.taskId) });

  return (
    <Modal
      title={t('evac.title', { name: host.config.name })}
      onClose={onClose}
      size="large"
      busy={evacuate.isPending}
      testId="evacuate-dialog"
      footer={
        <>
          <label className="field inline small">
            <span>{t('evac.atOnce')}</span>
            <select value={parallel} onChange={(e) => setParallel(Number(e.target.value))} data-testid="evacuate-parallel">
              {[1, 2, 3, 4].map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
          <span className="grow small muted">{blocked.length ? t('evac.blocked', { n: formatNumber(blocked.length) }) : ''}</span>
          <button type="button" className="ghost" onClick={onClose} disabled={evacuate.isPending}>
            {t('common:cancel')}
          </button>
          <button type="button" onClick={start} disabled={!ready.length || evacuate.isPending || plan.isFetching} data-testid="evacuate-start">
            {evacuate.isPending && <Spinner />}
            {t('evac.start', { count: ready.length, n: formatNumber(ready.length) })}
          </button>
        </>
      }
    >
      <p>
        <Trans t={t} i18nKey="evac.intro" values={{ name: host.config.name, tag: 'app:' }} components={{ m: <span className="mono" translate="no" /> }} />
      </p>
      {plan.isPending && <LoadingState label={t('evac.planning')} />}
      {plan.error && <ErrorState title={t('evac.planError')} error={plan.error} onRetry={() => void plan.refetch()} />}
      {plan.data && moves.length === 0 && <p className="muted">{t('evac.noVms')}</p>}
      {moves.length > 0 && (
        <table className="table evac-plan" data-testid="evacuation-plan" aria-busy={plan.isFetching}>
          <thead>
            <tr>
              <th>{t('evac.col.vm')}</th>
              <th>{t('evac.col.state')}</th>
              <th>{t('evac.col.goesTo')}</th>
              <th>{t('evac.col.why')}</th>
            </tr>
          </thead>
          <tbody>
            {moves.map((m) => (
              <tr key={m.uuid} data-testid={`plan-${m.name}`}>
                <td translate="no">
                  {m.name}
                  {m.app && <span className="chip">{appTag(m.app)}</span>}
                </td>
                <td>{stateLabel(m.state)}</td>
                <td>
                  <select
                    value={m.skipped ? 'skip' : (m.targetHostId ?? '')}
                    onChange={(e) => setOverrides((o) => ({ ...o, [m.uuid]: e.target.value === 'skip' ? { skip: true } : { targetHostId: e.target.value } }))}
                    data-testid={`plan-target-${m.name}`}
                  >
                    {!m.targetHostId && !m.skipped && <option value="">{t('evac.nowhere')}</option>}
                    {targets.map((h) => {
                      const s = m.scores.find((x) => x.hostId === h.config.id);
                      return (
                        <option key={h.config.id} value={h.config.id}>
                          {h.config.name} {s ? (s.eligible ? t('evac.score', { score: formatNumber(s.score) }) : t('evac.notAdvised', { reason: s.reasons[0] })) : ''}
                        </option>
                      );
                    })}
                    <option value="skip">{t('evac.keepHere')}</option>
                  </select>
                </td>
                <td className="small">
                  <span className="muted">{m.reason}</span>
                  {m.preflight && (
                    <span className={`block ${m.preflight.ok ? 'ok-text' : 'error-text'}`} data-testid={`plan-preflight-${m.name}`}>
                      {m.preflight.ok ? t('evac.preflightOk', { mode: t(`modeShort.${m.preflight.mode as MigrationMode}`, { defaultValue: m.preflight.mode }), route: t(`routeShort.${m.preflight.route as MigrationRoute}`, { defaultValue: m.preflight.route }) }) : `✕ ${m.preflight.failed.join('; ')}`}
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {evacuate.error && (
        <p className="error-text" role="alert">
          {evacuate.error.message}
        </p>
      )}
    </Modal>
  );
}

function EvacuationProgress({ taskId, title, onClose }: { taskId: string; title: string; onClose(): void }) {
  const { t } = useTranslation(['migration', 'common']);
  const parent = useTaskSummary(taskId);
  const tasks = useTasks();
  const cancel = useCancelTask();
  const children = (tasks.data ?? []).filter((t) => t.parentId === taskId).sort((a, b) => a.createdAt - b.createdAt);
  const running = parent?.state === 'running';
  return (
    <Modal
      title={title}
      onClose={onClose}
      size="large"
      testId="evacuate-dialog"
      footer={
        <>
          {running && (
            <button type="button" className="ghost danger-text" onClick={() => cancel.mutate(taskId)} disabled={parent?.cancelRequested} data-testid="evacuate-cancel">
              {t('evac.cancel')}
            </button>
          )}
          <span className="grow" />
          <button type="button" className="ghost" onClick={onClose}>
            {t('common:close')}
          </button>
        </>
      }
    >
      <div className="evac-head" data-testid="evacuation-progress" data-state={parent?.state}>
        {running && <Spinner />}
        <strong>{parent ? (running ? parent.phase : parent.state === 'succeeded' ? t('evac.allMoved') : t(`evac.state.${parent.state}`)) : t('starting')}</strong>
        {parent?.progress && (
          <span className="muted">
            {' '}
            {t('evac.doneOf', { done: formatNumber(parent.progress.done), total: parent.progress.total === undefined ? '' : formatNumber(parent.progress.total) })}
          </span>
        )}
      </div>
      {parent?.error && <p className="error-text">{parent.error.message}</p>}
      <ul className="evac-children">
        {children.map((c) => (
          <li key={c.id} data-testid={`evac-child-${c.target?.name ?? c.id}`} data-state={c.state}>
            <span className="mono">{c.target?.name ?? c.title}</span>
            <MigrationProgressView taskId={c.id} compact />
          </li>
        ))}
      </ul>
    </Modal>
  );
}
