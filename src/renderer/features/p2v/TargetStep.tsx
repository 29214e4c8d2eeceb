import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { P2vRequestInput } from '../../../shared/p2v/schema';
import { defaultRequest, volumeName } from '../../../shared/p2v/plan';
import { useHosts } from '../hosts/queries';
import { ErrorState, LoadingState } from '../../ui/States';
import { bytes } from './DiscoveryStep';
import { useDiscovery, useP2vTarget } from './queries';
import { useP2vWizard } from './store';

/** Step 4: where the copy goes and what the VM looks like (defaults from the source). */
export function TargetStep() {
  const { t } = useTranslation('p2v');
  const { sourceId, hostId, pickHost, draft, setDraft, patch, go, consistency } = useP2vWizard();
  const hosts = useHosts();
  const inv = useDiscovery(sourceId);
  const target = useP2vTarget(hostId);
  const connected = (hosts.data ?? []).filter((h) => h.state.status === 'connected');

  // A new host (or first visit) seeds the draft from the source and the host's offer.
  useEffect(() => {
    if (!draft && sourceId && inv.data && target.data && target.data.hostId === hostId) setDraft({ ...defaultRequest(sourceId, inv.data, target.data), consistency });
  }, [draft, sourceId, inv.data, target.data, hostId, setDraft, consistency]);

  return (
    <div className="p2v-step" data-testid="p2v-step-target">
      <label className="p2v-field">
        {t('target.host')}
        <select value={hostId ?? ''} onChange={(e) => pickHost(e.target.value)} data-testid="p2v-host">
          <option value="" disabled>
            {connected.length ? t('target.chooseHost') : t('target.noHost')}
          </option>
          {connected.map((h) => (
            <option key={h.config.id} value={h.config.id}>
              {h.config.name}
            </option>
          ))}
        </select>
      </label>
      {hostId && target.isLoading ? <LoadingState label={t('target.reading')} /> : null}
      {target.error ? <ErrorState title={t('target.readError')} error={target.error} onRetry={() => void target.refetch()} /> : null}
      {draft && target.data && inv.data ? <TargetForm draft={draft} patch={patch} /> : null}
      <div className="p2v-nav">
        <button type="button" onClick={() => go('consistency')}>
          {t('back')}
        </button>
        <button type="button" className="primary" disabled={!draft} onClick={() => go('review')} data-testid="p2v-target-next">
          {t('target.review')}
        </button>
      </div>
    </div>
  );
}

function TargetForm({ draft, patch }: { draft: P2vRequestInput; patch(p: Partial<P2vRequestInput>): void }) {
  const { t } = useTranslation('p2v');
  const { sourceId, hostId } = useP2vWizard();
  const inv = useDiscovery(sourceId).data!;
  const target = useP2vTarget(hostId).data!;
  const setDisk = (i: number, p: Partial<P2vRequestInput['disks'][number]>) => patch({ disks: draft.disks.map((d, j) => (j === i ? { ...d, ...p } : d)) });
  return (
    <div className="p2v-target">
      <div className="p2v-grid">
        <label className="p2v-field">
          {t('target.vmName')}
          <input
            value={draft.name}
            onChange={(e) => patch({ name: e.target.value, disks: draft.disks.map((d, i) => ({ ...d, volume: volumeName(e.target.value, d.device, d.format ?? 'raw', i) })) })}
            data-testid="p2v-name"
            spellCheck={false}
          />
        </label>
        <label className="p2v-field">
          {t('target.vcpus')} <span className="field-hint">{t('target.fromSource', { value: inv.cpu.count })}</span>
          <input type="number" min={1} value={draft.vcpus} onChange={(e) => patch({ vcpus: Number(e.target.value) })} data-testid="p2v-vcpus" />
        </label>
        <label className="p2v-field">
          {t('target.memory')} <span className="field-hint">{t('target.fromSource', { value: bytes(inv.memoryBytes) })}</span>
          <input type="number" min={32} value={draft.memoryMiB} onChange={(e) => patch({ memoryMiB: Number(e.target.value) })} data-testid="p2v-memory" />
        </label>
        <label className="p2v-field">
          {t('target.firmware')} <span className="field-hint">{t('target.fromSource', { value: inv.firmware === 'uefi' ? 'UEFI' : 'BIOS' })}</span>
          <select value={draft.firmware} onChange={(e) => patch({ firmware: e.target.value as 'bios' | 'uefi' })} data-testid="p2v-firmware">
            <option value="bios">BIOS</option>
            <option value="uefi" disabled={!target.uefi}>
              {target.uefi ? 'UEFI' : t('target.uefiNoOvmf')}
            </option>
          </select>
        </label>
        <label className="p2v-field">
          {t('target.diskBus')}
          <select value={draft.diskBus} onChange={(e) => patch({ diskBus: e.target.value as 'sata' })} data-testid="p2v-bus">
            <option value="sata">{t('target.busSata')}</option>
            <option value="virtio">{t('target.busVirtio')}</option>
            <option value="scsi">virtio-scsi</option>
          </select>
        </label>
        <label className="p2v-field">
          {t('target.nicModel')}
          <select value={draft.nicModel} onChange={(e) => patch({ nicModel: e.target.value as 'e1000e' })} data-testid="p2v-nic">
            <option value="e1000e">{t('target.nicE1000e')}</option>
            <option value="virtio">virtio</option>
            <option value="e1000">e1000</option>
            <option value="rtl8139">rtl8139</option>
          </select>
        </label>
        <label className="p2v-field">
          {t('target.network')}
          <select value={draft.network} onChange={(e) => patch({ network: e.target.value })} data-testid="p2v-network">
            {target.networks.map((n) => (
              <option key={n.name} value={n.name} disabled={!n.active}>
                {n.active ? n.name : t('target.inactive', { name: n.name })}
              </option>
            ))}
          </select>
        </label>
        <label className="p2v-field">
          {t('target.mac')}
          <select value={draft.mac} onChange={(e) => patch({ mac: e.target.value as 'new' | 'keep' })} data-testid="p2v-mac">
            <option value="new">{t('target.macNew')}</option>
            <option value="keep">{t('target.macKeep')}</option>
          </select>
        </label>
        <label className="p2v-field">
          {t('target.accel')}
          <select value={draft.virtType} onChange={(e) => patch({ virtType: e.target.value as 'kvm' | 'qemu' })} data-testid="p2v-virt">
            <option value="kvm" disabled={!target.kvm}>
              {target.kvm ? 'KVM' : t('target.kvmUnavailable')}
            </option>
            <option value="qemu">{t('target.emulation')}</option>
          </select>
        </label>
      </div>
      {draft.mac === 'keep' ? (
        <div className="banner warn" role="alert" data-testid="p2v-mac-warning">
          {t('target.macWarning')}
        </div>
      ) : null}
      <h3>{t('target.disks')}</h3>
      <table className="table" data-testid="p2v-target-disks">
        <thead>
          <tr>
            <th>{t('target.col.source')}</th>
            <th>{t('target.col.pool')}</th>
            <th>{t('target.col.volume')}</th>
            <th>{t('target.col.format')}</th>
          </tr>
        </thead>
        <tbody>
          {draft.disks.map((d, i) => (
            <tr key={d.device}>
              <td>
                {d.device} ({bytes(inv.disks.find((x) => x.path === d.device)?.size ?? 0)})
              </td>
              <td>
                <select value={d.pool} onChange={(e) => setDisk(i, { pool: e.target.value })} data-testid={`p2v-pool-${i}`}>
                  {target.pools.map((p) => (
                    <option key={p.name} value={p.name} disabled={!p.active}>
                      {t('target.poolFree', { name: p.name, size: bytes(p.available) })}
                    </option>
                  ))}
                </select>
              </td>
              <td>
                <input value={d.volume} onChange={(e) => setDisk(i, { volume: e.target.value })} data-testid={`p2v-volume-${i}`} spellCheck={false} />
              </td>
              <td>
                <select
                  value={d.format ?? 'raw'}
                  onChange={(e) => {
                    const format = e.target.value as 'raw' | 'qcow2';
                    setDisk(i, { format, volume: volumeName(draft.name, d.device, format, i) });
                  }}
                  data-testid={`p2v-format-${i}`}
                >
                  <option value="raw">{t('target.rawSparse')}</option>
                  <option value="qcow2">qcow2</option>
                </select>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <label className="check-row">
        <input type="checkbox" checked={draft.start ?? false} onChange={(e) => patch({ start: e.target.checked })} data-testid="p2v-start-vm" />
        {t('target.startVm')}
      </label>
      <label className="check-row">
        <input type="checkbox" checked={draft.v2vInPlace ?? false} disabled={!target.v2vInPlace} onChange={(e) => patch({ v2vInPlace: e.target.checked })} data-testid="p2v-v2v" />
        {t('target.v2v')}
        {target.v2vInPlace ? null : <span className="field-hint"> {t('target.v2vMissing')}</span>}
      </label>
    </div>
  );
}
