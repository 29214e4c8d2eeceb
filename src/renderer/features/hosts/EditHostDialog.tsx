import type { Host } from '../../../shared/model/host';
import { HostFormDialog, useHostForm } from './HostForm';
import { configToDraft, draftToPatch } from './host-form';
import { useUpdateHost } from './mutations';

/** Every setting of a host, in the same form as "Add host"; the id (and with it history and URLs) stays. */
export function EditHostDialog({ host, onClose }: { host: Host; onClose(): void }) {
  const update = useUpdateHost();
  const form = useHostForm(configToDraft(host.config), 'edit-host');
  return (
    <HostFormDialog
      title={`Edit ${host.config.name}`}
      form={form}
      busy={update.isPending}
      submitLabel="Save"
      note={
        <span className="host-id">
          Id <span className="mono">{host.config.id}</span> stays; a changed address or login reconnects.
        </span>
      }
      onSubmit={() => update.mutate({ hostId: host.config.id, patch: draftToPatch(form.draft) }, { onSuccess: onClose, onError: (e) => form.fail(e) })}
      onClose={onClose}
    />
  );
}
