import { useTranslation } from 'react-i18next';
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
  const { t } = useTranslation('hosts');
  const hosts = useHosts();
  if (hosts.isPending) return <LoadingState label={t('loadingHosts')} />;
  if (hosts.error) return <ErrorState title={t('loadError')} error={hosts.error} onRetry={() => void hosts.refetch()} />;
  const host = hosts.data.find((h) => h.config.id === hostId);
  if (!host) return <EmptyState title={t('gone')}>{t('goneHint')}</EmptyState>;
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
          {config.group && <span>{t('group', { group: config.group })}</span>}
          {config.tags.map((tag) => (
            <span key={tag} className="chip">
              {tag}
            </span>
          ))}
        </div>
        <HostActions key={hostId} host={host} />
        <HostShellButton hostId={hostId} />
        <HostMigrationActions hostId={hostId} />
      </header>
      <HostBanner host={host} />
      <section className="section" aria-labelledby="host-info-h">
        <h2 id="host-info-h">{t('hostSection')}</h2>
        <HostInfoCards host={host} />
      </section>
      {state.status === 'connected' && <HostDashboard hostId={hostId} />}
      <section className="section" aria-labelledby="host-vms-h">
        <h2 id="host-vms-h">{t('vmsSection')}</h2>
        <HostVmTable host={host} />
      </section>
      {state.status === 'connected' && <StorageSection hostId={hostId} />}
      <HostNetworks hostId={hostId} connected={state.status === 'connected'} />
    </div>
  );
}
