import { useState } from 'react';
import type { Host } from '../../../shared/model/host';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { Spinner } from '../../ui/Spinner';
import { EditHostDialog } from './EditHostDialog';
import { useConnectHost, useDisconnectHost, useRemoveHost } from './mutations';
import { useCan } from '../session/queries';

export function HostActions({ host }: { host: Host }) {
  const id = host.config.id;
  const { status, retryAt } = host.state;
  const connect = useConnectHost();
  const disconnect = useDisconnectHost();
  const remove = useRemoveHost();
  const [confirmRemove, setConfirmRemove] = useState(false);
  const can = useCan();
  const [editing, setEditing] = useState(false);
  const busy = connect.isPending || disconnect.isPending || remove.isPending;
  const failed = status === 'unreachable' || status === 'needs-auth' || retryAt !== undefined;
  // Disconnect also stops a scheduled retry, so it stays offered while one is pending.
  const canDisconnect = status === 'connected' || status === 'connecting' || retryAt !== undefined;

  if (!can.connectHosts) return null;
  return (
    <div className="toolbar" role="toolbar" aria-label="Host actions">
      {failed ? (
        <button type="button" onClick={() => connect.mutate(id)} disabled={busy || status === 'connecting'} data-testid="host-action-retry">
          {connect.isPending && <Spinner />}Retry now
        </button>
      ) : (
        <button type="button" onClick={() => connect.mutate(id)} disabled={busy || status !== 'disconnected'} data-testid="host-action-connect">
          {connect.isPending && <Spinner />}Connect
        </button>
      )}
      {can.manageHosts && (
        <>
          <button type="button" className="ghost" onClick={() => disconnect.mutate(id)} disabled={busy || !canDisconnect} data-testid="host-action-disconnect">
            {disconnect.isPending && <Spinner />}Disconnect
          </button>
          <span className="toolbar-sep" />
          <button type="button" className="ghost" onClick={() => setEditing(true)} disabled={remove.isPending} data-testid="host-action-edit">
            Edit…
          </button>
          <button type="button" className="ghost danger-text" onClick={() => setConfirmRemove(true)} disabled={busy} data-testid="host-action-remove">
            Remove…
          </button>
          {editing && <EditHostDialog host={host} onClose={() => setEditing(false)} />}
        </>
      )}
      {confirmRemove && (
        <ConfirmDialog
          title={`Remove host ${host.config.name}?`}
          confirmLabel="Remove host"
          danger
          busy={remove.isPending}
          onCancel={() => setConfirmRemove(false)}
          onConfirm={() => remove.mutate(id, { onSettled: () => setConfirmRemove(false) })}
        >
          <p>
            VirtDeck disconnects from <strong>{host.config.name}</strong> and forgets it. Its virtual machines keep running and nothing on the host
            changes; you can add it again later.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
