import { useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
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

export function VmOverview({ hostId, uuid, initialTab }: { hostId: string; uuid: string; initialTab?: VmTab }) {
  const { t } = useTranslation('domains');
  const hosts = useHosts();
  const host = hosts.data?.find((h) => h.config.id === hostId);
  const connected = host?.state.status === 'connected';
  const list = useDomainSummary(hostId, uuid, connected);
  const details = useDomain(hostId, uuid, connected && !!list.summary);
  const select = useUi((s) => s.select);
  const [tab, setTab] = useState<VmTab>(initialTab ?? 'overview');

  if (hosts.isPending) return <LoadingState />;
  if (!host) return <EmptyState title={t('hostGone')}>{t('hostGoneHint')}</EmptyState>;
  if (!connected) {
    return (
      <EmptyState title={t('hostNotConnected', { name: host.config.name })} action={{ label: t('goToHost'), onClick: () => select({ kind: 'host', hostId }) }}>
        {t('needsConnection')}
      </EmptyState>
    );
  }
  if (list.isPending) return <LoadingState label={t('loadingVm')} />;
  if (list.error) return <ErrorState title={t('listError')} error={list.error} onRetry={() => void list.refetch()} />;
  const vm = list.summary;
  if (!vm) {
    return (
      <EmptyState title={t('vmGone')} action={{ label: t('showHost', { name: host.config.name }), onClick: () => select({ kind: 'host', hostId }) }}>
        {t('vmGoneHint')}
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
            <Trans
              t={t}
              i18nKey="onHost"
              values={{ host: host.config.name }}
              components={{ host: <button type="button" className="link" onClick={() => select({ kind: 'host', hostId })} /> }}
            />
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
          {details.isPending && <LoadingState label={t('readingConfig')} />}
          {details.error && <ErrorState title={t('configError')} error={details.error} onRetry={() => void details.refetch()} />}
          {details.data && <VmDetails vm={vm} details={details.data} />}
          <VmMetrics hostId={hostId} uuid={uuid} />
        </>
      ) : (
        <VmTabBody tab={tab} vm={vm} />
      )}
    </div>
  );
}
