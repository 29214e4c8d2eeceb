import { useEffect, useState, type ReactNode } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { tokenFromLink } from '../../shared/ipc/access';
import { api } from './api';
import type { LinkState } from './transport';
import './access.css';

/**
 * Serve mode without a usable access token (a fresh tab, or serve restarted
 * with a new one): say so and take the printed link, instead of an app whose
 * every call fails. Electron never sees this (its link state is 'ipc').
 */
export function AccessGate({ children }: { children: ReactNode }) {
  const [link, setLink] = useState<LinkState | 'ipc'>(api.linkState);
  useEffect(() => {
    setLink(api.linkState());
    return api.onLink(setLink);
  }, []);
  if (link !== 'unauthorized') return <>{children}</>;
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
