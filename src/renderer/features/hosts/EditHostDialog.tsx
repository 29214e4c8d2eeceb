import type { Host } from '../../../shared/model/host';
import { HostFormDialog, useHostForm } from './HostForm';
import { configToDraft, draftToPatch } from './host-form';
import { useUpdateHost } from './mutations';
import { Trans, useTranslation } from 'react-i18next';

/** Every setting of a host, in the same form as "Add host"; the id (and with it history and URLs) stays. */
export function EditHostDialog({ host, onClose }: { host: Host; onClose(): void }) {
  const { t } = useTranslation('hosts');
  const update = useUpdateHost();
  const form = useHostForm(configToDraft(host.config), 'edit-host');
  return (
    <HostFormDialog
      title={t('edit.title', { name: host.config.name })}
      form={form}
      busy={update.isPending}
      submitLabel={t('edit.save')}
      note={
        <span className="host-id">
          <Trans t={t} i18nKey="edit.note" values={{ id: host.config.id }} components={{ m: <span className="mono" /> }} />
        </span>
      }
      onSubmit={() => update.mutate({ hostId: host.config.id, patch: draftToPatch(form.draft) }, { onSuccess: onClose, onError: (e) => form.fail(e) })}
      onClose={onClose}
    />
  );
}
