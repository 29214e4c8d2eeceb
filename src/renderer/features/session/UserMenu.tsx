import { useState } from 'react';
import { ROLE_LABELS, PASSWORD_MIN, type SessionInfo } from '../../../shared/model/account';
import { ApiError } from '../../app/api';
import { Modal } from '../../ui/Modal';
import { Spinner } from '../../ui/Spinner';
import { useChangePassword, useSession, useSignOut } from './queries';
import './session.css';

/** Accounts mode: who is signed in, with sign-out; the account dialog changes the password or signs out everywhere. */
export function UserMenu() {
  const { data } = useSession();
  const signOut = useSignOut();
  const [open, setOpen] = useState(false);
  if (data?.mode !== 'accounts') return null;
  return (
    <div className="user-menu">
      <button type="button" className="ghost" onClick={() => setOpen(true)} title="Your account and session" data-testid="user-menu" data-user={data.user} data-role={data.role}>
        <span className="user-name">{data.user}</span>
        <span className="badge role-badge">{ROLE_LABELS[data.role]}</span>
      </button>
      <button type="button" className="ghost" onClick={() => signOut.mutate(false)} disabled={signOut.isPending} data-testid="sign-out">
        Sign out
      </button>
      {open && <AccountDialog session={data} onClose={() => setOpen(false)} />}
    </div>
  );
}

const time = (t: number | undefined) => (t ? new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : '—');

function AccountDialog({ session, onClose }: { session: SessionInfo; onClose(): void }) {
  const signOut = useSignOut();
  const change = useChangePassword();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const mismatch = again.length > 0 && again !== next;
  const scope = session.role === 'admin' ? 'Everything' : [session.hosts.includes('*') ? 'all hosts' : session.hosts.length ? `hosts ${session.hosts.join(', ')}` : '', session.tags.length ? `VMs tagged ${session.tags.join(', ')}` : ''].filter(Boolean).join('; ') || 'Nothing yet: ask an admin';
  return (
    <Modal title={`Signed in as ${session.user}`} onClose={onClose} size="small" testId="account-dialog">
      <dl className="kv">
        <dt>Role</dt>
        <dd>{ROLE_LABELS[session.role]}</dd>
        <dt>May use</dt>
        <dd>{scope}</dd>
        <dt>Session ends</dt>
        <dd>
          at {time(session.expiresAt)} at the latest, or after {session.idleMinutes} minutes without use
        </dd>
      </dl>
      <form
        className="section password-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (mismatch) return;
          change.mutate({ current, password: next }, { onSuccess: () => (setCurrent(''), setNext(''), setAgain('')) });
        }}
      >
        <h2>Change password</h2>
        <div className="field">
          <label htmlFor="pw-current">Current password</label>
          <input id="pw-current" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} required />
        </div>
        <div className="field">
          <label htmlFor="pw-new">New password</label>
          <input id="pw-new" type="password" autoComplete="new-password" minLength={PASSWORD_MIN} value={next} onChange={(e) => setNext(e.target.value)} required />
        </div>
        <div className="field">
          <label htmlFor="pw-again">New password again</label>
          <input id="pw-again" type="password" autoComplete="new-password" value={again} onChange={(e) => setAgain(e.target.value)} required aria-invalid={mismatch || undefined} />
          {mismatch && <span className="field-error">The two new passwords differ.</span>}
        </div>
        {change.error && (
          <p className="error-text" role="alert">
            {change.error instanceof ApiError ? change.error.message : String(change.error)}
          </p>
        )}
        {change.isSuccess && <p role="status">Password changed. Your other sessions were signed out.</p>}
        <button type="submit" disabled={change.isPending || mismatch}>
          {change.isPending && <Spinner />}Change password
        </button>
      </form>
      <div className="section">
        <h2>Other browsers</h2>
        <p className="muted">Signs this account out in every browser and tab, and closes the consoles they opened.</p>
        <button type="button" className="danger" onClick={() => signOut.mutate(true)} disabled={signOut.isPending} data-testid="sign-out-everywhere">
          Sign out everywhere
        </button>
      </div>
    </Modal>
  );
}
