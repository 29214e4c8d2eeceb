import { Sidebar } from '../features/shell/Sidebar';
import { MainPanel } from '../features/shell/MainPanel';
import { StatusBar } from '../features/shell/StatusBar';
import { TopBar } from '../features/shell/TopBar';
import { Toasts } from '../features/notifications/Toasts';

export function App() {
  return (
    <div className="app">
      <TopBar />
      <div className="app-body">
        <Sidebar />
        <main className="main-panel" aria-label="Details">
          <MainPanel />
        </main>
      </div>
      <StatusBar />
      <Toasts />
    </div>
  );
}
