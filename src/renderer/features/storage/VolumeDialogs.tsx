import { useState, type FormEvent } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { formatBytes } from '../../i18n/format';
import type { Pool } from '../../../shared/model/pool';
import { NewVolumeSchema, type Volume } from '../../../shared/model/volume';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { Modal } from '../../ui/Modal';
import { Spinner } from '../../ui/Spinner';
import { Field, fieldErrors, SizeField } from './Field';
import { useStorageCall } from './queries';
import { cloneName, fromBytes, toBytes, type SizeUnit } from './size';

export function Footer({ busy, disabled = false, label, onClose, testId }: { busy: boolean; disabled?: boolean; label: string; onClose(): void; testId: string }) {
  const { t } = useTranslation('common');
  return (
    <>
      <button type="button" className="ghost" onClick={onClose} disabled={busy}>
        {t('cancel')}
      </button>
      <button type="submit" form={testId} disabled={busy || disabled} data-testid={`${testId}-ok`}>
        {busy && <Spinner />}
        {label}
      </button>
    </>
  );
}

export const ErrorBanner = ({ error }: { error: Error | null }) =>
  error ? (
    <div className="banner bad" role="alert" data-testid="dialog-error">
      {error.message}
    </div>
  ) : null;

export function NewVolumeDialog({ hostId, pool, onClose }: { hostId: string; pool: Pool; onClose(): void }) {
  const { t } = useTranslation('storage');
  const [name, setName] = useState('');
  const [format, setFormat] = useState<'qcow2' | 'raw'>('qcow2');
  const [size, setSize] = useState({ text: '20', unit: 'GiB' as SizeUnit });
  const [prealloc, setPrealloc] = useState<'off' | 'metadata' | 'full'>('off');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const create = useStorageCall('volumes.create', hostId, { inline: true, failTitle: t('newVol.createError'), success: (r) => (r.volume ? t('newVol.created', { name: r.volume.name }) : undefined) });
  const capacity = toBytes(size.text, size.unit);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = NewVolumeSchema.safeParse({ hostId, pool: pool.name, name: name.trim(), format, capacity: capacity ?? 0, preallocation: prealloc });
    if (!parsed.success) return setErrors(fieldErrors(parsed.error.issues));
    setErrors({});
    create.mutate(parsed.data, { onSuccess: onClose });
  };
  const full = prealloc === 'full' && capacity !== undefined;
  return (
    <Modal title={t('newVol.title', { pool: pool.name })} onClose={onClose} busy={create.isPending} testId="volume-new-dialog" footer={<Footer busy={create.isPending} label={t('newVol.create')} onClose={onClose} testId="volume-new-form" />}>
      <form id="volume-new-form" className="form-grid" onSubmit={submit} noValidate>
        <Field label={t('field.name')} error={errors.name} wide hint={t('newVol.nameHint')}>
          {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} placeholder={format === 'qcow2' ? 'disk.qcow2' : 'disk.img'} data-autofocus data-testid="volume-name" />}
        </Field>
        <Field label={t('field.format')} hint={format === 'qcow2' ? t('newVol.qcow2Hint') : t('newVol.rawHint')}>
          {(p) => (
            <select {...p} value={format} onChange={(e) => setFormat(e.target.value as 'qcow2' | 'raw')} data-testid="volume-format">
              <option value="qcow2">qcow2</option>
              <option value="raw">raw</option>
            </select>
          )}
        </Field>
        <SizeField label={t('field.size')} text={size.text} unit={size.unit} onText={(text) => setSize((s) => ({ ...s, text }))} onUnit={(unit) => setSize((s) => ({ ...s, unit: unit as SizeUnit }))} error={errors.capacity} testId="volume-size" />
        <Field
          label={t('newVol.allocation')}
          wide
          error={errors.preallocation}
          hint={full ? t('newVol.fullHint', { size: formatBytes(capacity), free: formatBytes(pool.available), pool: pool.name }) : t('newVol.sparseHint', { free: formatBytes(pool.available), pool: pool.name })}
        >
          {(p) => (
            <select {...p} value={prealloc} onChange={(e) => setPrealloc(e.target.value as typeof prealloc)} data-testid="volume-prealloc">
              <option value="off">{t('newVol.sparse')}</option>
              {format === 'qcow2' && <option value="metadata">{t('newVol.metadata')}</option>}
              <option value="full">{t('newVol.full')}</option>
            </select>
          )}
        </Field>
      </form>
      <ErrorBanner error={create.error} />
    </Modal>
  );
}

export function ResizeDialog({ hostId, volume, onClose }: { hostId: string; volume: Volume; onClose(): void }) {
  const { t } = useTranslation('storage');
  const [size, setSize] = useState(() => fromBytes(volume.capacity));
  const [shrinkOk, setShrinkOk] = useState(false);
  const resize = useStorageCall('volumes.resize', hostId, { inline: true, failTitle: t('resize.error', { name: volume.name }), success: (v) => t('resize.done', { name: v.name, size: formatBytes(v.capacity) }) });
  const capacity = toBytes(size.text, size.unit);
  const shrinking = capacity !== undefined && capacity < volume.capacity;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (capacity === undefined) return;
    resize.mutate({ hostId, pool: volume.pool, name: volume.name, capacity, shrink: shrinking && shrinkOk }, { onSuccess: onClose });
  };
  return (
    <Modal title={t('resize.title', { name: volume.name })} onClose={onClose} busy={resize.isPending} size="small" footer={<Footer busy={resize.isPending} disabled={(shrinking && !shrinkOk) || capacity === undefined} label={t('vol.resize')} onClose={onClose} testId="volume-resize-form" />}>
      <form id="volume-resize-form" className="form-grid" onSubmit={submit} noValidate>
        <SizeField label={t('resize.newSize')} text={size.text} unit={size.unit} onText={(text) => setSize((s) => ({ ...s, text }))} onUnit={(unit) => setSize((s) => ({ ...s, unit: unit as SizeUnit }))} error={capacity === undefined ? t('resize.positive') : undefined} hint={t('resize.now', { size: formatBytes(volume.capacity) })} />
      </form>
      {shrinking && (
        <label className="check-row banner warn">
          <input type="checkbox" checked={shrinkOk} onChange={(e) => setShrinkOk(e.target.checked)} />
          {t('resize.shrink', { size: formatBytes(volume.capacity - (capacity ?? 0)) })}
        </label>
      )}
      {volume.usedBy.some((u) => u.active && u.how === 'disk') && <p className="muted small">{t('resize.inUse')}</p>}
      <ErrorBanner error={resize.error} />
    </Modal>
  );
}

export function CloneDialog({ hostId, volume, pools, taken, onClose }: { hostId: string; volume: Volume; pools: readonly Pool[]; taken: string[]; onClose(): void }) {
  const { t } = useTranslation('storage');
  const [name, setName] = useState(() => cloneName(volume.name, taken));
  const [target, setTarget] = useState(volume.pool);
  const [format, setFormat] = useState<'same' | 'qcow2' | 'raw'>('same');
  const clone = useStorageCall('volumes.clone', hostId, { inline: true, failTitle: t('clone.error', { name: volume.name }) });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    clone.mutate({ hostId, pool: volume.pool, name: volume.name, newName: name.trim(), ...(target !== volume.pool ? { targetPool: target } : {}), ...(format !== 'same' ? { format } : {}) }, { onSuccess: onClose });
  };
  return (
    <Modal title={t('clone.title', { name: volume.name })} onClose={onClose} busy={clone.isPending} footer={<Footer busy={clone.isPending} disabled={!name.trim()} label={t('vol.clone')} onClose={onClose} testId="volume-clone-form" />}>
      <form id="volume-clone-form" className="form-grid" onSubmit={submit} noValidate>
        <Field label={t('clone.newName')} wide>
          {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} data-autofocus data-testid="clone-name" />}
        </Field>
        <Field label={t('clone.intoPool')}>
          {(p) => (
            <select {...p} value={target} onChange={(e) => setTarget(e.target.value)}>
              {pools.filter((x) => x.active).map((x) => (
                <option key={x.name} value={x.name}>
                  {t('clone.poolOption', { name: x.name, free: formatBytes(x.available) })}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('field.format')}>
          {(p) => (
            <select {...p} value={format} onChange={(e) => setFormat(e.target.value as typeof format)}>
              <option value="same">{t('clone.same', { format: volume.format ?? 'raw' })}</option>
              <option value="qcow2">qcow2</option>
              <option value="raw">raw</option>
            </select>
          )}
        </Field>
      </form>
      <p className="muted small">{t('clone.note', { size: formatBytes(volume.allocation) })}</p>
      <ErrorBanner error={clone.error} />
    </Modal>
  );
}

export function DeleteVolumeDialog({ hostId, volume, onClose }: { hostId: string; volume: Volume; onClose(): void }) {
  const { t } = useTranslation(['storage', 'common']);
  const del = useStorageCall('volumes.delete', hostId, { inline: true, failTitle: t('delVol.error', { name: volume.name }), success: () => t('delVol.done', { name: volume.name }) });
  const users = volume.usedBy.map((u) => (u.how === 'backing' ? t('delVol.backingUser', { name: u.name, target: u.target }) : `${u.name} (${u.target})`));
  const sep = t('common:format.listSep');
  const refusal =
    users.length > 0 && volume.backingOf.length > 0
      ? t('delVol.inUseBacking', { users: users.join(sep), overlays: volume.backingOf.join(sep) })
      : users.length > 0
        ? t('delVol.inUse', { users: users.join(sep) })
        : t('delVol.backing', { overlays: volume.backingOf.join(sep) });
  return (
    <ConfirmDialog title={t('delVol.title', { name: volume.name })} confirmLabel={t('delVol.confirm')} danger busy={del.isPending} onCancel={onClose} onConfirm={() => del.mutate({ hostId, pool: volume.pool, name: volume.name }, { onSuccess: onClose })}>
      <p>
        <Trans t={t} i18nKey="delVol.body" values={{ path: volume.path, size: formatBytes(volume.allocation) }} components={{ m: <span className="mono" translate="no" /> }} />
      </p>
      {(users.length > 0 || volume.backingOf.length > 0) && (
        <p className="banner warn">{refusal}</p>
      )}
      {del.error && (
        <div className="banner bad" role="alert" data-testid="dialog-error">
          {del.error.message}
        </div>
      )}
    </ConfirmDialog>
  );
}
