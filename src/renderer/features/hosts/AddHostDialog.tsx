import { useMemo, useState, type ReactNode } from 'react';
import { ApiError, request } from '../../app/api';
import { useUi } from '../../app/ui-store';
import { Modal } from '../../ui/Modal';
import { Spinner } from '../../ui/Spinner';
import { EMPTY_DRAFT, draftToNewHost, fieldErrorsFromApi, newHostToDraft, validateDraft, type DraftField, type FieldErrors, type HostDraft } from './add-host-form';
import { useAddHost } from './mutations';
import { useHosts } from './queries';
import './hosts.css';

function Field({
  id,
  label,
  error,
  hint,
  children,
  wide = false,
}: {
  id: string;
  label: string;
  error?: string | undefined;
  hint?: ReactNode;
  children: ReactNode;
  wide?: boolean;
}) {
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

export function AddHostDialog() {
  const open = useUi((s) => s.addHostOpen);
  if (!open) return null;
  return <AddHostForm />;
}

function AddHostForm() {
  const setOpen = useUi((s) => s.setAddHostOpen);
  const hosts = useHosts();
  const add = useAddHost();
  const [draft, setDraft] = useState<HostDraft>(EMPTY_DRAFT);
  const [uri, setUri] = useState('');
  const [uriError, setUriError] = useState<string | null>(null);
  const [parsing, setParsing] = useState(false);
  const [touched, setTouched] = useState<Partial<Record<DraftField, boolean>>>({});
  const [submitted, setSubmitted] = useState(false);
  const [apiErrors, setApiErrors] = useState<FieldErrors>({});
  const groups = useMemo(() => [...new Set((hosts.data ?? []).flatMap((h) => (h.config.group ? [h.config.group] : [])))].sort(), [hosts.data]);

  const local = validateDraft(draft);
  const errorOf = (f: DraftField) => apiErrors[f] ?? (submitted || touched[f] ? local[f] : undefined);
  const close = () => setOpen(false);

  const set = (f: DraftField) => (e: { target: { value: string } }) => {
    setDraft((d) => ({ ...d, [f]: e.target.value }));
    // A server message no longer applies once the field changes.
    if (apiErrors[f]) setApiErrors(({ [f]: _gone, ...rest }) => rest);
  };
  const blur = (f: DraftField) => () => setTouched((t) => ({ ...t, [f]: true }));
  const props = (f: DraftField) => ({
    id: `add-host-${f}`,
    value: draft[f],
    onChange: set(f),
    onBlur: blur(f),
    'aria-invalid': errorOf(f) ? true : undefined,
    'aria-describedby': errorOf(f) ? `add-host-${f}-err` : `add-host-${f}-hint`,
    'data-testid': `add-host-${f}`,
    spellCheck: false,
    autoComplete: 'off',
  });

  const parse = async (text = uri) => {
    if (!text.trim()) return;
    setParsing(true);
    setUriError(null);
    try {
      const h = await request('hosts.parseUri', { uri: text.trim() });
      setDraft((d) => newHostToDraft(h, d));
      setApiErrors({});
    } catch (e) {
      setUriError(e instanceof ApiError && e.code === 'UNSUPPORTED' ? 'This build of the core cannot read URIs yet; fill in the fields below.' : (e as Error).message);
    } finally {
      setParsing(false);
    }
  };

  const submit = () => {
    setSubmitted(true);
    setApiErrors({});
    const order: DraftField[] = ['hostname', 'port', 'user', 'name', 'identity', 'group', 'tags'];
    const firstBad = order.find((f) => local[f]);
    if (firstBad) {
      document.getElementById(`add-host-${firstBad}`)?.focus();
      return;
    }
    add.mutate(draftToNewHost(draft), {
      onSuccess: close,
      onError: (e) => setApiErrors(e instanceof ApiError ? fieldErrorsFromApi(e.error) : { form: e.message }),
    });
  };

  return (
    <Modal
      title="Add host"
      onClose={close}
      busy={add.isPending}
      testId="add-host-dialog"
      footer={
        <>
          <span className="foot-note muted">VirtDeck connects over SSH right after adding; you may be asked to confirm the host key.</span>
          <button type="button" className="ghost" onClick={close} disabled={add.isPending}>
            Cancel
          </button>
          <button type="submit" form="add-host-form" disabled={add.isPending} data-testid="add-host-submit">
            {add.isPending && <Spinner />}Add host
          </button>
        </>
      }
    >
      <form
        id="add-host-form"
        className="add-host"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <div className="uri-row">
          <label htmlFor="add-host-uri">Paste a libvirt URI</label>
          <div className="inline-form">
            <input
              id="add-host-uri"
              className="mono"
              value={uri}
              onChange={(e) => setUri(e.target.value)}
              onPaste={(e) => {
                const text = e.clipboardData.getData('text');
                if (text.includes('://')) setTimeout(() => void parse(text), 0);
              }}
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  e.preventDefault();
                  void parse();
                }
              }}
              placeholder="qemu+ssh://root@10.0.0.5:22/system"
              aria-invalid={uriError ? true : undefined}
              aria-describedby="add-host-uri-msg"
              data-testid="add-host-uri"
              spellCheck={false}
            />
            <button type="button" className="ghost" onClick={() => void parse()} disabled={!uri.trim() || parsing} data-testid="add-host-parse">
              {parsing && <Spinner />}Fill in
            </button>
          </div>
          <div id="add-host-uri-msg" className={uriError ? 'field-error' : 'field-hint'} role={uriError ? 'alert' : undefined}>
            {uriError ?? 'Fills the fields below; you can still edit them.'}
          </div>
        </div>
        <div className="divider">
          <span>or enter the details</span>
        </div>
        <div className="form-grid">
          <Field id="add-host-hostname" label="Host (name or IP)" error={errorOf('hostname')}>
            <input {...props('hostname')} placeholder="kvm1.example.org" data-autofocus required />
          </Field>
          <Field id="add-host-port" label="SSH port" error={errorOf('port')}>
            <input {...props('port')} inputMode="numeric" className="narrow" />
          </Field>
          <Field id="add-host-user" label="User" error={errorOf('user')}>
            <input {...props('user')} />
          </Field>
          <Field id="add-host-name" label="Display name" error={errorOf('name')} hint="Defaults to the host.">
            <input {...props('name')} placeholder={draft.hostname.trim() || 'kvm1'} />
          </Field>
          <Field
            id="add-host-identity"
            label="Identity files (optional)"
            error={errorOf('identity')}
            hint="One private key path per line. The SSH agent and your ~/.ssh/config are tried too."
            wide
          >
            <textarea {...props('identity')} rows={2} className="mono" placeholder="~/.ssh/id_ed25519" />
          </Field>
          <Field id="add-host-group" label="Group (optional)" error={errorOf('group')} hint="Hosts with the same group sit together in the tree.">
            <input {...props('group')} list="add-host-groups" placeholder="Production" />
          </Field>
          <Field id="add-host-tags" label="Tags (optional)" error={errorOf('tags')} hint="Comma separated.">
            <input {...props('tags')} placeholder="rack-3, ssd" />
          </Field>
        </div>
        <datalist id="add-host-groups">
          {groups.map((g) => (
            <option key={g} value={g} />
          ))}
        </datalist>
        {apiErrors.form && (
          <div className="banner bad" role="alert" data-testid="add-host-error">
            {apiErrors.form}
          </div>
        )}
      </form>
    </Modal>
  );
}
