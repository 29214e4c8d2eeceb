import { useMemo } from 'react';
import { useUi } from '../../app/ui-store';
import { EmptyState, ErrorState } from '../../ui/States';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../../i18n/format';
import { useAllDomains } from '../domains/queries';
import { usePicked } from '../domains/store';
import { useHosts } from '../hosts/queries';
import { useCan } from '../session/queries';
import { HostTree, useTreeRows } from '../tree/HostTree';
import { TreeFilter } from '../tree/TreeFilter';

const NO_HOSTS: never[] = [];

export function Sidebar() {
  const { t } = useTranslation('shell');
  const hosts = useHosts();
  const list = hosts.data ?? NO_HOSTS;
  const { views, byKey } = useAllDomains(list);
  const openAddHost = useUi((s) => s.setAddHostOpen);
  const can = useCan();
  const { rows, order, filtering } = useTreeRows(list, views);
  const pickedCount = usePicked((s) => Object.keys(s.picked).length);

  const totals = useMemo(() => {
    let running = 0;
    for (const d of byKey.values()) if (d.state === 'running') running++;
    return { vms: byKey.size, running };
  }, [byKey]);

  return (
    <nav className="sidebar" aria-label={t('treeLabel')}>
      <TreeFilter matchText={filtering ? t('matchCount', { count: order.length, n: formatNumber(order.length), total: formatNumber(totals.vms) }) : null} />
      {hosts.isPending && <div className="muted pad">{t('loadingHosts')}</div>}
      {hosts.error && <ErrorState title={t('hostsError')} error={hosts.error} onRetry={() => void hosts.refetch()} />}
      {hosts.data?.length === 0 && (
        <EmptyState title={t('noHosts')} action={can.manageHosts ? { label: t('addHost'), onClick: () => openAddHost(true), testId: 'add-host-empty' } : undefined}>
          {can.manageHosts ? t('noHostsHint') : t('noHostsNoAccess')}
        </EmptyState>
      )}
      {list.length > 0 && <HostTree rows={rows} order={order} />}
      {list.length > 0 && filtering && rows.length === 0 && <EmptyState title={t('nothingMatches')} compact>{t('nothingMatchesHint')}</EmptyState>}
      {list.length > 0 && (
        <div className="sidebar-foot" data-testid="tree-summary">
          <span>{t('hostCount', { count: list.length, n: formatNumber(list.length) })}</span>
          <span>·</span>
          <span>
            {t('vmCount', { count: totals.vms, n: formatNumber(totals.vms), running: formatNumber(totals.running) })}
          </span>
          {pickedCount > 1 && (
            <>
              <span>·</span>
              <span className="accent-text">{t('selected', { n: formatNumber(pickedCount) })}</span>
            </>
          )}
        </div>
      )}
    </nav>
  );
}
