import { useState, type FormEvent } from 'react';
import type { Volume } from '../../../shared/model/volume';
import { Modal } from '../../ui/Modal';
import { useDomains } from '../domains/queries';
import { Field } from './Field';
import { useStorageCall } from './queries';
import { ErrorBanner, Footer } from './VolumeDialogs';

/** Puts an ISO into a VM's CD-ROM drive (its empty drive, or a new one at the next start). */
export function AttachCdromDialog({ hostId, volume, onClose }: { hostId: string; volume: Volume; onClose(): void }) {
  const domains = useDomains(hostId, true);
  const [uuid, setUuid] = useState('');
  const attach = useStorageCall('domains.attachCdrom', hostId, { inline: true,
    failTitle: `Could not insert ${volume.name}`,
    success: (r) => `${volume.name} is in ${r.target}${r.live ? ' now' : ''}${r.note ? `: ${r.note}` : ''}`,
  });
  const vms = [...(domains.data ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (uuid) attach.mutate({ hostId, uuid, pool: volume.pool, volume: volume.name }, { onSuccess: onClose });
  };
  return (
    <Modal title={`Insert ${volume.name} into a CD-ROM drive`} onClose={onClose} busy={attach.isPending} size="small" testId="cdrom-dialog" footer={<Footer busy={attach.isPending} disabled={!uuid} label="Insert" onClose={onClose} testId="cdrom-form" />}>
      <form id="cdrom-form" className="form-grid" onSubmit={submit} noValidate>
        <Field label="Virtual machine" wide hint="A running VM gets the disc at once if it has a CD-ROM drive; otherwise a drive is added for its next start">
          {(p) => (
            <select {...p} value={uuid} onChange={(e) => setUuid(e.target.value)} data-autofocus data-testid="cdrom-vm">
              <option value="">Choose…</option>
              {vms.map((d) => (
                <option key={d.uuid} value={d.uuid}>
                  {d.name} ({d.state})
                </option>
              ))}
            </select>
          )}
        </Field>
      </form>
      <ErrorBanner error={attach.error} />
    </Modal>
  );
}
