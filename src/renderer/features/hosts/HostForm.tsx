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
import { Trans, useTranslation } from 'react-i18next';
import { FieldFrame } from '../../ui/FieldFrame';

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


export function HostFields({ form, autoFocus = true, onShowExisting }: { form: HostFormState; autoFocus?: boolean; onShowExisting?: () => void }) {
  const { t } = useTranslation(['hosts', 'common']);
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
      <fieldset className="seg" aria-label={t('form.connection')}>
        {(
          [
            ['ssh', t('form.overSsh')],
            ['local', t('form.local')],
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
          <label htmlFor={`${p}-alias`}>{t('form.fromSshConfig')}</label>
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
            <option value="">{t('form.aliasNone')}</option>
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
          <Trans t={t} i18nKey="form.follows" values={{ alias: draft.sshAlias }} components={{ code: <code /> }} />
          {linked && linked.proxyJump.length > 0 && ` ${t('form.jumpsVia', { list: linked.proxyJump.join(', ') })}`}
          {!linked && aliases.isSuccess && <strong> {t('form.aliasGone')}</strong>}{' '}
          <button type="button" className="link" onClick={() => update({ sshAlias: '' })} data-testid={`${p}-alias-unlink`}>
            {t('form.stopFollowing')}
          </button>
        </div>
      )}
      <div className="form-grid">
        {ssh ? (
          <>
            <FieldFrame id={`${p}-hostname`} label={t('form.hostname')} error={form.errorOf('hostname')}>
              <input {...text('hostname')} placeholder={t('form.hostnamePlaceholder')} data-autofocus={autoFocus || undefined} required />
            </FieldFrame>
            <FieldFrame id={`${p}-port`} label={t('form.port')} error={form.errorOf('port')}>
              <input {...text('port')} inputMode="numeric" className="narrow" />
            </FieldFrame>
            <FieldFrame id={`${p}-user`} label={t('form.user')} error={form.errorOf('user')}>
              <input {...text('user')} />
            </FieldFrame>
          </>
        ) : (
          <FieldFrame
            id={`${p}-socketPath`}
            label={t('form.socket')}
            error={form.errorOf('socketPath')}
            hint={draft.libvirtPath === 'session' ? t('form.socketSession') : t('form.socketSystem')}
            wide
          >
            <input {...text('socketPath')} className="mono" disabled={draft.libvirtPath === 'session'} data-autofocus={autoFocus || undefined} />
          </FieldFrame>
        )}
        <FieldFrame id={`${p}-name`} label={t('form.name')} error={form.errorOf('name')} hint={ssh ? t('form.nameHintSsh') : t('form.nameHintLocal')}>
          <input {...text('name')} placeholder={ssh ? draft.sshAlias || draft.hostname.trim() || 'kvm1' : t('form.thisMachine')} />
        </FieldFrame>
        <div className="field">
          <label htmlFor={`${p}-libvirtPath`}>{t('form.daemon')}</label>
          <select id={`${p}-libvirtPath`} value={draft.libvirtPath} onChange={(e) => update({ libvirtPath: e.target.value as HostDraft['libvirtPath'] })} data-testid={`${p}-libvirtPath`}>
            <option value="system">{t('form.system')}</option>
            <option value="session">{t('form.session')}</option>
          </select>
        </div>
        {ssh && (
          <>
            <FieldFrame
              id={`${p}-jumps`}
              label={t('form.jumps')}
              error={form.errorOf('jumps')}
              hint={draft.sshAlias ? t('form.jumpsAliasHint') : t('form.jumpsHint')}
              wide
            >
              <input {...text('jumps')} className="mono" placeholder="ops@bastion.example.org:22" />
            </FieldFrame>
            <FieldFrame id={`${p}-identity`} label={t('form.identity')} error={form.errorOf('identity')} hint={t('form.identityHint')} wide>
              <textarea {...text('identity')} rows={2} className="mono" placeholder="~/.ssh/id_ed25519" />
            </FieldFrame>
          </>
        )}
        <FieldFrame id={`${p}-group`} label={t('form.group')} error={form.errorOf('group')} hint={t('form.groupHint')}>
          <input {...text('group')} list={`${p}-groups`} placeholder={t('form.groupPlaceholder')} />
        </FieldFrame>
        <FieldFrame id={`${p}-tags`} label={t('form.tags')} error={form.errorOf('tags')} hint={t('form.tagsHint')}>
          <input {...text('tags')} placeholder={t('form.tagsPlaceholder')} />
        </FieldFrame>
        <label className="check-row wide">
          <input type="checkbox" checked={draft.autoConnect} onChange={(e) => update({ autoConnect: e.target.checked })} data-testid={`${p}-autoConnect`} />
          {t('form.autoConnect')}
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
  const { t } = useTranslation();
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
            {t('cancel')}
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
  const { t } = useTranslation(['hosts', 'common']);
  const { duplicateOf, endpoint } = conflict;
  return (
    <div className="banner bad" role="alert" data-testid={testId} ref={reveal}>
      <strong>{t('form.already')}</strong>
      <p>
        <Trans t={t} i18nKey="form.alreadyBody" values={{ endpoint, name: duplicateOf.name }} components={{ m: <span className="mono" />, b: <strong /> }} />
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
          {t('form.show', { name: duplicateOf.name })}
        </button>
      </p>
    </div>
  );
}
