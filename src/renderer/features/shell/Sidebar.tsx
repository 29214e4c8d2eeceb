import { useMemo } from 'react';
import { useUi } from '../../app/ui-store';
import { EmptyState, ErrorState } from '../../ui/States';
import { plural } from '../../ui/format';
import { useAllDomains } from '../domains/queries';
import { usePicked } from '../domains/store';
import { useHosts } from '../hosts/queries';
import { useCan } from '../session/queries';
import { HostTree, useTreeRows } from '../tree/HostTree';
import { TreeFilter } from '../tree/TreeFilter';

const NO_HOSTS: never[] = [];

export function Sidebar() {
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
    <nav className="sidebar" aria-label="Hosts and virtual machines">
      <TreeFilter matchText={filtering ? `${plural(order.length, 'VM')} of ${totals.vms.toLocaleString()} match` : null} />
      {hosts.isPending && <div className="muted pad">Loading hosts…</div>}
      {hosts.error && <ErrorState title="Could not load hosts" error={hosts.error} onRetry={() => void hosts.refetch()} />}
      {hosts.data?.length === 0 && (
        <EmptyState title="No hosts yet" action={can.manageHosts ? { label: 'Add host', onClick: () => openAddHost(true), testId: 'add-host-empty' } : undefined}>
          {can.manageHosts ? 'Connect to a libvirt host over SSH. VirtDeck needs nothing installed on it beyond libvirt.' : 'No host or VM is shared with your account yet.'}
        </EmptyState>
      )}
      {list.length > 0 && <HostTree rows={rows} order={order} />}
      {list.length > 0 && filtering && rows.length === 0 && <EmptyState title="Nothing matches" compact>Try fewer terms, or clear the filter with Esc.</EmptyState>}
      {list.length > 0 && (
        <div className="sidebar-foot" data-testid="tree-summary">
          <span>{plural(list.length, 'host')}</span>
          <span>·</span>
          <span>
            {plural(totals.vms, 'VM')}, {totals.running.toLocaleString()} running
          </span>
          {pickedCount > 1 && (
            <>
              <span>·</span>
              <span className="accent-text">{pickedCount.toLocaleString()} selected</span>
            </>
          )}
        </div>
      )}
    </nav>
  );
}
