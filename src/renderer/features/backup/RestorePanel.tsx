import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { itemKey, type BackupItem, type ConflictChoice, type RestoreInput, type RestorePlan } from '../../../shared/model/backup';
import { ErrorState } from '../../ui/States';
import { useNetworks } from '../networks/queries';
import { TaskLine } from './TaskLine';
import { usePlan, useRestore } from './queries';

const KINDS = ['network', 'pool', 'domain'] as const;

/** Choose what to restore and how; the dry run says exactly what will change; restore runs it as a task. */
export function RestorePanel({ id, fromHostId, toHostId, items }: { id: string; fromHostId: string; toHostId: string; items: BackupItem[] }) {
  const { t } = useTranslation('backup');
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
      <h3>{toHostId === fromHostId ? t('restore.titleSame') : t('restore.title', { host: toHostId })}</h3>
      <div className="restore-options">
        <label className="inline">
          {t('restore.whenExists')}
          <select value={onConflict} onChange={(e) => setOnConflict(e.target.value as ConflictChoice)} data-testid="restore-conflict">
            <option value="skip">{t('restore.conflict.skip')}</option>
            <option value="rename">{t('restore.conflict.rename')}</option>
            <option value="replace">{t('restore.conflict.replace')}</option>
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={replaceRunning} onChange={(e) => setReplaceRunning(e.target.checked)} data-testid="restore-replace-running" /> {t('restore.replaceRunning')}
        </label>
        <label className="check">
          <input type="checkbox" checked={startDomains} onChange={(e) => setStartDomains(e.target.checked)} data-testid="restore-start" /> {t('restore.start')}
        </label>
      </div>
      {KINDS.map((kind) => {
        const list = items.filter((i) => i.kind === kind);
        if (!list.length) return null;
        return (
          <fieldset key={kind} className="restore-items">
            <legend>{t(`restore.kind.${kind}`)}</legend>
            {list.map((i) => {
              const k = itemKey(i.kind, i.key);
              return (
                <div key={k} className="restore-item" data-testid="restore-item" data-kind={kind} data-name={i.name}>
                  <label className="check">
                    <input type="checkbox" checked={chosen.has(k)} onChange={() => toggle(k)} /> {i.name}
                  </label>
                  <select value={conflicts[k] ?? ''} onChange={(e) => setConflicts(({ [k]: _, ...rest }) => (e.target.value ? { ...rest, [k]: e.target.value as ConflictChoice } : rest))} aria-label={t('restore.ifExists', { name: i.name })}>
                    <option value="">{t('restore.asAbove')}</option>
                    <option value="skip">{t('restore.item.skip')}</option>
                    <option value="rename">{t('restore.item.rename')}</option>
                    <option value="replace">{t('restore.item.replace')}</option>
                  </select>
                  {kind === 'network' && (
                    <select value={networkMap[i.name] ?? ''} onChange={(e) => setNetworkMap({ ...networkMap, [i.name]: e.target.value })} aria-label={t('restore.map', { name: i.name })} data-testid="restore-map-network">
                      <option value="">{t('restore.fromBackup')}</option>
                      {targetNets.data?.map((n) => (
                        <option key={n.name} value={n.name}>
                          {t('restore.useTargets', { name: n.name })}
                        </option>
                      ))}
                    </select>
                  )}
                  {kind === 'pool' && (
                    <input value={poolMap[i.name] ?? ''} onChange={(e) => setPoolMap({ ...poolMap, [i.name]: e.target.value })} placeholder={t('restore.poolPlaceholder')} aria-label={t('restore.map', { name: i.name })} />
                  )}
                </div>
              );
            })}
          </fieldset>
        );
      })}
      <div className="toolbar">
        <button type="button" disabled={!chosen.size || plan.isPending} onClick={() => plan.mutate(input)} data-testid="restore-dry-run">
          {plan.isPending ? t('restore.checking') : t('restore.dryRun')}
        </button>
        <button type="button" className="primary" disabled={!planned?.runnable || restore.isPending} onClick={() => restore.mutate(input, { onSuccess: () => plan.reset() })} data-testid="restore-run" title={planned ? undefined : t('restore.runFirst')}>
          {t('restore.run')}
        </button>
      </div>
      {plan.error && <ErrorState compact title={t('restore.dryRunError')} error={plan.error} />}
      {planned && <PlanView plan={planned} />}
      {restore.error && <ErrorState compact title={t('restore.refused')} error={restore.error} />}
      {restore.data && <TaskLine key={restore.data.taskId} taskId={restore.data.taskId} testId="restore-task" />}
    </div>
  );
}

function PlanView({ plan }: { plan: RestorePlan }) {
  const { t } = useTranslation('backup');
  return (
    <div className="restore-plan" data-testid="restore-plan">
      {!plan.runnable && <div className="banner bad">{t('restore.notRunnable')}</div>}
      {plan.warnings.map((w) => (
        <div key={w} className="banner warn">
          {w}
        </div>
      ))}
      <table className="table">
        <thead>
          <tr>
            <th>{t('restore.col.what')}</th>
            <th>{t('restore.col.action')}</th>
            <th>{t('restore.col.changes')}</th>
          </tr>
        </thead>
        <tbody>
          {plan.actions.map((a) => (
            <tr key={`${a.kind}/${a.key}`} data-testid="plan-row" data-action={a.action}>
              <td>
                <span className="muted">{t(`kind.${a.kind}`)}</span> {a.name}
              </td>
              <td>
                <span className={`badge plan-${a.action}`}>{t(`restore.action.${a.action}`)}</span>
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
