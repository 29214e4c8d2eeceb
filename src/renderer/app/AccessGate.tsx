import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { tokenFromLink } from '../../shared/ipc/access';
import { useNotifications } from '../features/notifications/store';
import { Spinner } from '../ui/Spinner';
import { api } from './api';
import { accessMode } from './login';
import { LoginScreen } from './LoginScreen';
import type { LinkState } from './transport';
import { useUi } from './ui-store';
import './access.css';

/**
 * Serve mode without a usable credential (a fresh tab, serve restarted with a
 * new token, a session that ended): the sign-in form when serve has team
 * accounts, else the access-link form, instead of an app whose every call
 * fails. Electron never sees this (its link state is 'ipc').
 */
export function AccessGate({ children }: { children: ReactNode }) {
  const [link, setLink] = useState<LinkState | 'ipc'>(api.linkState);
  const [mode, setMode] = useState<'token' | 'accounts' | 'unknown' | null>(null);
  const qc = useQueryClient();
  useEffect(() => {
    setLink(api.linkState());
    return api.onLink(setLink);
  }, []);
  useEffect(() => {
    if (link !== 'unauthorized') return;
    // Whatever was cached belongs to the identity that just went away.
    qc.clear();
    useUi.getState().select({ kind: 'none' });
    useNotifications.setState({ items: [] });
    let live = true;
    setMode(null);
    void accessMode().then((m) => live && setMode(m));
    return () => {
      live = false;
    };
  }, [link, qc]);
  if (link !== 'unauthorized') return <>{children}</>;
  if (mode === null)
    return (
      <main className="access-screen" aria-busy>
        <Spinner />
      </main>
    );
  if (mode === 'accounts') return <LoginScreen ended={api.accessRefused()} />;
  return <AccessScreen refused={api.accessRefused()} />;
}

function AccessScreen({ refused }: { refused: boolean }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <main className="access-screen" data-testid="access-screen">
      <form
        className="access-card"
        onSubmit={(e) => {
          e.preventDefault();
          const token = tokenFromLink(text);
          if (!token) return setError('That is not a VirtDeck access link: it ends in #token= followed by the token.');
          setError(null);
          api.useToken(token);
        }}
      >
        <h1>VirtDeck</h1>
        {refused ? (
          <p data-testid="access-refused">
            The core refused this tab’s access token. <code>virtdeck serve</code> makes a new one each time it starts: open the link it printed
            last.
          </p>
        ) : (
          <p>
            This tab has no access token. Open the link <code>virtdeck serve</code> printed (it ends in <code>#token=…</code>), or paste it here.
          </p>
        )}
        <div className="field">
          <label htmlFor="access-link">Access link</label>
          <input
            id="access-link"
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={text}
            onChange={(e) => setText(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'access-error' : undefined}
            placeholder="http://127.0.0.1:7420/#token=…"
            data-testid="access-link"
            autoFocus
          />
          {error && (
            <span className="field-error" id="access-error" role="alert">
              {error}
            </span>
          )}
        </div>
        <button type="submit" data-testid="access-connect">
          Connect
        </button>
        <p className="muted small">The token stays in this tab only (session storage); it is never stored in a cookie or sent to another site.</p>
      </form>
    </main>
  );
}
