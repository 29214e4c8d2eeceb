import { useState } from 'react';
import { useHosts } from '../hosts/queries';
import { EmptyState, ErrorState, LoadingState } from '../../ui/States';
import { useUi } from '../../app/ui-store';
import { useDomain, useDomainSummary } from './queries';
import { VmDetails } from './VmDetails';
import { VmMetrics } from '../metrics/VmMetrics';
import { VmToolbar } from './VmToolbar';
import { ConsoleButtons } from '../consoles';
import { MigrateButton } from '../migration';
import { VmTabs, VmTabBody, type VmTab } from '../vm-settings/VmTabs';
import { VmTitle } from './VmTitle';
import './domains.css';

export function VmOverview({ hostId, uuid }: { hostId: string; uuid: string }) {
  const hosts = useHosts();
  const host = hosts.data?.find((h) => h.config.id === hostId);
  const connected = host?.state.status === 'connected';
  const list = useDomainSummary(hostId, uuid, connected);
  const details = useDomain(hostId, uuid, connected && !!list.summary);
  const select = useUi((s) => s.select);
  const [tab, setTab] = useState<VmTab>('overview');

  if (hosts.isPending) return <LoadingState />;
  if (!host) return <EmptyState title="This host is gone">It was removed, maybe from another window.</EmptyState>;
  if (!connected) {
    return (
      <EmptyState title={`${host.config.name} is not connected`} action={{ label: 'Go to host', onClick: () => select({ kind: 'host', hostId }) }}>
        Virtual machine details need a live connection to the host.
      </EmptyState>
    );
  }
  if (list.isPending) return <LoadingState label="Loading virtual machine…" />;
  if (list.error) return <ErrorState title="Could not list virtual machines" error={list.error} onRetry={() => void list.refetch()} />;
  const vm = list.summary;
  if (!vm) {
    return (
      <EmptyState title="This virtual machine no longer exists" action={{ label: `Show ${host.config.name}`, onClick: () => select({ kind: 'host', hostId }) }}>
        It was deleted or undefined on the host.
      </EmptyState>
    );
  }
  // The header follows the live summary (pushed state); the rest comes from the parsed XML.
  const title = details.data?.title;
  return (
    <div className="page" data-testid="vm-overview">
      <header className="page-head">
        <VmTitle vm={vm} />
        <div className="page-sub">
          <span>
            on{' '}
            <button type="button" className="link" onClick={() => select({ kind: 'host', hostId })}>
              {host.config.name}
            </button>
          </span>
          {title && <span>{title}</span>}
          <span className="mono muted small">{vm.uuid}</span>
        </div>
        <VmToolbar vm={vm} />
        <ConsoleButtons hostId={hostId} uuid={uuid} />
        <MigrateButton hostId={hostId} uuid={uuid} />
        <VmTabs tab={tab} onTab={setTab} vm={vm} />
      </header>
      {tab === 'overview' ? (
        <>
          {details.isPending && <LoadingState label="Reading configuration…" />}
          {details.error && <ErrorState title="Could not read the configuration" error={details.error} onRetry={() => void details.refetch()} />}
          {details.data && <VmDetails vm={vm} details={details.data} />}
          <VmMetrics hostId={hostId} uuid={uuid} />
        </>
      ) : (
        <VmTabBody tab={tab} vm={vm} />
      )}
    </div>
  );
}
