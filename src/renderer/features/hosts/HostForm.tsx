import { useMemo, useState, type ReactNode } from 'react';
import type { HostConflict } from '../../../shared/ipc/calls/hosts';
import { ApiError } from '../../app/api';
import { useUi } from '../../app/ui-store';
import { Modal } from '../../ui/Modal';
import { Spinner } from '../../ui/Spinner';
import {
  aliasToDraft,
  conflictOf,
  FIELD_ORDER,
  fieldErrorsFromApi,
  validateDraft,
  type DraftField,
  type FieldErrors,
  type HostDraft,
} from './host-form';
import { useHosts, useSshAliases } from './queries';
import './hosts.css';

// The one host form behind both "Add host" and "Edit host": every setting of
// a host (SSH or this machine's socket, ssh_config alias, jump hosts, keys,
// libvirt daemon, group, tags, auto-connect). Dialogs own the call; this owns
// the fields, their checks and the core's answers mapped back onto them.

export interface HostFormState {
  idPrefix: string;
  draft: HostDraft;
  update(patch: Partial<HostDraft>): void;
  errorOf(f: DraftField): string | undefined;
  touch(f: DraftField): void;
  formError: string | undefined;
  conflict: HostConflict | undefined;
  /** Marks the form submitted; focuses the first bad field and answers false when there is one. */
  check(): boolean;
  /** Shows why the core refused (fields, a duplicate, or the message). */
  fail(e: unknown): void;
}

export function useHostForm(initial: HostDraft, idPrefix: string): HostFormState {
  const [draft, setDraft] = useState(initial);
  const [touched, setTouched] = useState<Partial<Record<DraftField, boolean>>>({});
  const [submitted, setSubmitted] = useState(false);
  const [api, setApi] = useState<{ fields: FieldErrors; conflict?: HostConflict }>({ fields: {} });
  const local = validateDraft(draft);
  return {
    idPrefix,
    draft,
    update(patch) {
      setDraft((d) => ({ ...d, ...patch }));
      // A server message no longer applies once what it was about changes.
      setApi((a) => {
        const fields = { ...a.fields };
        for (const k of Object.keys(patch)) delete fields[k as DraftField];
        return { fields };
      });
    },
    errorOf: (f) => api.fields[f] ?? (submitted || touched[f] ? local[f] : undefined),
    touch: (f) => setTouched((t) => ({ ...t, [f]: true })),
    formError: api.fields.form,
    conflict: api.conflict,
    check() {
      setSubmitted(true);
      setApi({ fields: {} });
      const bad = FIELD_ORDER.find((f) => local[f]);
      if (bad) document.getElementById(`${idPrefix}-${bad}`)?.focus();
      return !bad;
    },
    fail(e) {
      if (!(e instanceof ApiError)) return setApi({ fields: { form: e instanceof Error ? e.message : String(e) } });
      const conflict = conflictOf(e.error);
      // A duplicate has its own banner; its sentence must not linger once the banner goes.
      setApi(conflict ? { fields: {}, conflict } : { fields: fieldErrorsFromApi(e.error) });
    },
  };
}

function Field({ id, label, error, hint, children, wide = false }: { id: string; label: string; error?: string | undefined; hint?: ReactNode; children: ReactNode; wide?: boolean }) {
  return (
    <div className={`field ${wide ? 'wide' : ''} ${error ? 'invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children}
      {error ? (
        <div className="field-error" id={`${id}-err`} role="alert">
          {error}
        </div>
      ) : hint ? (
        <div className="field-hint" id={`${id}-hint`}>
          {hint}
        </div>
      ) : null}
    </div>
  );
}

export function HostFields({ form, autoFocus = true, onShowExisting }: { form: HostFormState; autoFocus?: boolean; onShowExisting?: () => void }) {
  const { idPrefix: p, draft, update } = form;
  const hosts = useHosts();
  const aliases = useSshAliases();
  const groups = useMemo(() => [...new Set((hosts.data ?? []).flatMap((h) => (h.config.group ? [h.config.group] : [])))].sort(), [hosts.data]);
  const ssh = draft.transport === 'ssh';
  const linked = ssh && draft.sshAlias ? aliases.data?.aliases.find((a) => a.alias === draft.sshAlias) : undefined;

  const text = (f: DraftField) => ({
    id: `${p}-${f}`,
    value: draft[f],
    onChange: (e: { target: { value: string } }) => update({ [f]: e.target.value }),
    onBlur: () => form.touch(f),
    'aria-invalid': form.errorOf(f) ? true : undefined,
    'aria-describedby': form.errorOf(f) ? `${p}-${f}-err` : `${p}-${f}-hint`,
    'data-testid': `${p}-${f}`,
    spellCheck: false,
    autoComplete: 'off',
  });

  return (
    <>
      <fieldset className="seg" aria-label="Connection">
        {(
          [
            ['ssh', 'Over SSH'],
            ['local', 'This machine (libvirt socket)'],
          ] as const
        ).map(([value, label]) => (
          <label key={value} className={draft.transport === value ? 'on' : ''}>
            <input type="radio" name={`${p}-transport`} value={value} checked={draft.transport === value} onChange={() => update({ transport: value })} data-testid={`${p}-transport-${value}`} />
            {label}
          </label>
        ))}
      </fieldset>
      {ssh && (aliases.data?.aliases.length ?? 0) > 0 && (
        <div className="field wide alias-row">
          <label htmlFor={`${p}-alias`}>From ~/.ssh/config</label>
          <select
            id={`${p}-alias`}
            value={draft.sshAlias}
            onChange={(e) => {
              const a = aliases.data?.aliases.find((x) => x.alias === e.target.value);
              if (a) update(aliasToDraft(a, draft));
              else update({ sshAlias: '' });
            }}
            data-testid={`${p}-alias`}
          >
            <option value="">— none: enter the details below —</option>
            {aliases.data?.aliases.map((a) => (
              <option key={a.alias} value={a.alias}>
                {a.alias}
                {a.hostname !== a.alias.toLowerCase() ? ` (${a.user ? `${a.user}@` : ''}${a.hostname}${a.port !== 22 ? `:${a.port}` : ''})` : ''}
              </option>
            ))}
          </select>
        </div>
      )}
      {ssh && draft.sshAlias && (
        <div className="alias-note" data-testid={`${p}-alias-note`}>
          Follows <code>Host {draft.sshAlias}</code> of your ssh_config: its HostName, Port, User and ProxyJump are read again at every connect, and
          the fields below apply where it sets nothing.
          {linked && linked.proxyJump.length > 0 && <> Jumps via {linked.proxyJump.join(', ')}.</>}
          {!linked && aliases.isSuccess && <strong> The config no longer has this alias.</strong>}{' '}
          <button type="button" className="link" onClick={() => update({ sshAlias: '' })} data-testid={`${p}-alias-unlink`}>
            Stop following
          </button>
        </div>
      )}
      <div className="form-grid">
        {ssh ? (
          <>
            <Field id={`${p}-hostname`} label="Host (name or IP)" error={form.errorOf('hostname')}>
              <input {...text('hostname')} placeholder="kvm1.example.org" data-autofocus={autoFocus || undefined} required />
            </Field>
            <Field id={`${p}-port`} label="SSH port" error={form.errorOf('port')}>
              <input {...text('port')} inputMode="numeric" className="narrow" />
            </Field>
            <Field id={`${p}-user`} label="User" error={form.errorOf('user')}>
              <input {...text('user')} />
            </Field>
          </>
        ) : (
          <Field
            id={`${p}-socketPath`}
            label="libvirt socket"
            error={form.errorOf('socketPath')}
            hint={draft.libvirtPath === 'session' ? 'Session uses your own user’s socket; this path is not used.' : 'Where libvirtd listens on this machine.'}
            wide
          >
            <input {...text('socketPath')} className="mono" disabled={draft.libvirtPath === 'session'} data-autofocus={autoFocus || undefined} />
          </Field>
        )}
        <Field id={`${p}-name`} label="Display name" error={form.errorOf('name')} hint={ssh ? 'Defaults to the host.' : 'Defaults to “This machine”.'}>
          <input {...text('name')} placeholder={ssh ? draft.sshAlias || draft.hostname.trim() || 'kvm1' : 'This machine'} />
        </Field>
        <div className="field">
          <label htmlFor={`${p}-libvirtPath`}>libvirt daemon</label>
          <select id={`${p}-libvirtPath`} value={draft.libvirtPath} onChange={(e) => update({ libvirtPath: e.target.value as HostDraft['libvirtPath'] })} data-testid={`${p}-libvirtPath`}>
            <option value="system">System (qemu:///system)</option>
            <option value="session">Session (qemu:///session)</option>
          </select>
        </div>
        {ssh && (
          <>
            <Field
              id={`${p}-jumps`}
              label="Jump hosts (optional)"
              error={form.errorOf('jumps')}
              hint={draft.sshAlias ? 'Used only when the ssh_config alias sets no ProxyJump.' : 'As ssh -J: user@bastion:22, in order; a hop without a user logs in as the user above.'}
              wide
            >
              <input {...text('jumps')} className="mono" placeholder="ops@bastion.example.org:22" />
            </Field>
            <Field id={`${p}-identity`} label="Identity files (optional)" error={form.errorOf('identity')} hint="One private key path per line. The SSH agent and your ~/.ssh/config are tried too." wide>
              <textarea {...text('identity')} rows={2} className="mono" placeholder="~/.ssh/id_ed25519" />
            </Field>
          </>
        )}
        <Field id={`${p}-group`} label="Group (optional)" error={form.errorOf('group')} hint="Hosts with the same group sit together in the tree.">
          <input {...text('group')} list={`${p}-groups`} placeholder="Production" />
        </Field>
        <Field id={`${p}-tags`} label="Tags (optional)" error={form.errorOf('tags')} hint="Comma separated.">
          <input {...text('tags')} placeholder="rack-3, ssd" />
        </Field>
        <label className="check-row wide">
          <input type="checkbox" checked={draft.autoConnect} onChange={(e) => update({ autoConnect: e.target.checked })} data-testid={`${p}-autoConnect`} />
          Connect when VirtDeck starts
        </label>
      </div>
      <datalist id={`${p}-groups`}>
        {groups.map((g) => (
          <option key={g} value={g} />
        ))}
      </datalist>
      {form.conflict && <ConflictBanner conflict={form.conflict} testId={`${p}-conflict`} onShow={onShowExisting} />}
      {form.formError && (
        <div className="banner bad" role="alert" data-testid={`${p}-error`} ref={reveal}>
          {form.formError}
        </div>
      )}
    </>
  );
}

/** The core's answer shows below a long form: bring it into view when it appears. */
const reveal = (el: HTMLElement | null) => el?.scrollIntoView({ block: 'nearest' });

/** The modal both host dialogs are: the fields (after `children`), Cancel, and a submit that runs only when the fields pass. */
export function HostFormDialog(props: {
  title: string;
  form: HostFormState;
  busy: boolean;
  note: ReactNode;
  submitLabel: string;
  onSubmit(): void;
  onClose(): void;
  children?: ReactNode;
}) {
  const { form, busy, onClose } = props;
  const p = form.idPrefix;
  return (
    <Modal
      title={props.title}
      onClose={onClose}
      busy={busy}
      testId={`${p}-dialog`}
      footer={
        <>
          <span className="foot-note muted">{props.note}</span>
          <button type="button" className="ghost" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" form={`${p}-form`} disabled={busy} data-testid={`${p}-submit`}>
            {busy && <Spinner />}
            {props.submitLabel}
          </button>
        </>
      }
    >
      <form
        id={`${p}-form`}
        className="add-host"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (form.check()) props.onSubmit();
        }}
      >
        {props.children}
        <HostFields form={form} onShowExisting={onClose} />
      </form>
    </Modal>
  );
}

/** The core refused a second entry for one host: name the one there is, and lead to it. */
function ConflictBanner({ conflict, testId, onShow }: { conflict: HostConflict; testId: string; onShow: (() => void) | undefined }) {
  const { duplicateOf, endpoint } = conflict;
  return (
    <div className="banner bad" role="alert" data-testid={testId} ref={reveal}>
      <strong>Already in your list</strong>
      <p>
        <span className="mono">{endpoint}</span> is the host <strong>{duplicateOf.name}</strong>. VirtDeck keeps one entry per host; change that one
        instead.
      </p>
      <p>
        <button
          type="button"
          className="ghost"
          onClick={() => {
            onShow?.();
            useUi.getState().select({ kind: 'host', hostId: duplicateOf.hostId });
          }}
          data-testid={`${testId}-show`}
        >
          Show {duplicateOf.name}
        </button>
      </p>
    </div>
  );
}
