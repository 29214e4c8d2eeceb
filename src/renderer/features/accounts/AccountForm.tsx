import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ALL_HOSTS, PASSWORD_MIN, ROLES, type Account, type Role } from '../../../shared/model/account';
import { useHosts } from '../hosts/queries';

export interface AccountDraft {
  name: string;
  role: Role;
  hosts: string[];
  tags: string[];
  password: string;
}

const splitTags = (s: string) => [...new Set(s.split(',').map((t) => t.trim()).filter(Boolean))];

/** Name, role, scope (hosts and tags) and, for a new account, the password. */
export function AccountForm({ initial, onSubmit, busy, submitLabel }: { initial?: Account; onSubmit(d: AccountDraft): void; busy: boolean; submitLabel: string }) {
  const { t } = useTranslation('access');
  const hosts = useHosts().data ?? [];
  const [name, setName] = useState(initial?.name ?? '');
  const [role, setRole] = useState<Role>(initial?.role ?? 'helpdesk');
  const [allHosts, setAllHosts] = useState(initial ? initial.hosts.includes(ALL_HOSTS) : false);
  const [picked, setPicked] = useState<string[]>(initial?.hosts.filter((h) => h !== ALL_HOSTS) ?? []);
  const [tags, setTags] = useState(initial?.tags.join(', ') ?? '');
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const mismatch = !initial && again.length > 0 && again !== password;
  const known = new Set(hosts.map((h) => h.config.id));
  // Hosts the account names that are not configured (removed, or added later) stay listed.
  const choices = [...hosts.map((h) => ({ id: h.config.id, name: h.config.name })), ...picked.filter((h) => !known.has(h)).map((id) => ({ id, name: t('form.notConfigured', { id }) }))];
  return (
    <form
      className="account-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (mismatch) return;
        onSubmit({ name: name.trim(), role, hosts: allHosts ? [ALL_HOSTS] : picked, tags: splitTags(tags), password });
      }}
      data-testid="account-form"
    >
      {!initial && (
        <div className="field">
          <label htmlFor="acct-name">{t('form.name')}</label>
          <input id="acct-name" value={name} onChange={(e) => setName(e.target.value)} required pattern="[A-Za-z0-9][A-Za-z0-9._\-]{0,63}" autoComplete="off" spellCheck={false} data-testid="account-name" />
        </div>
      )}
      <fieldset className="field role-choice">
        <legend>{t('form.role')}</legend>
        {ROLES.map((r) => (
          <label key={r} className="radio">
            <input type="radio" name="role" value={r} checked={role === r} onChange={() => setRole(r)} data-testid={`account-role-${r}`} />
            <span>
              <strong>{t(`role.${r}`)}</strong> <span className="muted small">{t(`form.roleHelp.${r}`)}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {role !== 'admin' && (
        <>
          <fieldset className="field">
            <legend>{t('form.hosts')}</legend>
            <label className="check">
              <input type="checkbox" checked={allHosts} onChange={(e) => setAllHosts(e.target.checked)} data-testid="account-all-hosts" /> {t('form.allHosts')}
            </label>
            {!allHosts &&
              choices.map((h) => (
                <label key={h.id} className="check">
                  <input type="checkbox" checked={picked.includes(h.id)} onChange={(e) => setPicked((p) => (e.target.checked ? [...p, h.id] : p.filter((x) => x !== h.id)))} data-testid={`account-host-${h.id}`} />{' '}
                  {h.name}
                </label>
              ))}
          </fieldset>
          <div className="field">
            <label htmlFor="acct-tags">{t('form.tags')}</label>
            <input id="acct-tags" value={tags} onChange={(e) => setTags(e.target.value)} placeholder={t('form.tagsExample')} spellCheck={false} data-testid="account-tags" />
            <span className="muted small">{t('form.tagsHint')}</span>
          </div>
        </>
      )}
      {!initial && (
        <>
          <div className="field">
            <label htmlFor="acct-pw">{t('form.password')}</label>
            <input id="acct-pw" type="password" autoComplete="new-password" minLength={PASSWORD_MIN} value={password} onChange={(e) => setPassword(e.target.value)} required data-testid="account-password" />
          </div>
          <div className="field">
            <label htmlFor="acct-pw2">{t('form.again')}</label>
            <input id="acct-pw2" type="password" autoComplete="new-password" value={again} onChange={(e) => setAgain(e.target.value)} required aria-invalid={mismatch || undefined} data-testid="account-password-again" />
            {mismatch && <span className="field-error">{t('form.mismatch')}</span>}
          </div>
        </>
      )}
      <button type="submit" disabled={busy || mismatch} data-testid="account-submit">
        {submitLabel}
      </button>
    </form>
  );
}
