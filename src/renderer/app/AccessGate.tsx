import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { Trans, useTranslation } from 'react-i18next';
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
  const { t } = useTranslation('shell');
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <main className="access-screen" data-testid="access-screen">
      <form
        className="access-card"
        onSubmit={(e) => {
          e.preventDefault();
          const token = tokenFromLink(text);
          if (!token) return setError(t('access.badLink'));
          setError(null);
          api.useToken(token);
        }}
      >
        <h1>VirtDeck</h1>
        {refused ? (
          <p data-testid="access-refused">
            <Trans t={t} i18nKey="access.refused" components={{ code: <code /> }} />
          </p>
        ) : (
          <p>
            <Trans t={t} i18nKey="access.noToken" components={{ code: <code /> }} />
          </p>
        )}
        <div className="field">
          <label htmlFor="access-link">{t('access.link')}</label>
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
          {t('access.connect')}
        </button>
        <p className="muted small">{t('access.note')}</p>
      </form>
    </main>
  );
}
