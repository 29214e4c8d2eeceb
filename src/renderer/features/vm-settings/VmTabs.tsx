import { useState } from 'react';
import type { DomainSummary } from '../../../shared/model/domain';
import { SnapshotsPanel } from '../snapshots/SnapshotsPanel';
import { CloneDialog } from './CloneDialog';
import { RawXmlEditor } from './RawXmlEditor';
import { VmSettingsPanel } from './VmSettingsPanel';

export type VmTab = 'overview' | 'settings' | 'snapshots' | 'xml';
const TABS: Array<[VmTab, string]> = [
  ['overview', 'Overview'],
  ['settings', 'Settings'],
  ['snapshots', 'Snapshots'],
  ['xml', 'XML'],
];

/** The VM page's tabs (plus Clone); the overview stays the page's first view. */
export function VmTabs({ tab, onTab, vm }: { tab: VmTab; onTab(t: VmTab): void; vm: DomainSummary }) {
  const [cloning, setCloning] = useState(false);
  return (
    <div className="vm-tabs" role="tablist" aria-label="Virtual machine">
      {TABS.map(([id, label]) => (
        <button key={id} type="button" role="tab" aria-selected={tab === id} onClick={() => onTab(id)} data-testid={`tab-${id}`}>
          {label}
        </button>
      ))}
      <span style={{ flex: 1 }} />
      <button type="button" onClick={() => setCloning(true)} data-testid="vm-clone" title={vm.state === 'shutoff' ? 'Clone this VM' : 'Shut the VM off to clone it'}>
        Clone…
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
