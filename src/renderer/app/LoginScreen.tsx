import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../i18n/format';
import { Spinner } from '../ui/Spinner';
import { useNow } from '../ui/useNow';
import { api } from './api';
import { signIn } from './login';

/** serve with team accounts: the sign-in form. A session that ended (expired, signed out elsewhere) says so. */
export function LoginScreen({ ended }: { ended: boolean }) {
  const { t } = useTranslation('access');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [waitUntil, setWaitUntil] = useState(0);
  const now = useNow(waitUntil > Date.now(), 250);
  const waitS = Math.max(0, Math.ceil((waitUntil - now) / 1000));
  useEffect(() => {
    if (waitUntil && waitS === 0) setError(null);
  }, [waitS, waitUntil]);

  return (
    <main className="access-screen" data-testid="login-screen">
      <form
        className="access-card"
        onSubmit={(e) => {
          e.preventDefault();
          if (busy || waitS > 0) return;
          setBusy(true);
          setError(null);
          void signIn(name, password).then((r) => {
            setBusy(false);
            if (r.ok) return api.useToken(r.token);
            setError(r.message);
            setPassword('');
            if (r.retryAfterMs) setWaitUntil(Date.now() + r.retryAfterMs);
          });
        }}
      >
        <h1>{t('login.title')}</h1>
        {ended && (
          <p data-testid="login-ended" role="status">
            {t('login.ended')}
          </p>
        )}
        <div className="field">
          <label htmlFor="login-name">{t('login.account')}</label>
          <input id="login-name" autoComplete="username" spellCheck={false} value={name} onChange={(e) => setName(e.target.value)} required autoFocus data-testid="login-name" />
        </div>
        <div className="field">
          <label htmlFor="login-password">{t('login.password')}</label>
          <input
            id="login-password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'login-error' : undefined}
            data-testid="login-password"
          />
        </div>
        {error && (
          <span className="field-error" id="login-error" role="alert" data-testid="login-error">
            {waitS > 0 ? t('login.wait', { s: formatNumber(waitS) }) : error}
          </span>
        )}
        <button type="submit" disabled={busy || waitS > 0} data-testid="login-submit">
          {busy && <Spinner />}
          {t('login.submit')}
        </button>
        <p className="muted small">{t('login.note')}</p>
      </form>
    </main>
  );
}
