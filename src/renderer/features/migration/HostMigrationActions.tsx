import { useState } from 'react';
import { useHosts } from '../hosts/queries';
import { Spinner } from '../../ui/Spinner';
import { EvacuateDialog } from './EvacuateDialog';
import { useSetMaintenance } from './queries';

/** On the host page: the maintenance mark (and a switch for it) and "Evacuate…". */
export function HostMigrationActions({ hostId }: { hostId: string }) {
  const host = useHosts().data?.find((h) => h.config.id === hostId);
  const setMaintenance = useSetMaintenance();
  const [evacuating, setEvacuating] = useState(false);
  if (!host) return null;
  const on = host.config.maintenance === true;
  const connected = host.state.status === 'connected';
  return (
    <div className="host-mig" role="group" aria-label="Maintenance">
      {on && (
        <span className="badge maint" data-testid="host-maintenance-badge" title="Placement advice never picks this host">
          In maintenance
        </span>
      )}
      <button
        type="button"
        className="small ghost"
        onClick={() => setMaintenance.mutate({ hostId, maintenance: !on })}
        disabled={setMaintenance.isPending}
        data-testid="host-maintenance-toggle"
      >
        {setMaintenance.isPending && <Spinner />}
        {on ? 'End maintenance' : 'Maintenance'}
      </button>
      <button type="button" className="small ghost" onClick={() => setEvacuating(true)} disabled={!connected} title={connected ? 'Move every VM off this host' : 'Connect the host first'} data-testid="host-evacuate">
        Evacuate…
      </button>
      {evacuating && <EvacuateDialog host={host} onClose={() => setEvacuating(false)} />}
    </div>
  );
}
