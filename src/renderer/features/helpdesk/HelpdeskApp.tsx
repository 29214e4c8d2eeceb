import { Trans, useTranslation } from 'react-i18next';
import { useUi } from '../../app/ui-store';
import { EmptyState, ErrorState, LoadingState } from '../../ui/States';
import { ConsolePanel, useQuickConsole } from '../consoles';
import { useDomainSummary } from '../domains/queries';
import { VmTitle } from '../domains/VmTitle';
import { VmToolbar } from '../domains/VmToolbar';
import { useHosts } from '../hosts/queries';
import { useSession } from '../session/queries';
import { UserMenu } from '../session/UserMenu';
import { Sidebar } from '../shell/Sidebar';
import { StatusBar } from '../shell/StatusBar';
import './helpdesk.css';

/**
 * The help-desk profile: the tree and consoles, nothing else. Help-desk
 * accounts always get it; anyone else may switch it on (a setting) to keep a
 * console desk uncluttered. It hides; the core is what refuses.
 */
export function HelpdeskApp() {
  const { t } = useTranslation('access');
  const selection = useUi((s) => s.selection);
  const setProfile = useUi((s) => s.setHelpdeskProfile);
  const openPalette = useQuickConsole((s) => s.setOpen);
  const forced = useSession().data?.role === 'helpdesk';
  return (
    <div className="app helpdesk" data-testid="helpdesk-app">
      <header className="topbar">
        <div className="brand">
          <img src="./favicon.svg" alt="" width={20} height={20} />
          <span>VirtDeck</span>
          <span className="badge">{t('helpdesk.consoles')}</span>
        </div>
        <div className="topbar-actions">
          <button type="button" onClick={() => openPalette(true)} title={t('helpdesk.quickTitle')} data-testid="helpdesk-quick-console">
            {t('helpdesk.quick')}
          </button>
          {!forced && (
            <button type="button" className="ghost" onClick={() => setProfile(false)} data-testid="helpdesk-profile-off">
              {t('helpdesk.leave')}
            </button>
          )}
          <UserMenu />
        </div>
      </header>
      <div className="app-body">
        <Sidebar />
        <main className="main-panel" aria-label={t('helpdesk.console')}>
          {selection.kind === 'domain' ? (
            <VmConsole key={`${selection.hostId}/${selection.uuid}`} hostId={selection.hostId} uuid={selection.uuid} />
          ) : (
            <EmptyState title={t('helpdesk.pick')} action={{ label: t('helpdesk.quick'), onClick: () => openPalette(true), testId: 'helpdesk-pick' }}>
              <Trans t={t} i18nKey="helpdesk.pickHint" components={{ kbd: <kbd /> }} />
            </EmptyState>
          )}
        </main>
      </div>
      <StatusBar />
    </div>
  );
}

/** What a console desk offers besides the screen, for any role (a help-desk account may do no more anyway). */
const DESK_ACTIONS = ['start', 'reboot'] as const;

function VmConsole({ hostId, uuid }: { hostId: string; uuid: string }) {
  const { t } = useTranslation('access');
  const host = useHosts().data?.find((h) => h.config.id === hostId);
  const connected = host?.state.status === 'connected';
  const { summary: vm, isPending, error, refetch } = useDomainSummary(hostId, uuid, connected);
  if (!host) return <EmptyState title={t('helpdesk.hostGone')} />;
  if (!connected) return <EmptyState title={t('helpdesk.notConnected', { name: host.config.name })}>{t('helpdesk.notConnectedHint')}</EmptyState>;
  if (isPending) return <LoadingState label={t('helpdesk.loading')} />;
  if (error) return <ErrorState title={t('helpdesk.readError')} error={error} onRetry={() => void refetch()} />;
  if (!vm) return <EmptyState title={t('helpdesk.vmGone')} />;
  const off = vm.state === 'shutoff' || vm.state === 'crashed';
  return (
    <div className="helpdesk-console" data-testid="helpdesk-console">
      <header className="page-head">
        <VmTitle vm={vm}>
          <span className="muted">{t('helpdesk.on', { host: host.config.name })}</span>
        </VmTitle>
        <VmToolbar vm={vm} only={DESK_ACTIONS} />
      </header>
      {off ? (
        <EmptyState title={t('helpdesk.off', { name: vm.name })}>{t('helpdesk.offHint')}</EmptyState>
      ) : (
        <ConsolePanel hostId={hostId} uuid={uuid} />
      )}
    </div>
  );
}
