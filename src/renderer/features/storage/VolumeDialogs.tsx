import { useState, type FormEvent } from 'react';
import { formatBytes } from '../../../shared/libvirt/units';
import type { Pool } from '../../../shared/model/pool';
import { NewVolumeSchema, type Volume } from '../../../shared/model/volume';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { Modal } from '../../ui/Modal';
import { Spinner } from '../../ui/Spinner';
import { Field, fieldErrors, SizeField } from './Field';
import { useStorageCall } from './queries';
import { cloneName, fromBytes, toBytes, type SizeUnit } from './size';

export function Footer({ busy, disabled = false, label, onClose, testId }: { busy: boolean; disabled?: boolean; label: string; onClose(): void; testId: string }) {
  return (
    <>
      <button type="button" className="ghost" onClick={onClose} disabled={busy}>
        Cancel
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
  const [name, setName] = useState('');
  const [format, setFormat] = useState<'qcow2' | 'raw'>('qcow2');
  const [size, setSize] = useState({ text: '20', unit: 'GiB' as SizeUnit });
  const [prealloc, setPrealloc] = useState<'off' | 'metadata' | 'full'>('off');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const create = useStorageCall('volumes.create', hostId, { inline: true, failTitle: 'Could not create the volume', success: (r) => (r.volume ? `Volume ${r.volume.name} created` : undefined) });
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
    <Modal title={`New volume in ${pool.name}`} onClose={onClose} busy={create.isPending} testId="volume-new-dialog" footer={<Footer busy={create.isPending} label="Create" onClose={onClose} testId="volume-new-form" />}>
      <form id="volume-new-form" className="form-grid" onSubmit={submit} noValidate>
        <Field label="Name" error={errors.name} wide hint="Becomes the file name in directory pools">
          {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} placeholder={format === 'qcow2' ? 'disk.qcow2' : 'disk.img'} data-autofocus data-testid="volume-name" />}
        </Field>
        <Field label="Format" hint={format === 'qcow2' ? 'Grows as the guest writes; snapshots and linked clones' : 'Plain bytes; fastest, no snapshots'}>
          {(p) => (
            <select {...p} value={format} onChange={(e) => setFormat(e.target.value as 'qcow2' | 'raw')} data-testid="volume-format">
              <option value="qcow2">qcow2</option>
              <option value="raw">raw</option>
            </select>
          )}
        </Field>
        <SizeField label="Size" text={size.text} unit={size.unit} onText={(text) => setSize((s) => ({ ...s, text }))} onUnit={(unit) => setSize((s) => ({ ...s, unit: unit as SizeUnit }))} error={errors.capacity} testId="volume-size" />
        <Field label="Allocation" wide error={errors.preallocation} hint={full ? `Writes all ${formatBytes(capacity)} now, as a task you can follow and cancel; ${formatBytes(pool.available)} free in ${pool.name}` : `Sparse: takes space only as the guest writes (${formatBytes(pool.available)} free in ${pool.name})`}>
          {(p) => (
            <select {...p} value={prealloc} onChange={(e) => setPrealloc(e.target.value as typeof prealloc)} data-testid="volume-prealloc">
              <option value="off">Sparse (allocate on write)</option>
              {format === 'qcow2' && <option value="metadata">Metadata only (qcow2)</option>}
              <option value="full">Full (every byte now)</option>
            </select>
          )}
        </Field>
      </form>
      <ErrorBanner error={create.error} />
    </Modal>
  );
}

export function ResizeDialog({ hostId, volume, onClose }: { hostId: string; volume: Volume; onClose(): void }) {
  const [size, setSize] = useState(() => fromBytes(volume.capacity));
  const [shrinkOk, setShrinkOk] = useState(false);
  const resize = useStorageCall('volumes.resize', hostId, { inline: true, failTitle: `Could not resize ${volume.name}`, success: (v) => `${v.name} is now ${formatBytes(v.capacity)}` });
  const capacity = toBytes(size.text, size.unit);
  const shrinking = capacity !== undefined && capacity < volume.capacity;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (capacity === undefined) return;
    resize.mutate({ hostId, pool: volume.pool, name: volume.name, capacity, shrink: shrinking && shrinkOk }, { onSuccess: onClose });
  };
  return (
    <Modal title={`Resize ${volume.name}`} onClose={onClose} busy={resize.isPending} size="small" footer={<Footer busy={resize.isPending} disabled={(shrinking && !shrinkOk) || capacity === undefined} label="Resize" onClose={onClose} testId="volume-resize-form" />}>
      <form id="volume-resize-form" className="form-grid" onSubmit={submit} noValidate>
        <SizeField label="New size" text={size.text} unit={size.unit} onText={(text) => setSize((s) => ({ ...s, text }))} onUnit={(unit) => setSize((s) => ({ ...s, unit: unit as SizeUnit }))} error={capacity === undefined ? 'A positive size' : undefined} hint={`Now ${formatBytes(volume.capacity)}`} />
      </form>
      {shrinking && (
        <label className="check-row banner warn">
          <input type="checkbox" checked={shrinkOk} onChange={(e) => setShrinkOk(e.target.checked)} />
          Shrinking cuts {formatBytes(volume.capacity - (capacity ?? 0))} off the end of the disk; shrink the guest’s file system first.
        </label>
      )}
      {volume.usedBy.some((u) => u.active && u.how === 'disk') && <p className="muted small">A running VM has this disk open: VirtDeck refuses, resize it from the VM instead.</p>}
      <ErrorBanner error={resize.error} />
    </Modal>
  );
}

export function CloneDialog({ hostId, volume, pools, taken, onClose }: { hostId: string; volume: Volume; pools: readonly Pool[]; taken: string[]; onClose(): void }) {
  const [name, setName] = useState(() => cloneName(volume.name, taken));
  const [target, setTarget] = useState(volume.pool);
  const [format, setFormat] = useState<'same' | 'qcow2' | 'raw'>('same');
  const clone = useStorageCall('volumes.clone', hostId, { inline: true, failTitle: `Could not clone ${volume.name}` });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    clone.mutate({ hostId, pool: volume.pool, name: volume.name, newName: name.trim(), ...(target !== volume.pool ? { targetPool: target } : {}), ...(format !== 'same' ? { format } : {}) }, { onSuccess: onClose });
  };
  return (
    <Modal title={`Clone ${volume.name}`} onClose={onClose} busy={clone.isPending} footer={<Footer busy={clone.isPending} disabled={!name.trim()} label="Clone" onClose={onClose} testId="volume-clone-form" />}>
      <form id="volume-clone-form" className="form-grid" onSubmit={submit} noValidate>
        <Field label="New name" wide>
          {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} data-autofocus data-testid="clone-name" />}
        </Field>
        <Field label="Into pool">
          {(p) => (
            <select {...p} value={target} onChange={(e) => setTarget(e.target.value)}>
              {pools.filter((x) => x.active).map((x) => (
                <option key={x.name} value={x.name}>
                  {x.name} ({formatBytes(x.available)} free)
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Format">
          {(p) => (
            <select {...p} value={format} onChange={(e) => setFormat(e.target.value as typeof format)}>
              <option value="same">Same as the source ({volume.format ?? 'raw'})</option>
              <option value="qcow2">qcow2</option>
              <option value="raw">raw</option>
            </select>
          )}
        </Field>
      </form>
      <p className="muted small">The copy ({formatBytes(volume.allocation)} of data) runs as a task with progress; cancelling it deletes the partial copy.</p>
      <ErrorBanner error={clone.error} />
    </Modal>
  );
}

export function DeleteVolumeDialog({ hostId, volume, onClose }: { hostId: string; volume: Volume; onClose(): void }) {
  const del = useStorageCall('volumes.delete', hostId, { inline: true, failTitle: `Could not delete ${volume.name}`, success: () => `${volume.name} deleted` });
  const users = volume.usedBy.map((u) => `${u.name} (${u.how === 'backing' ? `backing file of ${u.target}` : u.target})`);
  return (
    <ConfirmDialog title={`Delete ${volume.name}?`} confirmLabel="Delete volume" danger busy={del.isPending} onCancel={onClose} onConfirm={() => del.mutate({ hostId, pool: volume.pool, name: volume.name }, { onSuccess: onClose })}>
      <p>
        The image <span className="mono">{volume.path}</span> ({formatBytes(volume.allocation)} on disk) is deleted for good.
      </p>
      {(users.length > 0 || volume.backingOf.length > 0) && (
        <p className="banner warn">
          {users.length > 0 && <>In use by {users.join(', ')}. </>}
          {volume.backingOf.length > 0 && <>Backing file of {volume.backingOf.join(', ')}. </>}
          VirtDeck will refuse to delete it.
        </p>
      )}
      {del.error && (
        <div className="banner bad" role="alert" data-testid="dialog-error">
          {del.error.message}
        </div>
      )}
    </ConfirmDialog>
  );
}
