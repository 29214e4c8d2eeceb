import { useEffect, useState } from 'react';
import { Spinner } from '../ui/Spinner';
import { useNow } from '../ui/useNow';
import { api } from './api';
import { signIn } from './login';

/** serve with team accounts: the sign-in form. A session that ended (expired, signed out elsewhere) says so. */
export function LoginScreen({ ended }: { ended: boolean }) {
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
        <h1>Sign in to VirtDeck</h1>
        {ended && (
          <p data-testid="login-ended" role="status">
            Your session has ended (signed out, idle too long, or the account was changed). Sign in again.
          </p>
        )}
        <div className="field">
          <label htmlFor="login-name">Account</label>
          <input id="login-name" autoComplete="username" spellCheck={false} value={name} onChange={(e) => setName(e.target.value)} required autoFocus data-testid="login-name" />
        </div>
        <div className="field">
          <label htmlFor="login-password">Password</label>
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
            {waitS > 0 ? `Too many failed sign-ins. Try again in ${waitS} s.` : error}
          </span>
        )}
        <button type="submit" disabled={busy || waitS > 0} data-testid="login-submit">
          {busy && <Spinner />}Sign in
        </button>
        <p className="muted small">The session stays in this tab only (session storage), never in a cookie. Ask an admin for an account.</p>
      </form>
    </main>
  );
}
