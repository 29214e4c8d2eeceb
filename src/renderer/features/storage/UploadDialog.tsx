import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { formatBytes } from '../../i18n/format';
import type { Pool } from '../../../shared/model/pool';
import { VolumeNameSchema } from '../../../shared/model/volume';
import { request } from '../../app/api';
import { Modal } from '../../ui/Modal';
import { Field } from './Field';
import { guessFormat, isDesktop, uploadFromBrowser, uploadFromDesktop, type UploadFormat } from './transfer-client';
import { ErrorBanner, Footer } from './VolumeDialogs';

interface Picked {
  name: string;
  size: number;
  file?: File;
  path?: string;
}

/** Upload an ISO or disk image from this computer into a pool; the transfer then runs as a task. */
export function UploadDialog({ hostId, pool, taken, onClose }: { hostId: string; pool: Pool; taken: readonly string[]; onClose(): void }) {
  const { t } = useTranslation('storage');
  const desktop = isDesktop();
  const [picked, setPicked] = useState<Picked | null>(null);
  const [name, setName] = useState('');
  const [format, setFormat] = useState<UploadFormat>('raw');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const take = (p: Picked) => {
    setPicked(p);
    setName(p.name);
    setFormat(guessFormat(p.name));
    setError(null);
  };
  const choose = async () => {
    try {
      const r = await request('files.choose', { mode: 'open', title: t('upload.title', { pool: pool.name }) });
      if (r.path && r.name && r.size !== undefined) take({ name: r.name, size: r.size, path: r.path });
    } catch (e) {
      setError(e as Error);
    }
  };
  const nameCheck = VolumeNameSchema.safeParse(name.trim());
  const nameError = !picked ? undefined : !nameCheck.success ? nameCheck.error.issues[0]?.message : taken.includes(name.trim()) ? t('upload.exists', { name: name.trim(), pool: pool.name }) : undefined;
  const tooBig = picked && format !== 'raw' && picked.size > pool.available;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!picked || nameError) return;
    setBusy(true);
    try {
      const target = { hostId, pool: pool.name, name: name.trim(), format };
      if (picked.file) await uploadFromBrowser(target, picked.file);
      else if (picked.path) await uploadFromDesktop(target, picked.path);
      onClose();
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal title={t('upload.title', { pool: pool.name })} onClose={onClose} busy={busy} testId="upload-dialog" footer={<Footer busy={busy} disabled={!picked || !!nameError || !!tooBig} label={t('upload.ok')} onClose={onClose} testId="upload-form" />}>
      <form id="upload-form" className="form-grid" onSubmit={(e) => void submit(e)} noValidate>
        <Field label={t('upload.file')} wide hint={picked ? formatBytes(picked.size) : t('upload.fileHint')}>
          {(p) =>
            desktop ? (
              <div className="inline-form">
                <input {...p} readOnly value={picked?.path ?? ''} placeholder={t('upload.noFile')} />
                <button type="button" className="ghost" onClick={() => void choose()} data-autofocus>
                  {t('upload.choose')}
                </button>
              </div>
            ) : (
              <input {...p} type="file" data-autofocus data-testid="upload-file" onChange={(e) => {
                const f = e.target.files?.[0];
                if (f) take({ name: f.name, size: f.size, file: f });
              }} />
            )
          }
        </Field>
        <Field label={t('upload.name')} wide error={nameError}>
          {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} disabled={!picked} data-testid="upload-name" />}
        </Field>
        <Field label={t('upload.what')} wide hint={format === 'raw' ? t('upload.rawHint') : format === 'qcow2' ? t('upload.qcow2Hint') : t('upload.isoHint')}>
          {(p) => (
            <select {...p} value={format} onChange={(e) => setFormat(e.target.value as UploadFormat)} disabled={!picked} data-testid="upload-format">
              <option value="iso">{t('upload.iso')}</option>
              <option value="raw">{t('upload.raw')}</option>
              <option value="qcow2">{t('upload.qcow2')}</option>
            </select>
          )}
        </Field>
      </form>
      {tooBig && <p className="banner warn">{t('upload.tooBig', { pool: pool.name, free: formatBytes(pool.available), size: formatBytes(picked.size) })}</p>}
      <p className="muted small">{desktop ? t('upload.note') : t('upload.noteBrowser')}</p>
      <ErrorBanner error={error} />
    </Modal>
  );
}
