import { useEffect, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api, request } from '../../app/api';
import type { LinkState } from '../../app/transport';
import { useHosts } from '../hosts/queries';
import { TaskStatusButton } from '../tasks/TaskStatusButton';

export function StatusBar() {
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
  const linkText = link === 'ipc' || link === 'open' ? 'Core connected' : link === 'connecting' ? 'Connecting to core…' : link === 'unauthorized' ? 'Access token refused' : 'Core unreachable, retrying';
  return (
    <footer className="statusbar" role="status">
      <span className={`dot ${link === 'ipc' || link === 'open' ? 'ok' : link === 'closed' ? 'bad' : 'warn'}`} />
      <span data-testid="core-link">{linkText}</span>
      <span className="sep" />
      <span data-testid="host-count">
        {connected}/{total} hosts connected
      </span>
      <span className="sep" />
      <TaskStatusButton />
      <span className="grow" />
      {info.data && (
        <span data-testid="app-version">
          VirtDeck {info.data.version} · {info.data.mode}
        </span>
      )}
      {info.error && <span className="error-text">Core error: {info.error.message}</span>}
    </footer>
  );
}
