import { useState } from 'react';
import { ApiError, request } from '../../app/api';
import { useUi } from '../../app/ui-store';
import { Spinner } from '../../ui/Spinner';
import { HostFormDialog, useHostForm } from './HostForm';
import { draftToNewHost, EMPTY_DRAFT, newHostToDraft } from './host-form';
import { useAddHost } from './mutations';
import './hosts.css';
import { useTranslation } from 'react-i18next';

export function AddHostDialog() {
  const open = useUi((s) => s.addHostOpen);
  if (!open) return null;
  return <AddHostForm />;
}

function AddHostForm() {
  const { t } = useTranslation('hosts');
  const setOpen = useUi((s) => s.setAddHostOpen);
  const add = useAddHost();
  const form = useHostForm(EMPTY_DRAFT, 'add-host');
  const [uri, setUri] = useState('');
  const [uriError, setUriError] = useState<string | null>(null);
  const [parsing, setParsing] = useState(false);
  const close = () => setOpen(false);

  const parse = async (text = uri) => {
    if (!text.trim()) return;
    setParsing(true);
    setUriError(null);
    try {
      const h = await request('hosts.parseUri', { uri: text.trim() });
      form.update(newHostToDraft(h, form.draft));
    } catch (e) {
      setUriError(e instanceof ApiError && e.code === 'UNSUPPORTED' ? t('add.noUri') : (e as Error).message);
    } finally {
      setParsing(false);
    }
  };

  return (
    <HostFormDialog
      title={t('add.title')}
      form={form}
      busy={add.isPending}
      submitLabel={t('add.submit')}
      note={form.draft.transport === 'ssh' ? t('add.noteSsh') : t('add.noteLocal')}
      onSubmit={() => add.mutate(draftToNewHost(form.draft), { onSuccess: close, onError: (e) => form.fail(e) })}
      onClose={close}
    >
      <div className="uri-row">
        <label htmlFor="add-host-uri">{t('add.uri')}</label>
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
            {parsing && <Spinner />}
            {t('add.fillIn')}
          </button>
        </div>
        <div id="add-host-uri-msg" className={uriError ? 'field-error' : 'field-hint'} role={uriError ? 'alert' : undefined}>
          {uriError ?? t('add.uriHint')}
        </div>
      </div>
      <div className="divider">
        <span>{t('add.orEnter')}</span>
      </div>
    </HostFormDialog>
  );
}
