import { useMemo, useState } from 'react';
import { itemKey, type BackupItem, type ConflictChoice, type RestoreInput, type RestorePlan } from '../../../shared/model/backup';
import { ErrorState } from '../../ui/States';
import { useNetworks } from '../networks/queries';
import { TaskLine } from './TaskLine';
import { usePlan, useRestore } from './queries';

const ACTION: Record<RestorePlan['actions'][number]['action'], string> = {
  create: 'define',
  replace: 'replace',
  rename: 'copy under a new name',
  skip: 'skip',
  mapped: 'use existing',
  refuse: 'refused',
};
const KINDS = ['network', 'pool', 'domain'] as const;
const KIND_LABEL = { network: 'Networks', pool: 'Storage pools', domain: 'VMs' } as const;

/** Choose what to restore and how; the dry run says exactly what will change; restore runs it as a task. */
export function RestorePanel({ id, fromHostId, toHostId, items }: { id: string; fromHostId: string; toHostId: string; items: BackupItem[] }) {
  const [chosen, setChosen] = useState<Set<string>>(() => new Set(items.map((i) => itemKey(i.kind, i.key))));
  const [onConflict, setOnConflict] = useState<ConflictChoice>('skip');
  const [conflicts, setConflicts] = useState<Record<string, ConflictChoice>>({});
  const [networkMap, setNetworkMap] = useState<Record<string, string>>({});
  const [poolMap, setPoolMap] = useState<Record<string, string>>({});
  const [replaceRunning, setReplaceRunning] = useState(false);
  const [startDomains, setStartDomains] = useState(false);
  const targetNets = useNetworks(toHostId);
  const plan = usePlan();
  const restore = useRestore();
  const input = useMemo<RestoreInput>(
    () => ({
      id,
      fromHostId,
      toHostId,
      ...(chosen.size === items.length ? {} : { items: items.filter((i) => chosen.has(itemKey(i.kind, i.key))).map((i) => ({ kind: i.kind, key: i.key })) }),
      onConflict,
      conflicts,
      networkMap: Object.fromEntries(Object.entries(networkMap).filter(([, v]) => v)),
      poolMap: Object.fromEntries(Object.entries(poolMap).filter(([, v]) => v.trim())),
      replaceRunning,
      startDomains,
    }),
    [id, fromHostId, toHostId, chosen, items, onConflict, conflicts, networkMap, poolMap, replaceRunning, startDomains],
  );
  // A dry run answers for the choices it was asked with; changing any asks for a new one.
  // Compared by value: the parent re-renders with equal but new item lists.
  const planned = plan.data && JSON.stringify(plan.variables) === JSON.stringify(input) ? plan.data : undefined;
  const toggle = (k: string) => setChosen((s) => (s.has(k) ? new Set([...s].filter((x) => x !== k)) : new Set([...s, k])));

  return (
    <div className="restore-panel" data-testid="restore-panel">
      <h3>Restore to {toHostId === fromHostId ? 'the same host' : toHostId}</h3>
      <div className="restore-options">
        <label className="inline">
          When it already exists
          <select value={onConflict} onChange={(e) => setOnConflict(e.target.value as ConflictChoice)} data-testid="restore-conflict">
            <option value="skip">skip it</option>
            <option value="rename">restore a copy under a new name</option>
            <option value="replace">replace its definition</option>
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={replaceRunning} onChange={(e) => setReplaceRunning(e.target.checked)} data-testid="restore-replace-running" /> Replace running VMs too (applies at their next boot)
        </label>
        <label className="check">
          <input type="checkbox" checked={startDomains} onChange={(e) => setStartDomains(e.target.checked)} data-testid="restore-start" /> Start restored VMs that were running
        </label>
      </div>
      {KINDS.map((kind) => {
        const list = items.filter((i) => i.kind === kind);
        if (!list.length) return null;
        return (
          <fieldset key={kind} className="restore-items">
            <legend>{KIND_LABEL[kind]}</legend>
            {list.map((i) => {
              const k = itemKey(i.kind, i.key);
              return (
                <div key={k} className="restore-item" data-testid="restore-item" data-kind={kind} data-name={i.name}>
                  <label className="check">
                    <input type="checkbox" checked={chosen.has(k)} onChange={() => toggle(k)} /> {i.name}
                  </label>
                  <select value={conflicts[k] ?? ''} onChange={(e) => setConflicts(({ [k]: _, ...rest }) => (e.target.value ? { ...rest, [k]: e.target.value as ConflictChoice } : rest))} aria-label={`If ${i.name} exists`}>
                    <option value="">if it exists: as above</option>
                    <option value="skip">skip</option>
                    <option value="rename">copy</option>
                    <option value="replace">replace</option>
                  </select>
                  {kind === 'network' && (
                    <select value={networkMap[i.name] ?? ''} onChange={(e) => setNetworkMap({ ...networkMap, [i.name]: e.target.value })} aria-label={`Map ${i.name}`} data-testid="restore-map-network">
                      <option value="">restore from the backup</option>
                      {targetNets.data?.map((n) => (
                        <option key={n.name} value={n.name}>
                          use the target's “{n.name}”
                        </option>
                      ))}
                    </select>
                  )}
                  {kind === 'pool' && (
                    <input value={poolMap[i.name] ?? ''} onChange={(e) => setPoolMap({ ...poolMap, [i.name]: e.target.value })} placeholder="or use the target's pool named…" aria-label={`Map ${i.name}`} />
                  )}
                </div>
              );
            })}
          </fieldset>
        );
      })}
      <div className="toolbar">
        <button type="button" disabled={!chosen.size || plan.isPending} onClick={() => plan.mutate(input)} data-testid="restore-dry-run">
          {plan.isPending ? 'Checking…' : 'Dry run'}
        </button>
        <button type="button" className="primary" disabled={!planned?.runnable || restore.isPending} onClick={() => restore.mutate(input, { onSuccess: () => plan.reset() })} data-testid="restore-run" title={planned ? undefined : 'Run the dry run first'}>
          Restore
        </button>
      </div>
      {plan.error && <ErrorState compact title="The dry run failed" error={plan.error} />}
      {planned && <PlanView plan={planned} />}
      {restore.error && <ErrorState compact title="Restore refused" error={restore.error} />}
      {restore.data && <TaskLine key={restore.data.taskId} taskId={restore.data.taskId} testId="restore-task" />}
    </div>
  );
}

function PlanView({ plan }: { plan: RestorePlan }) {
  return (
    <div className="restore-plan" data-testid="restore-plan">
      {!plan.runnable && <div className="banner bad">Nothing will be restored until every refused item is skipped, renamed or unticked.</div>}
      {plan.warnings.map((w) => (
        <div key={w} className="banner warn">
          {w}
        </div>
      ))}
      <table className="table">
        <thead>
          <tr>
            <th>What</th>
            <th>Action</th>
            <th>What changes on the host</th>
          </tr>
        </thead>
        <tbody>
          {plan.actions.map((a) => (
            <tr key={`${a.kind}/${a.key}`} data-testid="plan-row" data-action={a.action}>
              <td>
                <span className="muted">{a.kind}</span> {a.name}
              </td>
              <td>
                <span className={`badge plan-${a.action}`}>{ACTION[a.action]}</span>
              </td>
              <td>
                {a.reason && <div className={a.action === 'refuse' ? 'apply-error' : 'muted'}>{a.reason}</div>}
                {a.changes.map((c) => (
                  <div key={c}>{c}</div>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
