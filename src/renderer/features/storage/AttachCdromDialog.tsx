import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { stateLabel } from '../../i18n/labels';
import type { Volume } from '../../../shared/model/volume';
import { Modal } from '../../ui/Modal';
import { useDomains } from '../domains/queries';
import { Field } from './Field';
import { useStorageCall } from './queries';
import { ErrorBanner, Footer } from './VolumeDialogs';

/** Puts an ISO into a VM's CD-ROM drive (its empty drive, or a new one at the next start). */
export function AttachCdromDialog({ hostId, volume, onClose }: { hostId: string; volume: Volume; onClose(): void }) {
  const { t } = useTranslation('storage');
  const domains = useDomains(hostId, true);
  const [uuid, setUuid] = useState('');
  const attach = useStorageCall('domains.attachCdrom', hostId, { inline: true,
    failTitle: t('cdrom.error', { name: volume.name }),
    success: (r) => {
      const v = { name: volume.name, target: r.target, note: r.note };
      if (r.note) return r.live ? t('cdrom.doneNowNote', v) : t('cdrom.doneNote', v);
      return r.live ? t('cdrom.doneNow', v) : t('cdrom.done', v);
    },
  });
  const vms = [...(domains.data ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (uuid) attach.mutate({ hostId, uuid, pool: volume.pool, volume: volume.name }, { onSuccess: onClose });
  };
  return (
    <Modal title={t('cdrom.title', { name: volume.name })} onClose={onClose} busy={attach.isPending} size="small" testId="cdrom-dialog" footer={<Footer busy={attach.isPending} disabled={!uuid} label={t('cdrom.ok')} onClose={onClose} testId="cdrom-form" />}>
      <form id="cdrom-form" className="form-grid" onSubmit={submit} noValidate>
        <Field label={t('cdrom.vm')} wide hint={t('cdrom.hint')}>
          {(p) => (
            <select {...p} value={uuid} onChange={(e) => setUuid(e.target.value)} data-autofocus data-testid="cdrom-vm">
              <option value="">{t('cdrom.choose')}</option>
              {vms.map((d) => (
                <option key={d.uuid} value={d.uuid}>
                  {d.name} ({stateLabel(d.state)})
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
