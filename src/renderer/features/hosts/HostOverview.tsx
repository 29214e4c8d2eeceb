import { EmptyState, ErrorState, LoadingState } from '../../ui/States';
import { HostActions } from './HostActions';
import { HostShellButton } from '../consoles';
import { HostMigrationActions } from '../migration';
import { HostBanner } from './HostBanner';
import { HostInfoCards } from './HostInfoCards';
import { HostStatusText } from './HostStatus';
import { HostVmTable } from './HostVmTable';
import { HostDashboard } from '../metrics/HostDashboard';
import { StorageSection } from '../storage/StorageSection';
import { HostNetworks } from '../networks/HostNetworks';
import { useHosts } from './queries';
import { targetText } from './target';
import './hosts.css';


export function HostOverview({ hostId }: { hostId: string }) {
  const hosts = useHosts();
  if (hosts.isPending) return <LoadingState label="Loading hosts…" />;
  if (hosts.error) return <ErrorState title="Could not load hosts" error={hosts.error} onRetry={() => void hosts.refetch()} />;
  const host = hosts.data.find((h) => h.config.id === hostId);
  if (!host) return <EmptyState title="This host is gone">It was removed, maybe from another window.</EmptyState>;
  const { config, state } = host;
  return (
    <div className="page" data-testid="host-overview">
      <header className="page-head">
        <div className="page-title">
          <span className={`dot lg ${state.status}`} aria-hidden />
          <h1>{config.name}</h1>
          <span className={`badge s-${state.status}`}>
            <HostStatusText state={state} testId="host-overview-status" />
          </span>
        </div>
        <div className="page-sub">
          <span className="mono">{targetText(host)}</span>
          {config.group && <span>Group: {config.group}</span>}
          {config.tags.map((t) => (
            <span key={t} className="chip">
              {t}
            </span>
          ))}
        </div>
        <HostActions key={hostId} host={host} />
        <HostShellButton hostId={hostId} />
        <HostMigrationActions hostId={hostId} />
      </header>
      <HostBanner host={host} />
      <section className="section" aria-labelledby="host-info-h">
        <h2 id="host-info-h">Host</h2>
        <HostInfoCards host={host} />
      </section>
      {state.status === 'connected' && <HostDashboard hostId={hostId} />}
      <section className="section" aria-labelledby="host-vms-h">
        <h2 id="host-vms-h">Virtual machines</h2>
        <HostVmTable host={host} />
      </section>
      {state.status === 'connected' && <StorageSection hostId={hostId} />}
      <HostNetworks hostId={hostId} connected={state.status === 'connected'} />
    </div>
  );
}
