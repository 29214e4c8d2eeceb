import { useState } from 'react';
import { ALL_HOSTS, PASSWORD_MIN, ROLE_LABELS, ROLES, type Account, type Role } from '../../../shared/model/account';
import { useHosts } from '../hosts/queries';

export interface AccountDraft {
  name: string;
  role: Role;
  hosts: string[];
  tags: string[];
  password: string;
}

const ROLE_HELP: Record<Role, string> = {
  admin: 'Everything, including hosts, accounts and the audit log.',
  operator: 'Start, stop, consoles, settings, create and migrate VMs on its hosts. No deleting, no host changes.',
  helpdesk: 'Consoles, power on and reboot of the VMs its hosts or tags allow. Sees nothing else.',
  readonly: 'Sees its hosts and VMs, changes nothing.',
};

const splitTags = (s: string) => [...new Set(s.split(',').map((t) => t.trim()).filter(Boolean))];

/** Name, role, scope (hosts and tags) and, for a new account, the password. */
export function AccountForm({ initial, onSubmit, busy, submitLabel }: { initial?: Account; onSubmit(d: AccountDraft): void; busy: boolean; submitLabel: string }) {
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
  const choices = [...hosts.map((h) => ({ id: h.config.id, name: h.config.name })), ...picked.filter((h) => !known.has(h)).map((id) => ({ id, name: `${id} (not configured)` }))];
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
          <label htmlFor="acct-name">Account name</label>
          <input id="acct-name" value={name} onChange={(e) => setName(e.target.value)} required pattern="[A-Za-z0-9][A-Za-z0-9._\-]{0,63}" autoComplete="off" spellCheck={false} data-testid="account-name" />
        </div>
      )}
      <fieldset className="field role-choice">
        <legend>Role</legend>
        {ROLES.map((r) => (
          <label key={r} className="radio">
            <input type="radio" name="role" value={r} checked={role === r} onChange={() => setRole(r)} data-testid={`account-role-${r}`} />
            <span>
              <strong>{ROLE_LABELS[r]}</strong> <span className="muted small">{ROLE_HELP[r]}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {role !== 'admin' && (
        <>
          <fieldset className="field">
            <legend>Hosts</legend>
            <label className="check">
              <input type="checkbox" checked={allHosts} onChange={(e) => setAllHosts(e.target.checked)} data-testid="account-all-hosts" /> Every host, present and future
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
            <label htmlFor="acct-tags">VM tags (comma-separated)</label>
            <input id="acct-tags" value={tags} onChange={(e) => setTags(e.target.value)} placeholder="front-desk, lab" spellCheck={false} data-testid="account-tags" />
            <span className="muted small">VMs carrying one of these tags are allowed on any host, besides every VM of the hosts ticked above.</span>
          </div>
        </>
      )}
      {!initial && (
        <>
          <div className="field">
            <label htmlFor="acct-pw">Password</label>
            <input id="acct-pw" type="password" autoComplete="new-password" minLength={PASSWORD_MIN} value={password} onChange={(e) => setPassword(e.target.value)} required data-testid="account-password" />
          </div>
          <div className="field">
            <label htmlFor="acct-pw2">Password again</label>
            <input id="acct-pw2" type="password" autoComplete="new-password" value={again} onChange={(e) => setAgain(e.target.value)} required aria-invalid={mismatch || undefined} data-testid="account-password-again" />
            {mismatch && <span className="field-error">The two passwords differ.</span>}
          </div>
        </>
      )}
      <button type="submit" disabled={busy || mismatch} data-testid="account-submit">
        {submitLabel}
      </button>
    </form>
  );
}
