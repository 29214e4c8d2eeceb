import { useMemo, useState } from 'react';
import type { DomainSummary, LifecycleAction } from '../../../shared/model/domain';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { nameList, plural } from '../../ui/format';
import { Spinner } from '../../ui/Spinner';
import { useHosts } from '../hosts/queries';
import { ACTION_LABEL, canRun } from './lifecycle';
import { useLifecycle } from './mutations';
import { useAllDomains } from './queries';
import { usePicked } from './store';

const ACTIONS: LifecycleAction[] = ['start', 'shutdown', 'forceOff', 'pause', 'resume'];

/** Floating bar for a multi-selection (it may span hosts): one call per host per action. */
export function BulkBar() {
  const picked = usePicked((s) => s.picked);
  const clear = usePicked((s) => s.clear);
  const hosts = useHosts();
  const { byKey } = useAllDomains(hosts.data ?? []);
  const lifecycle = useLifecycle();
  const [confirm, setConfirm] = useState<LifecycleAction | null>(null);

  const targets = useMemo(() => Object.keys(picked).flatMap((k) => byKey.get(k) ?? []), [picked, byKey]);
  const hostCount = useMemo(() => new Set(targets.map((d) => d.hostId)).size, [targets]);
  if (targets.length < 2) return null;

  const applicable = (a: LifecycleAction): DomainSummary[] => targets.filter((d) => canRun(a, d.state));
  const run = (a: LifecycleAction) => lifecycle.mutate({ targets, action: a });
  const forceTargets = applicable('forceOff');

  return (
    <div className="bulk-bar" role="region" aria-label="Selected virtual machines" data-testid="bulk-bar">
      <span className="bulk-count">
        <strong>{plural(targets.length, 'VM')}</strong> selected{hostCount > 1 ? ` on ${hostCount} hosts` : ''}
      </span>
      <div className="toolbar" role="toolbar" aria-label="Bulk actions">
        {ACTIONS.map((a) => {
          const n = applicable(a).length;
          return (
            <button
              key={a}
              type="button"
              className={a === 'forceOff' ? 'ghost danger-text' : 'ghost'}
              disabled={n === 0 || lifecycle.isPending}
              title={n === 0 ? `None of the selected VMs can ${ACTION_LABEL[a].toLowerCase()}` : `${ACTION_LABEL[a]} ${plural(n, 'VM')}`}
              onClick={() => (a === 'forceOff' ? setConfirm(a) : run(a))}
              data-testid={`bulk-${a}`}
            >
              {lifecycle.isPending && lifecycle.variables?.action === a && <Spinner />}
              {ACTION_LABEL[a]}
              {a === 'forceOff' ? '…' : ''} <span className="btn-count">{n}</span>
            </button>
          );
        })}
      </div>
      <button type="button" className="ghost" onClick={clear} data-testid="bulk-clear" aria-label="Clear selection">
        Clear
      </button>
      {confirm && (
        <ConfirmDialog
          title={`Force off ${plural(forceTargets.length, 'VM')}?`}
          confirmLabel={`Force off ${forceTargets.length}`}
          danger
          onCancel={() => setConfirm(null)}
          onConfirm={() => {
            setConfirm(null);
            run('forceOff');
          }}
        >
          <p>These are cut off like pulling the power cord; unsaved data in the guests is lost:</p>
          <p className="name-list">{nameList(forceTargets.map((d) => d.name), 20)}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
