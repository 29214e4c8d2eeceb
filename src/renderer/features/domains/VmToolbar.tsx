import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { i18n } from '../../i18n';
import type { DomainSummary, LifecycleAction } from '../../../shared/model/domain';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { Spinner } from '../../ui/Spinner';
import { DeleteVmDialog } from './DeleteVmDialog';
import { actionLabel, actionNeeds, canRun } from './lifecycle';
import { useLifecycle } from './mutations';
import { isBusy, usePending } from './pending';
import { useCan } from '../session/queries';

const BUTTONS: LifecycleAction[] = ['start', 'shutdown', 'reboot', 'pause', 'resume', 'forceOff', 'reset'];

const CONFIRM: Partial<Record<LifecycleAction, { title: (name: string) => string; body: (name: string) => string; label: () => string }>> = {
  forceOff: {
    title: (name) => i18n.t('domains:confirm.forceOffTitle', { name }),
    body: (name) => i18n.t('domains:confirm.forceOffBody', { name }),
    label: () => actionLabel('forceOff'),
  },
  reset: {
    title: (name) => i18n.t('domains:confirm.resetTitle', { name }),
    body: (name) => i18n.t('domains:confirm.resetBody', { name }),
    label: () => actionLabel('reset'),
  },
};

/** `only`: offer just these actions and no delete (the help-desk profile's power on and reboot). */
export function VmToolbar({ vm, only }: { vm: DomainSummary; only?: readonly LifecycleAction[] }) {
  const { t } = useTranslation('domains');
  const lifecycle = useLifecycle();
  const op = usePending((s) => s.ops[`${vm.hostId}/${vm.uuid}`]);
  const busy = isBusy(op, vm.state) || lifecycle.isPending;
  const [confirm, setConfirm] = useState<LifecycleAction | null>(null);
  const [deleting, setDeleting] = useState(false);
  // Only what the core would allow is offered; the core still checks every call.
  const can = useCan();

  const run = (action: LifecycleAction) => lifecycle.mutate({ targets: [vm], action });
  const onClick = (action: LifecycleAction) => (CONFIRM[action] ? setConfirm(action) : run(action));
  const c = confirm ? CONFIRM[confirm] : undefined;

  return (
    <div className="toolbar" role="toolbar" aria-label={t('actionsFor', { name: vm.name })}>
      {BUTTONS.filter((a) => can.lifecycle.includes(a) && (!only || only.includes(a))).map((a) => {
        const allowed = canRun(a, vm.state);
        const spinning = busy && (op?.action === a || lifecycle.variables?.action === a);
        return (
          <button
            key={a}
            type="button"
            className={a === 'start' ? '' : 'ghost'}
            disabled={!allowed || busy}
            title={allowed ? undefined : actionNeeds(a)}
            onClick={() => onClick(a)}
            data-testid={`vm-action-${a}`}
          >
            {spinning && <Spinner />}
            {actionLabel(a)}
            {CONFIRM[a] ? '…' : ''}
          </button>
        );
      })}
      {can.deleteVms && !only && (
        <>
          <span className="toolbar-sep" />
          <button type="button" className="ghost danger-text" disabled={busy} onClick={() => setDeleting(true)} data-testid="vm-action-delete">
            {t('deleteEllipsis')}
          </button>
        </>
      )}
      {confirm && c && (
        <ConfirmDialog
          title={c.title(vm.name)}
          confirmLabel={c.label()}
          danger
          onCancel={() => setConfirm(null)}
          onConfirm={() => {
            setConfirm(null);
            run(confirm);
          }}
        >
          <p>{c.body(vm.name)}</p>
        </ConfirmDialog>
      )}
      {deleting && <DeleteVmDialog vm={vm} onClose={() => setDeleting(false)} />}
    </div>
  );
}
