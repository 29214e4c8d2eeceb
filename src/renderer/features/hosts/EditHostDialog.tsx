import type { Host } from '../../../shared/model/host';
import { Modal } from '../../ui/Modal';
import { Spinner } from '../../ui/Spinner';
import { HostFields, useHostForm } from './HostForm';
import { configToDraft, draftToPatch } from './host-form';
import { useUpdateHost } from './mutations';
import './hosts.css';

/** Every setting of a host, in the same form as "Add host"; the id (and with it history and URLs) stays. */
export function EditHostDialog({ host, onClose }: { host: Host; onClose(): void }) {
  const update = useUpdateHost();
  const form = useHostForm(configToDraft(host.config), 'edit-host');
  const submit = () => {
    if (!form.check()) return;
    update.mutate({ hostId: host.config.id, patch: draftToPatch(form.draft) }, { onSuccess: onClose, onError: (e) => form.fail(e) });
  };
  return (
    <Modal
      title={`Edit ${host.config.name}`}
      onClose={onClose}
      busy={update.isPending}
      testId="edit-host-dialog"
      footer={
        <>
          <span className="foot-note muted host-id">
            Id <span className="mono">{host.config.id}</span> stays; a changed address or login reconnects.
          </span>
          <button type="button" className="ghost" onClick={onClose} disabled={update.isPending}>
            Cancel
          </button>
          <button type="submit" form="edit-host-form" disabled={update.isPending} data-testid="edit-host-submit">
            {update.isPending && <Spinner />}Save
          </button>
        </>
      }
    >
      <form
        id="edit-host-form"
        className="add-host"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <HostFields form={form} onShowExisting={onClose} />
      </form>
    </Modal>
  );
}
