import { useTranslation } from 'react-i18next';
import { Sidebar } from '../features/shell/Sidebar';
import { MainPanel } from '../features/shell/MainPanel';
import { StatusBar } from '../features/shell/StatusBar';
import { TopBar } from '../features/shell/TopBar';
import { Toasts } from '../features/notifications/Toasts';
import { ConsoleWindow, QuickConsole, useConsoleRoute } from '../features/consoles';
import { AddHostDialog } from '../features/hosts/AddHostDialog';
import { PromptDialog } from '../features/hosts/PromptDialog';
import { TaskDrawer } from '../features/tasks/TaskDrawer';
import { MigrationLayer } from '../features/migration';
import { HelpdeskApp } from '../features/helpdesk/HelpdeskApp';
import { useActivityPing } from '../features/session/activity';
import { isHelpdesk, useCan, useSession } from '../features/session/queries';
import { ErrorState, LoadingState } from '../ui/States';
import { useUi } from './ui-store';

export function App() {
  // A console route (#/console/…, #/shell/…) is a page of its own, so it can live in its own tab or window.
  const consoleRoute = useConsoleRoute();
  const { t } = useTranslation(['shell', 'common']);
  const session = useSession();
  const profile = useUi((s) => s.helpdeskProfile);
  const can = useCan();
  useActivityPing(session.data?.mode === 'accounts');
  if (consoleRoute) return (
    <>
      <ConsoleWindow route={consoleRoute} />
      <MigrationLayer />
      <QuickConsole />
      <Toasts />
    </>
  );
  // The layout follows the role the core reports: wait for it rather than flash the wrong one.
  if (session.isPending) return <LoadingState label={t('common:connecting')} />;
  if (session.error) return <ErrorState title={t('common:coreUnreachable')} error={session.error} onRetry={() => void session.refetch()} />;
  if (isHelpdesk(session.data, profile)) return (
    <>
      <HelpdeskApp />
      <Toasts />
      <QuickConsole />
    </>
  );
  return (
    <div className="app">
      <TopBar />
      <div className="app-body">
        <Sidebar />
        <main className="main-panel" aria-label={t('details')}>
          <MainPanel />
        </main>
      </div>
      <StatusBar />
      <TaskDrawer />
      <Toasts />
      <QuickConsole />
      {/* Follows VMs that move hosts (page, console) and shows the migrate dialog above the pages. */}
      <MigrationLayer />
      {can.manageHosts && <AddHostDialog />}
      {/* Modals stack in the browser top layer in opening order, so a prompt raised while adding a host shows above the form. */}
      {can.manageHosts && <PromptDialog />}
    </div>
  );
}
