import { useState } from 'react';
import type { DomainSummary, LifecycleAction } from '../../../shared/model/domain';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { Spinner } from '../../ui/Spinner';
import { DeleteVmDialog } from './DeleteVmDialog';
import { ACTION_LABEL, ACTION_NEEDS, canRun } from './lifecycle';
import { useLifecycle } from './mutations';
import { isBusy, usePending } from './pending';
import { useCan } from '../session/queries';

const BUTTONS: LifecycleAction[] = ['start', 'shutdown', 'reboot', 'pause', 'resume', 'forceOff', 'reset'];

const CONFIRM: Partial<Record<LifecycleAction, { title: (n: string) => string; body: (n: string) => string; label: string }>> = {
  forceOff: {
    title: (n) => `Force off ${n}?`,
    body: (n) => `${n} is cut off like pulling the power cord. Unsaved data in the guest is lost and its file systems may need a check.`,
    label: 'Force off',
  },
  reset: {
    title: (n) => `Reset ${n}?`,
    body: (n) => `${n} restarts at once like pressing the reset button, without the guest shutting down. Unsaved data is lost.`,
    label: 'Reset',
  },
};

/** `only`: offer just these actions and no delete (the help-desk profile's power on and reboot). */
export function VmToolbar({ vm, only }: { vm: DomainSummary; only?: readonly LifecycleAction[] }) {
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
    <div className="toolbar" role="toolbar" aria-label={`Actions for ${vm.name}`}>
      {BUTTONS.filter((a) => can.lifecycle.includes(a) && (!only || only.includes(a))).map((a) => {
        const allowed = canRun(a, vm.state);
        const spinning = busy && (op?.action === a || lifecycle.variables?.action === a);
        return (
          <button
            key={a}
            type="button"
            className={a === 'start' ? '' : 'ghost'}
            disabled={!allowed || busy}
            title={allowed ? undefined : ACTION_NEEDS[a]}
            onClick={() => onClick(a)}
            data-testid={`vm-action-${a}`}
          >
            {spinning && <Spinner />}
            {ACTION_LABEL[a]}
            {CONFIRM[a] ? '…' : ''}
          </button>
        );
      })}
      {can.deleteVms && !only && (
        <>
          <span className="toolbar-sep" />
          <button type="button" className="ghost danger-text" disabled={busy} onClick={() => setDeleting(true)} data-testid="vm-action-delete">
            Delete…
          </button>
        </>
      )}
      {confirm && c && (
        <ConfirmDialog
          title={c.title(vm.name)}
          confirmLabel={c.label}
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
