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

export function App() {
  // A console route (#/console/…, #/shell/…) is a page of its own, so it can live in its own tab or window.
  const consoleRoute = useConsoleRoute();
  const { t } = useTranslation('shell');
  if (consoleRoute) return (
    <>
      <ConsoleWindow route={consoleRoute} />
      <QuickConsole />
      <Toasts />
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
      <AddHostDialog />
      {/* Modals stack in the browser top layer in opening order, so a prompt raised while adding a host shows above the form. */}
      <PromptDialog />
    </div>
  );
}
