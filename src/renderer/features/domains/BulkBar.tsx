import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DomainSummary, LifecycleAction } from '../../../shared/model/domain';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { formatNumber, nameList } from '../../i18n/format';
import { Spinner } from '../../ui/Spinner';
import { useHosts } from '../hosts/queries';
import { actionLabel, canRun } from './lifecycle';
import { useLifecycle } from './mutations';
import { useAllDomains } from './queries';
import { usePicked } from './store';

const ACTIONS: LifecycleAction[] = ['start', 'shutdown', 'forceOff', 'pause', 'resume'];

/** Floating bar for a multi-selection (it may span hosts): one call per host per action. */
export function BulkBar() {
  const { t } = useTranslation('domains');
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
    <div className="bulk-bar" role="region" aria-label={t('bulk.region')} data-testid="bulk-bar">
      <span className="bulk-count">
        <strong>{t('vmCount', { count: targets.length, n: formatNumber(targets.length) })}</strong> {hostCount > 1 ? t('bulk.selectedOnHosts', { hosts: formatNumber(hostCount) }) : t('bulk.selected')}
      </span>
      <div className="toolbar" role="toolbar" aria-label={t('bulk.actions')}>
        {ACTIONS.map((a) => {
          const n = applicable(a).length;
          return (
            <button
              key={a}
              type="button"
              className={a === 'forceOff' ? 'ghost danger-text' : 'ghost'}
              disabled={n === 0 || lifecycle.isPending}
              title={n === 0 ? t('bulk.none', { action: actionLabel(a).toLowerCase() }) : t('bulk.actionOn', { action: actionLabel(a), count: n, n: formatNumber(n) })}
              onClick={() => (a === 'forceOff' ? setConfirm(a) : run(a))}
              data-testid={`bulk-${a}`}
            >
              {lifecycle.isPending && lifecycle.variables?.action === a && <Spinner />}
              {actionLabel(a)}
              {a === 'forceOff' ? '…' : ''} <span className="btn-count">{n}</span>
            </button>
          );
        })}
      </div>
      <button type="button" className="ghost" onClick={clear} data-testid="bulk-clear" aria-label={t('bulk.clearSelection')}>
        {t('bulk.clear')}
      </button>
      {confirm && (
        <ConfirmDialog
          title={t('bulk.forceTitle', { count: forceTargets.length, n: formatNumber(forceTargets.length) })}
          confirmLabel={t('bulk.forceConfirm', { n: formatNumber(forceTargets.length) })}
          danger
          onCancel={() => setConfirm(null)}
          onConfirm={() => {
            setConfirm(null);
            run('forceOff');
          }}
        >
          <p>{t('bulk.forceBody')}</p>
          <p className="name-list">{nameList(forceTargets.map((d) => d.name), 20)}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
