import { useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import type { Host } from '../../../shared/model/host';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { Spinner } from '../../ui/Spinner';
import { EditHostDialog } from './EditHostDialog';
import { useConnectHost, useDisconnectHost, useRemoveHost } from './mutations';
import { useCan } from '../session/queries';

export function HostActions({ host }: { host: Host }) {
  const { t } = useTranslation('hosts');
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
    <div className="toolbar" role="toolbar" aria-label={t('actions.label')}>
      {failed ? (
        <button type="button" onClick={() => connect.mutate(id)} disabled={busy || status === 'connecting'} data-testid="host-action-retry">
          {connect.isPending && <Spinner />}
          {t('actions.retryNow')}
        </button>
      ) : (
        <button type="button" onClick={() => connect.mutate(id)} disabled={busy || status !== 'disconnected'} data-testid="host-action-connect">
          {connect.isPending && <Spinner />}
          {t('actions.connect')}
        </button>
      )}
      {can.manageHosts && (
        <>
          <button type="button" className="ghost" onClick={() => disconnect.mutate(id)} disabled={busy || !canDisconnect} data-testid="host-action-disconnect">
            {disconnect.isPending && <Spinner />}
            {t('actions.disconnect')}
          </button>
          <span className="toolbar-sep" />
          <button type="button" className="ghost" onClick={() => setEditing(true)} disabled={remove.isPending} data-testid="host-action-edit">
            {t('actions.edit')}
          </button>
          <button type="button" className="ghost danger-text" onClick={() => setConfirmRemove(true)} disabled={busy} data-testid="host-action-remove">
            {t('actions.remove')}
          </button>
          {editing && <EditHostDialog host={host} onClose={() => setEditing(false)} />}
        </>
      )}
      {confirmRemove && (
        <ConfirmDialog
          title={t('actions.removeTitle', { name: host.config.name })}
          confirmLabel={t('actions.removeConfirm')}
          danger
          busy={remove.isPending}
          onCancel={() => setConfirmRemove(false)}
          onConfirm={() => remove.mutate(id, { onSettled: () => setConfirmRemove(false) })}
        >
          <p>
            <Trans t={t} i18nKey="actions.removeBody" values={{ name: host.config.name }} components={{ b: <strong /> }} />
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
