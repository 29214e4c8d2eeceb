import { useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import type { DeleteDisk } from '../../../shared/model/delete-plan';
import type { DomainSummary } from '../../../shared/model/domain';
import { Modal } from '../../ui/Modal';
import { Spinner } from '../../ui/Spinner';
import { useDeleteDomain } from './mutations';
import { useDeletePlan } from './queries';

/**
 * The core decides which images may go (`domains.deletePlan`): the VM's own
 * writable disks that no other VM uses, directly or as a backing file. The
 * dialog offers those and says why every other disk stays; the core checks
 * again when asked to delete, so a plan gone stale is refused, not obeyed.
 */
export function DeleteVmDialog({ vm, onClose }: { vm: DomainSummary; onClose(): void }) {
  const { t } = useTranslation(['domains', 'common']);
  const del = useDeleteDomain();
  const plan = useDeletePlan(vm.hostId, vm.uuid);
  const [chosen, setChosen] = useState<Record<string, boolean>>({});
  const offered = (plan.data?.disks ?? []).filter((d): d is DeleteDisk & { path: string } => d.deletable && !!d.path);
  const kept = (plan.data?.disks ?? []).filter((d) => !d.deletable);
  const volumes = offered.map((d) => d.path).filter((p) => chosen[p]);
  const active = vm.state !== 'shutoff';

  return (
    <Modal
      title={t('del.title', { name: vm.name })}
      onClose={onClose}
      busy={del.isPending}
      role="alertdialog"
      testId="delete-dialog"
      footer={
        <>
          <button type="button" className="ghost" onClick={onClose} disabled={del.isPending} data-testid="confirm-cancel" data-autofocus>
            {t('common:cancel')}
          </button>
          <button
            type="button"
            className="danger"
            disabled={del.isPending || plan.isFetching}
            data-testid="confirm-ok"
            onClick={() => del.mutate({ domain: vm, volumes }, { onSuccess: onClose })}
          >
            {del.isPending && <Spinner />}
            {volumes.length ? t('del.withDisks', { count: volumes.length, n: volumes.length }) : t('del.vmOnly')}
          </button>
        </>
      }
    >
      <p>
        <Trans t={t} i18nKey="del.body" values={{ name: vm.name }} components={{ b: <strong /> }} />
        {active && ` ${t('del.running')}`}
      </p>
      {plan.isPending ? (
        <p className="muted" data-testid="delete-reading">
          <Spinner /> {t('del.checking')}
        </p>
      ) : plan.error ? (
        <p className="error-text" data-testid="delete-plan-error">
          {t('del.planError', { message: plan.error.message })}
        </p>
      ) : (
        <>
          {offered.length === 0 ? (
            <p className="muted" data-testid="delete-none">
              {t('del.none')}
            </p>
          ) : (
            <fieldset className="disk-pick">
              <legend>{t('del.alsoDelete')}</legend>
              {offered.map((d) => (
                <label key={d.target} className="check-row">
                  <input
                    type="checkbox"
                    checked={!!chosen[d.path]}
                    onChange={(e) => setChosen((c) => ({ ...c, [d.path]: e.target.checked }))}
                    data-testid={`delete-disk-${d.target}`}
                  />
                  <span className="mono">{d.target}</span>
                  <span className="mono ellipsis" title={d.path}>
                    {d.path}
                  </span>
                  {d.format && <span className="chip">{d.format}</span>}
                </label>
              ))}
            </fieldset>
          )}
          {kept.length > 0 && (
            <fieldset className="disk-pick disk-kept">
              <legend>{t('del.kept')}</legend>
              {kept.map((d) => (
                <div key={d.target} className="kept-row" data-testid={`delete-kept-${d.target}`}>
                  <span className="mono">{d.target}</span>
                  <span className="mono ellipsis" title={d.path}>
                    {d.path ?? (d.device === 'cdrom' ? t('del.emptyDrive') : '—')}
                  </span>
                  <span className="kept-why">{d.reason}</span>
                </div>
              ))}
            </fieldset>
          )}
        </>
      )}
      {del.error && (
        <p className="error-text" role="alert" data-testid="delete-error">
          {del.error.message}
        </p>
      )}
    </Modal>
  );
}
