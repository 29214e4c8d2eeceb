import { useUi } from '../../app/ui-store';
import { useHosts } from '../hosts/queries';
import { EmptyState, ErrorState } from '../../ui/States';

export function Sidebar() {
  const hosts = useHosts();
  const select = useUi((s) => s.select);
  const selection = useUi((s) => s.selection);
  const openAddHost = useUi((s) => s.setAddHostOpen);
  return (
    <nav className="sidebar" aria-label="Hosts and virtual machines">
      {hosts.isPending && <div className="muted pad">Loading hosts…</div>}
      {hosts.error && <ErrorState title="Could not load hosts" error={hosts.error} onRetry={() => void hosts.refetch()} />}
      {hosts.data?.length === 0 && (
        <EmptyState title="No hosts yet: add one" action={{ label: 'Add host', onClick: () => openAddHost(true) }}>
          Connect to a libvirt host over SSH, or start the local libvirt daemon.
        </EmptyState>
      )}
      <ul className="tree" role="tree">
        {hosts.data?.map((h) => (
          <li
            key={h.config.id}
            role="treeitem"
            aria-selected={selection.kind === 'host' && selection.hostId === h.config.id}
            className="tree-host"
            onClick={() => select({ kind: 'host', hostId: h.config.id })}
          >
            <span className={`dot ${h.state.status}`} title={h.state.status} />
            {h.config.name}
          </li>
        ))}
      </ul>
    </nav>
  );
}
