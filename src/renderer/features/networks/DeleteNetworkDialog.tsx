import { useId } from 'react';
import { Modal } from '../../ui/Modal';
import { Spinner } from '../../ui/Spinner';
import { LoadingState } from '../../ui/States';
import { useDeleteNetwork } from './mutations';
import { useNetwork } from './queries';

/** Delete, refused while VMs use the network (named here, and checked again by the core). */
export function DeleteNetworkDialog({ hostId, name, onClose, onDeleted }: { hostId: string; name: string; onClose(): void; onDeleted(): void }) {
  const bodyId = useId();
  const details = useNetwork(hostId, name);
  const del = useDeleteNetwork(hostId, name, onDeleted);
  const vms = [...new Map((details.data?.users ?? []).map((u) => [u.uuid, u])).values()];
  const blocked = vms.length > 0;
  return (
    <Modal
      title={`Delete network '${name}'?`}
      onClose={onClose}
      size="small"
      busy={del.isPending}
      role="alertdialog"
      describedBy={bodyId}
      testId="confirm-dialog"
      footer={
        <>
          {/* Cancel first: a stray Enter never deletes anything. */}
          <button type="button" className="ghost" onClick={onClose} disabled={del.isPending} data-testid="confirm-cancel" data-autofocus>
            {blocked ? 'Close' : 'Cancel'}
          </button>
          {!blocked && (
            <button type="button" className="danger" onClick={() => del.mutate()} disabled={del.isPending || details.isFetching} data-testid="confirm-ok">
              {del.isPending && <Spinner />}
              Delete network
            </button>
          )}
        </>
      }
    >
      <div id={bodyId}>
        {details.isPending ? (
          <LoadingState label="Checking which VMs use it…" />
        ) : blocked ? (
          <div className="banner bad" role="alert" data-testid="network-delete-refused">
            <strong>In use: it can’t be deleted.</strong>
            <p>
              {vms.length === 1 ? 'This VM has' : 'These VMs have'} a network interface on '{name}':{' '}
              {vms.map((u, i) => (
                <span key={u.uuid}>
                  {i > 0 && ', '}
                  <strong>{u.vm}</strong> ({u.state})
                </span>
              ))}
              . Move their interfaces to another network or delete them first.
            </p>
          </div>
        ) : (
          <p>The network is stopped and its definition removed, with its reservations. No VM uses it. This can’t be undone.</p>
        )}
        {del.error && (
          <div className="banner bad" role="alert" data-testid="network-delete-error">
            <strong>Not deleted.</strong> {del.error.message}
          </div>
        )}
      </div>
    </Modal>
  );
}
