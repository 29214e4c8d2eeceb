import type { NetworkSummary } from '../../../shared/model/network';
import { Spinner } from '../../ui/Spinner';
import { useNetworkAction, useNetworkAutostart } from './mutations';

/** Start/stop and autostart for one network (list rows and the network page). */
export function NetworkStartStop({ net, compact = false }: { net: NetworkSummary; compact?: boolean }) {
  const act = useNetworkAction(net.hostId, net.name);
  const label = net.active ? 'Stop' : 'Start';
  return (
    <button
      type="button"
      className={compact ? 'ghost small-btn' : net.active ? 'ghost' : ''}
      disabled={act.isPending}
      onClick={() => act.mutate(net.active ? 'stop' : 'start')}
      data-testid={`network-${net.active ? 'stop' : 'start'}-${net.name}`}
      title={net.active ? 'Running VMs on this network lose connectivity until it starts again' : undefined}
    >
      {act.isPending && <Spinner />}
      {label}
    </button>
  );
}

export function NetworkAutostart({ net }: { net: NetworkSummary }) {
  const m = useNetworkAutostart(net.hostId, net.name);
  const shown = m.isPending && m.variables !== undefined ? m.variables : net.autostart;
  return (
    <label className="switch-row" title={net.persistent ? undefined : 'A transient network cannot autostart'}>
      <input
        type="checkbox"
        role="switch"
        checked={shown}
        disabled={!net.persistent || m.isPending}
        onChange={(e) => m.mutate(e.target.checked)}
        data-testid={`network-autostart-${net.name}`}
      />
      <span>{shown ? 'Starts with the host' : 'Off'}</span>
      {m.isPending && <Spinner />}
    </label>
  );
}
