import { Trans, useTranslation } from 'react-i18next';
import { useUi } from '../../app/ui-store';
import { EmptyState } from '../../ui/States';
import { BulkBar } from '../domains/BulkBar';
import { VmOverview } from '../domains/VmOverview';
import { HostOverview } from '../hosts/HostOverview';
import { useHosts } from '../hosts/queries';
import { TopConsumers } from '../metrics/TopConsumers';
import { AuditPage } from '../audit/AuditPage';
import { AccountsPage } from '../accounts/AccountsPage';
import { useCan } from '../session/queries';
import { P2vPage } from '../p2v/P2vPage';
import { BackupsPage } from '../backup/BackupsPage';
import { NetworkPage } from '../networks/NetworkPage';
import { CreateWizard } from '../create/CreateWizard';

export function MainPanel() {
  const { t } = useTranslation('shell');
  const selection = useUi((s) => s.selection);
  const hosts = useHosts();
  const openAddHost = useUi((s) => s.setAddHostOpen);
  const can = useCan();
  let body;
  if (selection.kind === 'host') body = <HostOverview key={selection.hostId} hostId={selection.hostId} />;
  else if (selection.kind === 'page') body = selection.page === 'accounts' ? <AccountsPage /> : selection.page === 'p2v' ? <P2vPage /> : selection.page === 'backups' ? <BackupsPage /> : selection.page === 'create' ? <CreateWizard /> : <AuditPage />;
  else if (selection.kind === 'domain') body = <VmOverview key={`${selection.hostId}/${selection.uuid}`} hostId={selection.hostId} uuid={selection.uuid} initialTab={selection.tab} />;
  else if (selection.kind === 'network') body = <NetworkPage key={`${selection.hostId}/${selection.name}`} hostId={selection.hostId} name={selection.name} />;
  else if (hosts.data?.length === 0)
    body = (
      <EmptyState title={t('welcome')} action={can.manageHosts ? { label: t('addFirstHost'), onClick: () => openAddHost(true), testId: 'add-host-welcome' } : undefined}>
        {can.manageHosts ? t('welcomeHint') : t('welcomeNoAccess')}
      </EmptyState>
    );
  else
    body = (
      <>
        <EmptyState title={t('nothingSelected')}>
          <Trans t={t} i18nKey="nothingSelectedHint" components={{ kbd: <kbd /> }} />
        </EmptyState>
        <TopConsumers />
      </>
    );
  return (
    <>
      {body}
      <BulkBar />
    </>
  );
}
