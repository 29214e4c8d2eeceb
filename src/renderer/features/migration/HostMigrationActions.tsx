import { useTranslation } from 'react-i18next';
import { useState } from 'react';
import { useHosts } from '../hosts/queries';
import { Spinner } from '../../ui/Spinner';
import { EvacuateDialog } from './EvacuateDialog';
import { useSetMaintenance } from './queries';

/** On the host page: the maintenance mark (and a switch for it) and "Evacuate…". */
export function HostMigrationActions({ hostId }: { hostId: string }) {
  const { t } = useTranslation('hosts');
  const host = useHosts().data?.find((h) => h.config.id === hostId);
  const setMaintenance = useSetMaintenance();
  const [evacuating, setEvacuating] = useState(false);
  if (!host) return null;
  const on = host.config.maintenance === true;
  const connected = host.state.status === 'connected';
  return (
    <div className="host-mig" role="group" aria-label={t('maint.label')}>
      {on && (
        <span className="badge maint" data-testid="host-maintenance-badge" title={t('maint.badgeTip')}>
          {t('maint.badge')}
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
        {on ? t('maint.end') : t('maint.label')}
      </button>
      <button type="button" className="small ghost" onClick={() => setEvacuating(true)} disabled={!connected} title={connected ? t('maint.evacuateTip') : t('maint.connectFirst')} data-testid="host-evacuate">
        {t('maint.evacuate')}
      </button>
      {evacuating && <EvacuateDialog host={host} onClose={() => setEvacuating(false)} />}
    </div>
  );
}
