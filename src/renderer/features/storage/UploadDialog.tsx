import { useState, type FormEvent } from 'react';
import { formatBytes } from '../../../shared/libvirt/units';
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
      const r = await request('files.choose', { mode: 'open', title: `Upload to ${pool.name}` });
      if (r.path && r.name && r.size !== undefined) take({ name: r.name, size: r.size, path: r.path });
    } catch (e) {
      setError(e as Error);
    }
  };
  const nameCheck = VolumeNameSchema.safeParse(name.trim());
  const nameError = !picked ? undefined : !nameCheck.success ? nameCheck.error.issues[0]?.message : taken.includes(name.trim()) ? `A volume named “${name.trim()}” already exists in ${pool.name}` : undefined;
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
    <Modal title={`Upload to ${pool.name}`} onClose={onClose} busy={busy} testId="upload-dialog" footer={<Footer busy={busy} disabled={!picked || !!nameError || !!tooBig} label="Upload" onClose={onClose} testId="upload-form" />}>
      <form id="upload-form" className="form-grid" onSubmit={(e) => void submit(e)} noValidate>
        <Field label="File on this computer" wide hint={picked ? `${formatBytes(picked.size)}` : 'An ISO, or a raw or qcow2 disk image'}>
          {(p) =>
            desktop ? (
              <div className="inline-form">
                <input {...p} readOnly value={picked?.path ?? ''} placeholder="No file chosen" />
                <button type="button" className="ghost" onClick={() => void choose()} data-autofocus>
                  Choose file…
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
        <Field label="Volume name" wide error={nameError}>
          {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} disabled={!picked} data-testid="upload-name" />}
        </Field>
        <Field label="What the file is" wide hint={format === 'raw' ? 'Runs of zeros travel as holes: a mostly empty image sends only its data' : format === 'qcow2' ? 'Stored as it is; libvirt reads its format and virtual size when the upload ends' : 'A CD/DVD image, for a VM’s CD-ROM drive'}>
          {(p) => (
            <select {...p} value={format} onChange={(e) => setFormat(e.target.value as UploadFormat)} disabled={!picked} data-testid="upload-format">
              <option value="iso">ISO image</option>
              <option value="raw">Raw disk image</option>
              <option value="qcow2">qcow2 disk image</option>
            </select>
          )}
        </Field>
      </form>
      {tooBig && <p className="banner warn">{pool.name} has {formatBytes(pool.available)} free; this file needs {formatBytes(picked.size)}.</p>}
      <p className="muted small">The upload runs as a task: follow it in the task drawer, cancel it there (the partial volume is removed), and the SHA-256 is checked on the host at the end.{!desktop && ' Keep this page open until it ends.'}</p>
      <ErrorBanner error={error} />
    </Modal>
  );
}
