import { useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { ALL_HOSTS, PASSWORD_MIN, type Account } from '../../../shared/model/account';
import { ApiError } from '../../app/api';
import { i18n } from '../../i18n';
import { formatDateTime } from '../../i18n/format';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { Modal } from '../../ui/Modal';
import { EmptyState, ErrorState, LoadingState } from '../../ui/States';
import { useSession } from '../session/queries';
import { AccountForm } from './AccountForm';
import { useAccounts, useCreateAccount, useEndSessions, useRemoveAccount, useResetPassword, useUpdateAccount } from './queries';
import './accounts.css';

const scopeText = (a: Account) => {
  const t = i18n.t.bind(i18n);
  const sep = t('common:format.listSep');
  return a.role === 'admin'
    ? t('access:accounts.scope.everything')
    : [a.hosts.includes(ALL_HOSTS) ? t('access:accounts.scope.allHosts') : a.hosts.length ? a.hosts.join(sep) : '', a.tags.length ? t('access:accounts.scope.tags', { tags: a.tags.join(sep) }) : '']
        .filter(Boolean)
        .join(t('access:accounts.scope.sep')) || t('access:accounts.scope.nothing');
};

const errorText = (e: unknown) => (e instanceof ApiError ? e.message : e ? String(e) : null);

/** serve's team accounts, for admins: create, change role and scope, disable, reset passwords, sign out everywhere. */
export function AccountsPage() {
  const { t } = useTranslation('access');
  const accounts = useAccounts();
  const session = useSession().data;
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Account | null>(null);
  const [resetting, setResetting] = useState<Account | null>(null);
  const [removing, setRemoving] = useState<Account | null>(null);
  const update = useUpdateAccount();
  const end = useEndSessions();
  const remove = useRemoveAccount();
  const tokenMode = session?.mode === 'token';
  const rowError = errorText(update.error) ?? errorText(end.error) ?? errorText(remove.error);

  return (
    <div className="page accounts-page" data-testid="accounts-page">
      <div className="page-head">
        <div className="page-title">
          <h1>{t('accounts.title')}</h1>
        </div>
        <div className="page-sub">{t('accounts.sub')}</div>
        {tokenMode && (
          <div className="banner" data-testid="accounts-token-mode">
            <Trans t={t} i18nKey="accounts.tokenMode" components={{ b: <strong />, c: <code /> }} />
          </div>
        )}
        <div className="toolbar">
          <button type="button" onClick={() => setCreating(true)} data-testid="account-new">
            {t('accounts.new')}
          </button>
        </div>
      </div>
      {rowError && (
        <div className="banner bad" role="alert">
          {rowError}
        </div>
      )}
      {accounts.isPending && <LoadingState label={t('accounts.loading')} />}
      {accounts.error && <ErrorState title={t('accounts.loadError')} error={accounts.error} onRetry={() => void accounts.refetch()} />}
      {accounts.data?.length === 0 && <EmptyState title={t('accounts.none')}>{t('accounts.noneHint')}</EmptyState>}
      {!!accounts.data?.length && (
        <table className="table accounts-table">
          <thead>
            <tr>
              <th>{t('accounts.col.account')}</th>
              <th>{t('accounts.col.role')}</th>
              <th>{t('accounts.col.scope')}</th>
              <th>{t('accounts.col.sessions')}</th>
              <th>{t('accounts.col.lastLogin')}</th>
              <th aria-label={t('accounts.col.actions')} />
            </tr>
          </thead>
          <tbody>
            {accounts.data.map((a) => (
              <tr key={a.name} className={a.disabled ? 'disabled' : ''} data-testid="account-row" data-name={a.name}>
                <td>
                  <strong translate="no">{a.name}</strong>
                  {a.name === session?.user && <span className="muted small"> {t('accounts.you')}</span>}
                  {a.disabled && <span className="badge">{t('accounts.disabled')}</span>}
                </td>
                <td>{t(`role.${a.role}`)}</td>
                <td>{scopeText(a)}</td>
                <td>{a.sessions}</td>
                <td>{a.lastLoginAt ? formatDateTime(a.lastLoginAt) : t('accounts.never')}</td>
                <td className="row-actions">
                  <button type="button" className="small ghost" onClick={() => setEditing(a)} data-testid="account-edit">
                    {t('accounts.edit')}
                  </button>
                  <button type="button" className="small ghost" onClick={() => setResetting(a)} data-testid="account-reset">
                    {t('accounts.resetPassword')}
                  </button>
                  <button type="button" className="small ghost" disabled={update.isPending} onClick={() => update.mutate({ name: a.name, patch: { disabled: !a.disabled } })} data-testid="account-toggle">
                    {a.disabled ? t('accounts.enable') : t('accounts.disable')}
                  </button>
                  <button type="button" className="small ghost" disabled={!a.sessions || end.isPending} onClick={() => end.mutate({ name: a.name })} data-testid="account-end-sessions">
                    {t('accounts.endSessions')}
                  </button>
                  <button type="button" className="small ghost danger-text" onClick={() => setRemoving(a)} data-testid="account-remove">
                    {t('accounts.remove')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {creating && <CreateDialog onClose={() => setCreating(false)} />}
      {editing && <EditDialog account={editing} onClose={() => setEditing(null)} />}
      {resetting && <ResetDialog account={resetting} onClose={() => setResetting(null)} />}
      {removing && (
        <ConfirmDialog
          title={t('accounts.removeTitle', { name: removing.name })}
          confirmLabel={t('accounts.removeConfirm')}
          danger
          busy={remove.isPending}
          onCancel={() => setRemoving(null)}
          onConfirm={() => remove.mutate({ name: removing.name }, { onSettled: () => setRemoving(null) })}
        >
          <p>{t('accounts.removeBody', { name: removing.name })}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}

function CreateDialog({ onClose }: { onClose(): void }) {
  const { t } = useTranslation('access');
  const create = useCreateAccount();
  return (
    <Modal title={t('accounts.createTitle')} onClose={onClose} busy={create.isPending} testId="account-create-dialog">
      <AccountForm busy={create.isPending} submitLabel={t('accounts.createSubmit')} onSubmit={(d) => create.mutate(d, { onSuccess: onClose })} />
      {create.error && (
        <p className="error-text" role="alert">
          {errorText(create.error)}
        </p>
      )}
    </Modal>
  );
}

function EditDialog({ account, onClose }: { account: Account; onClose(): void }) {
  const { t } = useTranslation('access');
  const update = useUpdateAccount();
  return (
    <Modal title={t('accounts.editTitle', { name: account.name })} onClose={onClose} busy={update.isPending} testId="account-edit-dialog">
      <p className="muted">{t('accounts.editNote', { name: account.name })}</p>
      <AccountForm
        initial={account}
        busy={update.isPending}
        submitLabel={t('accounts.save')}
        onSubmit={(d) => update.mutate({ name: account.name, patch: { role: d.role, hosts: d.hosts, tags: d.tags } }, { onSuccess: onClose })}
      />
      {update.error && (
        <p className="error-text" role="alert">
          {errorText(update.error)}
        </p>
      )}
    </Modal>
  );
}

function ResetDialog({ account, onClose }: { account: Account; onClose(): void }) {
  const { t } = useTranslation('access');
  const reset = useResetPassword();
  const [pw, setPw] = useState('');
  const [again, setAgain] = useState('');
  const mismatch = again.length > 0 && again !== pw;
  return (
    <Modal title={t('accounts.resetTitle', { name: account.name })} onClose={onClose} size="small" busy={reset.isPending} testId="account-reset-dialog">
      <form
        className="account-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!mismatch) reset.mutate({ name: account.name, password: pw }, { onSuccess: onClose });
        }}
      >
        <p className="muted">{t('accounts.resetNote', { name: account.name })}</p>
        <div className="field">
          <label htmlFor="reset-pw">{t('accounts.newPassword')}</label>
          <input id="reset-pw" type="password" autoComplete="new-password" minLength={PASSWORD_MIN} value={pw} onChange={(e) => setPw(e.target.value)} required />
        </div>
        <div className="field">
          <label htmlFor="reset-pw2">{t('accounts.again')}</label>
          <input id="reset-pw2" type="password" autoComplete="new-password" value={again} onChange={(e) => setAgain(e.target.value)} required aria-invalid={mismatch || undefined} />
          {mismatch && <span className="field-error">{t('accounts.mismatch')}</span>}
        </div>
        {reset.error && (
          <p className="error-text" role="alert">
            {errorText(reset.error)}
          </p>
        )}
        <button type="submit" disabled={reset.isPending || mismatch}>
          {t('accounts.resetPassword')}
        </button>
      </form>
    </Modal>
  );
}
