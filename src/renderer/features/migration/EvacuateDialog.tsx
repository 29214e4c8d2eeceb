import { useState } from 'react';
import type { Host } from '../../../shared/model/host';
import { Modal } from '../../ui/Modal';
import { Spinner } from '../../ui/Spinner';
import { ErrorState, LoadingState } from '../../ui/States';
import { useHosts } from '../hosts/queries';
import { useCancelTask, useTasks, useTaskSummary } from '../tasks/queries';
import { MigrationProgressView } from './MigrationProgressView';
import { useEvacuate, useEvacuationPlan } from './queries';
import './migration.css';

type Override = { targetHostId: string } | { skip: true };

/**
 * Evacuate a host: the plan first (where each VM goes, why, and what its
 * preflight says), editable per VM; then a parent task with a child per VM.
 */
export function EvacuateDialog({ host, onClose }: { host: Host; onClose(): void }) {
  const hostId = host.config.id;
  const [overrides, setOverrides] = useState<Record<string, Override>>({});
  const [parallel, setParallel] = useState(1);
  const [taskId, setTaskId] = useState<string>();
  const plan = useEvacuationPlan(hostId, overrides);
  const hosts = useHosts();
  const evacuate = useEvacuate();
  const targets = (hosts.data ?? []).filter((h) => h.config.id !== hostId && h.state.status === 'connected');

  if (taskId) return <EvacuationProgress taskId={taskId} title={`Evacuating ${host.config.name}`} onClose={onClose} />;

  const moves = plan.data?.moves ?? [];
  const ready = moves.filter((m) => m.targetHostId && !m.skipped && m.preflight?.ok);
  const blocked = moves.filter((m) => !m.skipped && !(m.targetHostId && m.preflight?.ok));
  const start = () =>
    evacuate.mutate({ hostId, moves: ready.map((m) => ({ uuid: m.uuid, targetHostId: m.targetHostId! })), parallel }, { onSuccess: (r) => setTaskId(r.taskId) });

  return (
    <Modal
      title={`Evacuate ${host.config.name}`}
      onClose={onClose}
      size="large"
      busy={evacuate.isPending}
      testId="evacuate-dialog"
      footer={
        <>
          <label className="field inline small">
            <span>At once</span>
            <select value={parallel} onChange={(e) => setParallel(Number(e.target.value))} data-testid="evacuate-parallel">
              {[1, 2, 3, 4].map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
          <span className="grow small muted">{blocked.length ? `${blocked.length} VM(s) cannot move as planned and stay` : ''}</span>
          <button type="button" className="ghost" onClick={onClose} disabled={evacuate.isPending}>
            Cancel
          </button>
          <button type="button" onClick={start} disabled={!ready.length || evacuate.isPending || plan.isFetching} data-testid="evacuate-start">
            {evacuate.isPending && <Spinner />}Put in maintenance and move {ready.length} VM{ready.length === 1 ? '' : 's'}
          </button>
        </>
      }
    >
      <p>
        {host.config.name} goes into maintenance (placement never picks it) and every VM below moves to the host shown, chosen by the least-used advice with
        VMs of the same <span className="mono">app:</span> tag kept apart. Change any target, or keep a VM here.
      </p>
      {plan.isPending && <LoadingState label="Planning and checking each move…" />}
      {plan.error && <ErrorState title="Could not plan" error={plan.error} onRetry={() => void plan.refetch()} />}
      {plan.data && moves.length === 0 && <p className="muted">No VMs on this host: nothing to move.</p>}
      {moves.length > 0 && (
        <table className="table evac-plan" data-testid="evacuation-plan" aria-busy={plan.isFetching}>
          <thead>
            <tr>
              <th>VM</th>
              <th>State</th>
              <th>Goes to</th>
              <th>Why / preflight</th>
            </tr>
          </thead>
          <tbody>
            {moves.map((m) => (
              <tr key={m.uuid} data-testid={`plan-${m.name}`}>
                <td>
                  {m.name}
                  {m.app && <span className="chip">app:{m.app}</span>}
                </td>
                <td>{m.state}</td>
                <td>
                  <select
                    value={m.skipped ? 'skip' : (m.targetHostId ?? '')}
                    onChange={(e) => setOverrides((o) => ({ ...o, [m.uuid]: e.target.value === 'skip' ? { skip: true } : { targetHostId: e.target.value } }))}
                    data-testid={`plan-target-${m.name}`}
                  >
                    {!m.targetHostId && !m.skipped && <option value="">(nowhere)</option>}
                    {targets.map((h) => {
                      const s = m.scores.find((x) => x.hostId === h.config.id);
                      return (
                        <option key={h.config.id} value={h.config.id}>
                          {h.config.name} {s ? (s.eligible ? `(score ${Math.round(s.score)})` : `(not advised: ${s.reasons[0]})`) : ''}
                        </option>
                      );
                    })}
                    <option value="skip">Keep it here</option>
                  </select>
                </td>
                <td className="small">
                  <span className="muted">{m.reason}</span>
                  {m.preflight && (
                    <span className={`block ${m.preflight.ok ? 'ok-text' : 'error-text'}`} data-testid={`plan-preflight-${m.name}`}>
                      {m.preflight.ok ? `✓ preflight passes (${m.preflight.mode}, ${m.preflight.route})` : `✕ ${m.preflight.failed.join('; ')}`}
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
              Cancel the evacuation
            </button>
          )}
          <span className="grow" />
          <button type="button" className="ghost" onClick={onClose}>
            Close
          </button>
        </>
      }
    >
      <div className="evac-head" data-testid="evacuation-progress" data-state={parent?.state}>
        {running && <Spinner />}
        <strong>{parent ? (running ? parent.phase : parent.state === 'succeeded' ? 'Every VM moved' : parent.state) : 'Starting…'}</strong>
        {parent?.progress && (
          <span className="muted">
            {' '}
            {parent.progress.done} of {parent.progress.total} done
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
