import { useState } from 'react';
import { ALL_HOSTS, PASSWORD_MIN, ROLE_LABELS, type Account } from '../../../shared/model/account';
import { ApiError } from '../../app/api';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { Modal } from '../../ui/Modal';
import { EmptyState, ErrorState, LoadingState } from '../../ui/States';
import { useSession } from '../session/queries';
import { AccountForm } from './AccountForm';
import { useAccounts, useCreateAccount, useEndSessions, useRemoveAccount, useResetPassword, useUpdateAccount } from './queries';
import './accounts.css';

const scopeText = (a: Account) =>
  a.role === 'admin'
    ? 'Everything'
    : [a.hosts.includes(ALL_HOSTS) ? 'All hosts' : a.hosts.length ? a.hosts.join(', ') : '', a.tags.length ? `tags: ${a.tags.join(', ')}` : ''].filter(Boolean).join(' · ') || 'Nothing yet';

const errorText = (e: unknown) => (e instanceof ApiError ? e.message : e ? String(e) : null);

/** serve's team accounts, for admins: create, change role and scope, disable, reset passwords, sign out everywhere. */
export function AccountsPage() {
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
          <h1>Accounts</h1>
        </div>
        <div className="page-sub">Who may sign in to this VirtDeck, with which role, and which hosts and VMs each account may use.</div>
        {tokenMode && (
          <div className="banner" data-testid="accounts-token-mode">
            <strong>Sign-in is off:</strong> this VirtDeck takes the access link <code>virtdeck serve</code> printed. Creating an enabled admin account turns
            sign-in on for everyone at once: this window then asks you to sign in, and the access link stops working.
          </div>
        )}
        <div className="toolbar">
          <button type="button" onClick={() => setCreating(true)} data-testid="account-new">
            New account
          </button>
        </div>
      </div>
      {rowError && (
        <div className="banner bad" role="alert">
          {rowError}
        </div>
      )}
      {accounts.isPending && <LoadingState label="Loading accounts…" />}
      {accounts.error && <ErrorState title="Could not load the accounts" error={accounts.error} onRetry={() => void accounts.refetch()} />}
      {accounts.data?.length === 0 && <EmptyState title="No accounts yet">Create an admin account first: it turns sign-in on.</EmptyState>}
      {!!accounts.data?.length && (
        <table className="table accounts-table">
          <thead>
            <tr>
              <th>Account</th>
              <th>Role</th>
              <th>May use</th>
              <th>Sessions</th>
              <th>Last sign-in</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {accounts.data.map((a) => (
              <tr key={a.name} className={a.disabled ? 'disabled' : ''} data-testid="account-row" data-name={a.name}>
                <td>
                  <strong>{a.name}</strong>
                  {a.name === session?.user && <span className="muted small"> (you)</span>}
                  {a.disabled && <span className="badge">disabled</span>}
                </td>
                <td>{ROLE_LABELS[a.role]}</td>
                <td>{scopeText(a)}</td>
                <td>{a.sessions}</td>
                <td>{a.lastLoginAt ? new Date(a.lastLoginAt).toLocaleString() : 'never'}</td>
                <td className="row-actions">
                  <button type="button" className="small ghost" onClick={() => setEditing(a)} data-testid="account-edit">
                    Edit
                  </button>
                  <button type="button" className="small ghost" onClick={() => setResetting(a)} data-testid="account-reset">
                    Reset password
                  </button>
                  <button type="button" className="small ghost" disabled={update.isPending} onClick={() => update.mutate({ name: a.name, patch: { disabled: !a.disabled } })} data-testid="account-toggle">
                    {a.disabled ? 'Enable' : 'Disable'}
                  </button>
                  <button type="button" className="small ghost" disabled={!a.sessions || end.isPending} onClick={() => end.mutate({ name: a.name })} data-testid="account-end-sessions">
                    Sign out everywhere
                  </button>
                  <button type="button" className="small ghost danger-text" onClick={() => setRemoving(a)} data-testid="account-remove">
                    Remove…
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
          title={`Remove ${removing.name}?`}
          confirmLabel="Remove account"
          danger
          busy={remove.isPending}
          onCancel={() => setRemoving(null)}
          onConfirm={() => remove.mutate({ name: removing.name }, { onSettled: () => setRemoving(null) })}
        >
          <p>
            {removing.name} is signed out everywhere and can no longer sign in. Its entries in the audit log stay. To keep the account but stop its use,
            disable it instead.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}

function CreateDialog({ onClose }: { onClose(): void }) {
  const create = useCreateAccount();
  return (
    <Modal title="New account" onClose={onClose} busy={create.isPending} testId="account-create-dialog">
      <AccountForm busy={create.isPending} submitLabel="Create account" onSubmit={(d) => create.mutate(d, { onSuccess: onClose })} />
      {create.error && (
        <p className="error-text" role="alert">
          {errorText(create.error)}
        </p>
      )}
    </Modal>
  );
}

function EditDialog({ account, onClose }: { account: Account; onClose(): void }) {
  const update = useUpdateAccount();
  return (
    <Modal title={`Edit ${account.name}`} onClose={onClose} busy={update.isPending} testId="account-edit-dialog">
      <p className="muted">Saving signs {account.name} out everywhere, so every open window starts over with the new rights.</p>
      <AccountForm
        initial={account}
        busy={update.isPending}
        submitLabel="Save"
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
  const reset = useResetPassword();
  const [pw, setPw] = useState('');
  const [again, setAgain] = useState('');
  const mismatch = again.length > 0 && again !== pw;
  return (
    <Modal title={`Reset the password of ${account.name}`} onClose={onClose} size="small" busy={reset.isPending} testId="account-reset-dialog">
      <form
        className="account-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!mismatch) reset.mutate({ name: account.name, password: pw }, { onSuccess: onClose });
        }}
      >
        <p className="muted">{account.name} is signed out everywhere; tell them the new password another way.</p>
        <div className="field">
          <label htmlFor="reset-pw">New password</label>
          <input id="reset-pw" type="password" autoComplete="new-password" minLength={PASSWORD_MIN} value={pw} onChange={(e) => setPw(e.target.value)} required />
        </div>
        <div className="field">
          <label htmlFor="reset-pw2">Again</label>
          <input id="reset-pw2" type="password" autoComplete="new-password" value={again} onChange={(e) => setAgain(e.target.value)} required aria-invalid={mismatch || undefined} />
          {mismatch && <span className="field-error">The two passwords differ.</span>}
        </div>
        {reset.error && (
          <p className="error-text" role="alert">
            {errorText(reset.error)}
          </p>
        )}
        <button type="submit" disabled={reset.isPending || mismatch}>
          Reset password
        </button>
      </form>
    </Modal>
  );
}
