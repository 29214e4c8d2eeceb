import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DomainSummary } from '../../../shared/model/domain';
import { SnapshotsPanel } from '../snapshots/SnapshotsPanel';
import { CloneDialog } from './CloneDialog';
import { RawXmlEditor } from './RawXmlEditor';
import { VmSettingsPanel } from './VmSettingsPanel';

export type VmTab = 'overview' | 'settings' | 'snapshots' | 'xml';
const TABS: VmTab[] = ['overview', 'settings', 'snapshots', 'xml'];

/** The VM page's tabs (plus Clone); the overview stays the page's first view. */
export function VmTabs({ tab, onTab, vm }: { tab: VmTab; onTab(t: VmTab): void; vm: DomainSummary }) {
  const { t } = useTranslation('settings');
  const [cloning, setCloning] = useState(false);
  return (
    <div className="vm-tabs" role="tablist" aria-label={t('tabs.label')}>
      {TABS.map((id) => (
        <button key={id} type="button" role="tab" aria-selected={tab === id} onClick={() => onTab(id)} data-testid={`tab-${id}`}>
          {t(`tabs.${id}`)}
        </button>
      ))}
      <span style={{ flex: 1 }} />
      <button type="button" onClick={() => setCloning(true)} data-testid="vm-clone" title={vm.state === 'shutoff' ? t('tabs.cloneTip') : t('tabs.cloneOff')}>
        {t('tabs.clone')}
      </button>
      {cloning && <CloneDialog vm={vm} onClose={() => setCloning(false)} />}
    </div>
  );
}

export function VmTabBody({ tab, vm }: { tab: VmTab; vm: DomainSummary }) {
  if (tab === 'settings') return <VmSettingsPanel hostId={vm.hostId} uuid={vm.uuid} />;
  if (tab === 'snapshots') return <SnapshotsPanel hostId={vm.hostId} uuid={vm.uuid} running={vm.state === 'running'} />;
  if (tab === 'xml') return <RawXmlEditor hostId={vm.hostId} uuid={vm.uuid} />;
  return null;
}
