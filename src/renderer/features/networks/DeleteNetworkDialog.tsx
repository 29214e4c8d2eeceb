import { useId } from 'react';
import { Modal } from '../../ui/Modal';
import { Spinner } from '../../ui/Spinner';
import { LoadingState } from '../../ui/States';
import { useDeleteNetwork } from './mutations';
import { useNetwork } from './queries';
import { Trans, useTranslation } from 'react-i18next';
import { stateLabel } from '../../i18n';

/** Delete, refused while VMs use the network (named here, and checked again by the core). */
export function DeleteNetworkDialog({ hostId, name, onClose, onDeleted }: { hostId: string; name: string; onClose(): void; onDeleted(): void }) {
  const { t } = useTranslation(['networks', 'common']);
  const bodyId = useId();
  const details = useNetwork(hostId, name);
  const del = useDeleteNetwork(hostId, name, onDeleted);
  const vms = [...new Map((details.data?.users ?? []).map((u) => [u.uuid, u])).values()];
  const blocked = vms.length > 0;
  return (
    <Modal
      title={t('del.title', { name })}
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
            {blocked ? t('common:close') : t('common:cancel')}
          </button>
          {!blocked && (
            <button type="button" className="danger" onClick={() => del.mutate()} disabled={del.isPending || details.isFetching} data-testid="confirm-ok">
              {del.isPending && <Spinner />}
              {t('del.confirm')}
            </button>
          )}
        </>
      }
    >
      <div id={bodyId}>
        {details.isPending ? (
          <LoadingState label={t('del.checking')} />
        ) : blocked ? (
          <div className="banner bad" role="alert" data-testid="network-delete-refused">
            <strong>{t('del.inUse')}</strong>
            <p>
              <Trans
                t={t}
                i18nKey="del.users"
                count={vms.length}
                values={{ name }}
                components={{
                  list: (
                    <span>
                      {vms.map((u, i) => (
                        <span key={u.uuid}>
                          {i > 0 && t('common:format.listSep')}
                          <strong>{u.vm}</strong> ({stateLabel(u.state)})
                        </span>
                      ))}
                    </span>
                  ),
                }}
              />
            </p>
          </div>
        ) : (
          <p>{t('del.body')}</p>
        )}
        {del.error && (
          <div className="banner bad" role="alert" data-testid="network-delete-error">
            <strong>{t('del.notDeleted')}</strong> {del.error.message}
          </div>
        )}
      </div>
    </Modal>
  );
}
