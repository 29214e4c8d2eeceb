import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import { api, request } from '../../app/api';
import type { LinkState } from '../../app/transport';
import { useHosts } from '../hosts/queries';
import { TaskStatusButton } from '../tasks/TaskStatusButton';

export function StatusBar() {
  const { t } = useTranslation('shell');
  // Read the current state too: the socket may have opened before this mounted.
  const [link, setLink] = useState<LinkState | 'ipc'>(api.linkState);
  useEffect(() => {
    setLink(api.linkState());
    return api.onLink(setLink);
  }, []);
  const info = useQuery({ queryKey: ['app', 'info'], queryFn: () => request('app.info', {}), staleTime: Infinity });
  const hosts = useHosts();
  const connected = hosts.data?.filter((h) => h.state.status === 'connected').length ?? 0;
  const total = hosts.data?.length ?? 0;
  const linkText = link === 'ipc' || link === 'open' ? t('link.open') : link === 'connecting' ? t('link.connecting') : link === 'unauthorized' ? t('link.unauthorized') : t('link.closed');
  return (
    <footer className="statusbar" role="status">
      <span className={`dot ${link === 'ipc' || link === 'open' ? 'ok' : link === 'closed' ? 'bad' : 'warn'}`} />
      <span data-testid="core-link">{linkText}</span>
      <span className="sep" />
      <span data-testid="host-count">
        {t('hostsConnected', { connected, total })}
      </span>
      <span className="sep" />
      <TaskStatusButton />
      <span className="grow" />
      {info.data && (
        <span data-testid="app-version">
          VirtDeck {info.data.version} · {info.data.mode}
        </span>
      )}
      {info.error && <span className="error-text">{t('coreError', { message: info.error.message })}</span>}
    </footer>
  );
}
