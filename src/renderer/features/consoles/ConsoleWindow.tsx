import { useEffect } from 'react';
import { useDomainSummary } from '../domains/queries';
import { ConsolePanel } from './ConsolePanel';
import { HostShell } from './HostShell';
import { openConsole, type ConsoleRoute } from './route';
import './consoles.css';
import { useTranslation } from 'react-i18next';

/**
 * The page for a console route (#/console/<host>/<uuid>, #/shell/<host>):
 * the console fills the window, so it works as its own tab or window.
 */
export function ConsoleWindow({ route }: { route: ConsoleRoute }) {
  const { t } = useTranslation('consoles');
  const isDomain = route.kind === 'domain';
  const { summary } = useDomainSummary(route.hostId, isDomain ? route.uuid : '', isDomain);
  const title = isDomain ? (summary?.name ?? t('panel.console')) : t('shellOn', { host: route.hostId });
  useEffect(() => {
    const before = document.title;
    document.title = `${title} — VirtDeck`;
    return () => {
      document.title = before;
    };
  }, [title]);
  return (
    <div className="console-window">
      <header className="console-window-head">
        <a href="#/" className="console-back" data-testid="console-back">
          ← VirtDeck
        </a>
        <h1>{title}</h1>
        <span className="console-host">{route.hostId}</span>
        {summary && <span className={`console-state state-${summary.state}`}>{summary.state}</span>}
      </header>
      <div className="console-window-body">
        {route.kind === 'domain' ? (
          <ConsolePanel hostId={route.hostId} uuid={route.uuid} view={route.view} onView={(view) => openConsole({ ...route, view }, 'here')} />
        ) : (
          <HostShell key={route.hostId} hostId={route.hostId} />
        )}
      </div>
    </div>
  );
}
