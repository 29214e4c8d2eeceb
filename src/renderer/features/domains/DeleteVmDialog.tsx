import { useState } from 'react';
import type { DomainDetails, DomainSummary, Disk } from '../../../shared/model/domain';
import { Modal } from '../../ui/Modal';
import { Spinner } from '../../ui/Spinner';
import { useDeleteDomain } from './mutations';

/**
 * What `domains.delete` accepts to name a volume: the disk's source path, which
 * the core checks against the domain's own disks. Pool-addressed disks
 * (`type='volume'`, no path) can't be named that way, so they aren't offered.
 */
export const diskVolumeId = (d: Disk): string | undefined => d.source;

// Install media and shared read-only images are never offered for deletion:
// they usually belong to other VMs too.
const deletable = (d: Disk) => d.device === 'disk' && !d.readonly && diskVolumeId(d) !== undefined;

export function DeleteVmDialog({ vm, details, onClose }: { vm: DomainSummary; details: DomainDetails | undefined; onClose(): void }) {
  const del = useDeleteDomain();
  const disks = (details?.disks ?? []).filter(deletable);
  const [chosen, setChosen] = useState<Record<string, boolean>>({});
  const volumes = disks.map(diskVolumeId).filter((v): v is string => !!v && !!chosen[v]);
  const active = vm.state !== 'shutoff';

  return (
    <Modal
      title={`Delete ${vm.name}?`}
      onClose={onClose}
      busy={del.isPending}
      role="alertdialog"
      testId="delete-dialog"
      footer={
        <>
          <button type="button" className="ghost" onClick={onClose} disabled={del.isPending} data-testid="confirm-cancel" data-autofocus>
            Cancel
          </button>
          <button
            type="button"
            className="danger"
            disabled={del.isPending}
            data-testid="confirm-ok"
            onClick={() => del.mutate({ domain: vm, volumes }, { onSuccess: onClose })}
          >
            {del.isPending && <Spinner />}
            {volumes.length ? `Delete VM and ${volumes.length} disk${volumes.length > 1 ? 's' : ''}` : 'Delete VM'}
          </button>
        </>
      }
    >
      <p>
        The definition of <strong>{vm.name}</strong> is removed from the host.
        {active && ' It is running and will be forced off first.'}
      </p>
      {!details ? (
        <p className="muted">Reading its disks…</p>
      ) : disks.length === 0 ? (
        <p className="muted">It has no disk volumes that could be deleted with it.</p>
      ) : (
        <fieldset className="disk-pick">
          <legend>Also delete these disk volumes (cannot be undone):</legend>
          {disks.map((d) => {
            const id = diskVolumeId(d)!;
            return (
              <label key={d.target} className="check-row">
                <input type="checkbox" checked={!!chosen[id]} onChange={(e) => setChosen((c) => ({ ...c, [id]: e.target.checked }))} data-testid={`delete-disk-${d.target}`} />
                <span className="mono">{d.target}</span>
                <span className="mono ellipsis" title={id}>
                  {id}
                </span>
                {d.format && <span className="chip">{d.format}</span>}
              </label>
            );
          })}
        </fieldset>
      )}
      {del.error && (
        <p className="error-text" role="alert">
          {del.error.message}
        </p>
      )}
    </Modal>
  );
}
