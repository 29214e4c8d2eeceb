import { useTranslation } from 'react-i18next';
import { Spinner } from '../../ui/Spinner';
import { useSetAutostart } from './mutations';

export function AutostartToggle({ hostId, uuid, value, disabled }: { hostId: string; uuid: string; value: boolean; disabled: boolean }) {
  const { t } = useTranslation('domains');
  const m = useSetAutostart(hostId, uuid);
  // Show the requested value while the call runs; revert by refetch if it fails.
  const shown = m.isPending && m.variables !== undefined ? m.variables : value;
  return (
    <label className="switch-row" title={disabled ? t('autostart.transient') : undefined}>
      <input type="checkbox" role="switch" checked={shown} disabled={disabled || m.isPending} onChange={(e) => m.mutate(e.target.checked)} data-testid="vm-autostart" />
      <span>{shown ? t('autostart.on') : t('autostart.off')}</span>
      {m.isPending && <Spinner />}
    </label>
  );
}
