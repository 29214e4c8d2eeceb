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
          <span className="badge">Consoles</span>
        </div>
        <div className="topbar-actions">
          <button type="button" onClick={() => openPalette(true)} title="Ctrl+Shift+K from anywhere" data-testid="helpdesk-quick-console">
            Quick console
          </button>
          {!forced && (
            <button type="button" className="ghost" onClick={() => setProfile(false)} data-testid="helpdesk-profile-off">
              Leave help-desk profile
            </button>
          )}
          <UserMenu />
        </div>
      </header>
      <div className="app-body">
        <Sidebar />
        <main className="main-panel" aria-label="Console">
          {selection.kind === 'domain' ? (
            <VmConsole key={`${selection.hostId}/${selection.uuid}`} hostId={selection.hostId} uuid={selection.uuid} />
          ) : (
            <EmptyState title="Pick a virtual machine" action={{ label: 'Quick console', onClick: () => openPalette(true), testId: 'helpdesk-pick' }}>
              Choose a VM on the left to see its screen, or press <kbd>Ctrl</kbd>+<kbd>Shift</kbd>+<kbd>K</kbd> and type a few letters of its name.
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
  const host = useHosts().data?.find((h) => h.config.id === hostId);
  const connected = host?.state.status === 'connected';
  const { summary: vm, isPending, error, refetch } = useDomainSummary(hostId, uuid, connected);
  if (!host) return <EmptyState title="This host is no longer shared with you" />;
  if (!connected) return <EmptyState title={`${host.config.name} is not connected`}>Its consoles come back when VirtDeck reconnects to it.</EmptyState>;
  if (isPending) return <LoadingState label="Loading…" />;
  if (error) return <ErrorState title="Could not read this VM" error={error} onRetry={() => void refetch()} />;
  if (!vm) return <EmptyState title="This VM is gone, or no longer shared with you" />;
  const off = vm.state === 'shutoff' || vm.state === 'crashed';
  return (
    <div className="helpdesk-console" data-testid="helpdesk-console">
      <header className="page-head">
        <VmTitle vm={vm}>
          <span className="muted">on {host.config.name}</span>
        </VmTitle>
        <VmToolbar vm={vm} only={DESK_ACTIONS} />
      </header>
      {off ? (
        <EmptyState title={`${vm.name} is off`}>Start it to see its screen.</EmptyState>
      ) : (
        <ConsolePanel hostId={hostId} uuid={uuid} />
      )}
    </div>
  );
}
