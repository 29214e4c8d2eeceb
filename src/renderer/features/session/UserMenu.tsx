import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PASSWORD_MIN, type SessionInfo } from '../../../shared/model/account';
import { ApiError } from '../../app/api';
import { formatNumber, formatTime } from '../../i18n/format';
import { Modal } from '../../ui/Modal';
import { Spinner } from '../../ui/Spinner';
import { useChangePassword, useSession, useSignOut } from './queries';
import './session.css';

/** Accounts mode: who is signed in, with sign-out; the account dialog changes the password or signs out everywhere. */
export function UserMenu() {
  const { t } = useTranslation('access');
  const { data } = useSession();
  const signOut = useSignOut();
  const [open, setOpen] = useState(false);
  if (data?.mode !== 'accounts') return null;
  return (
    <div className="user-menu">
      <button type="button" className="ghost" onClick={() => setOpen(true)} title={t('session.menuTitle')} data-testid="user-menu" data-user={data.user} data-role={data.role}>
        <span className="user-name" translate="no">
          {data.user}
        </span>
        <span className="badge role-badge">{t(`role.${data.role}`)}</span>
      </button>
      <button type="button" className="ghost" onClick={() => signOut.mutate(false)} disabled={signOut.isPending} data-testid="sign-out">
        {t('session.signOut')}
      </button>
      {open && <AccountDialog session={data} onClose={() => setOpen(false)} />}
    </div>
  );
}

const time = (at: number | undefined) => (at ? formatTime(at) : '—');

function AccountDialog({ session, onClose }: { session: SessionInfo; onClose(): void }) {
  const { t } = useTranslation(['access', 'common']);
  const signOut = useSignOut();
  const change = useChangePassword();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const mismatch = again.length > 0 && again !== next;
  const sep = t('common:format.listSep');
  const scope =
    session.role === 'admin'
      ? t('session.scopeEverything')
      : [
          session.hosts.includes('*') ? t('session.scopeAllHosts') : session.hosts.length ? t('session.scopeHosts', { hosts: session.hosts.join(sep) }) : '',
          session.tags.length ? t('session.scopeTags', { tags: session.tags.join(sep) }) : '',
        ]
          .filter(Boolean)
          .join(t('session.scopeSep')) || t('session.scopeNothing');
  return (
    <Modal title={t('session.signedInAs', { user: session.user })} onClose={onClose} size="small" testId="account-dialog">
      <dl className="kv">
        <dt>{t('session.role')}</dt>
        <dd>{t(`role.${session.role}`)}</dd>
        <dt>{t('session.scope')}</dt>
        <dd>{scope}</dd>
        <dt>{t('session.ends')}</dt>
        <dd>{t('session.endsText', { time: time(session.expiresAt), n: session.idleMinutes === undefined ? '' : formatNumber(session.idleMinutes) })}</dd>
      </dl>
      <form
        className="section password-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (mismatch) return;
          change.mutate({ current, password: next }, { onSuccess: () => (setCurrent(''), setNext(''), setAgain('')) });
        }}
      >
        <h2>{t('session.change')}</h2>
        <div className="field">
          <label htmlFor="pw-current">{t('session.current')}</label>
          <input id="pw-current" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} required />
        </div>
        <div className="field">
          <label htmlFor="pw-new">{t('session.newPassword')}</label>
          <input id="pw-new" type="password" autoComplete="new-password" minLength={PASSWORD_MIN} value={next} onChange={(e) => setNext(e.target.value)} required />
        </div>
        <div className="field">
          <label htmlFor="pw-again">{t('session.again')}</label>
          <input id="pw-again" type="password" autoComplete="new-password" value={again} onChange={(e) => setAgain(e.target.value)} required aria-invalid={mismatch || undefined} />
          {mismatch && <span className="field-error">{t('session.mismatch')}</span>}
        </div>
        {change.error && (
          <p className="error-text" role="alert">
            {change.error instanceof ApiError ? change.error.message : String(change.error)}
          </p>
        )}
        {change.isSuccess && <p role="status">{t('session.changed')}</p>}
        <button type="submit" disabled={change.isPending || mismatch}>
          {change.isPending && <Spinner />}
          {t('session.change')}
        </button>
      </form>
      <div className="section">
        <h2>{t('session.others')}</h2>
        <p className="muted">{t('session.othersHint')}</p>
        <button type="button" className="danger" onClick={() => signOut.mutate(true)} disabled={signOut.isPending} data-testid="sign-out-everywhere">
          {t('session.everywhere')}
        </button>
      </div>
    </Modal>
  );
}
