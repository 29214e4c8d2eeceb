import { useTranslation } from 'react-i18next';
import { ErrorState, LoadingState } from '../../ui/States';
import { DisksSection, DisplaySection, NicsSection } from './DeviceSections';
import { InstallBanner } from './InstallBanner';
import { BootSection, CpuSection, MemorySection } from './MachineSections';
import { useChoices, useVmSettings } from './queries';
import './vm-settings.css';

/** The VM's settings, section by section; works the same for a shut-off VM (customise before start). */
export function VmSettingsPanel({ hostId, uuid }: { hostId: string; uuid: string }) {
  const { t } = useTranslation('settings');
  const q = useVmSettings(hostId, uuid);
  const choices = useChoices(hostId, uuid);
  if (q.isPending) return <LoadingState label={t('reading')} />;
  if (q.error) return <ErrorState title={t('readError')} error={q.error} onRetry={() => void q.refetch()} />;
  const s = q.data;
  const anyPending = Object.values(s.pending).some((l) => l.length);
  return (
    <div className="vm-settings" data-testid="vm-settings">
      {s.installPending && s.state === 'shutoff' ? <InstallBanner hostId={hostId} uuid={uuid} /> : null}
      <p className="small muted">
        {s.state === 'running'
          ? t('runningNote')
          : t('offNote')}
        {anyPending && <span className="badge s-shutdown pending-summary">{t('somePending')}</span>}
      </p>
      <CpuSection s={s} choices={choices.data} />
      <MemorySection s={s} choices={choices.data} />
      <BootSection s={s} choices={choices.data} />
      <DisksSection s={s} choices={choices.data} />
      <NicsSection s={s} choices={choices.data} />
      <DisplaySection s={s} choices={choices.data} />
    </div>
  );
}
