import { useState } from 'react';
import type { NicSource } from '../../../shared/model/network';
import { Modal } from '../../ui/Modal';
import { Spinner } from '../../ui/Spinner';
import { ErrorState, LoadingState } from '../../ui/States';
import { useSetNicSource } from './mutations';
import { useVmNics } from './queries';

const plugged = (n: { type: string; source?: string }) => (n.source ? `${n.type} '${n.source}'` : n.type);

/** Plugs one VM NIC into a network or a host bridge (domains.setNetwork). */
export function AttachVmDialog({ hostId, source, onClose }: { hostId: string; source: NicSource; onClose(): void }) {
  const nics = useVmNics(hostId);
  const set = useSetNicSource(hostId);
  const [pick, setPick] = useState('');
  // Kept from the moment of the call: once plugged in, the NIC leaves the list of choices.
  const [sent, setSent] = useState<{ vm: string; mac: string }>();
  const target = source.type === 'network' ? `network '${source.network}'` : `bridge '${source.bridge}'`;
  const here = (n: { type: string; source?: string }) => (source.type === 'network' ? n.type === 'network' && n.source === source.network : n.type === 'bridge' && n.source === source.bridge);
  const choices = (nics.data ?? []).filter((n) => n.mac && !here(n));
  const chosen = choices.find((n) => `${n.uuid}|${n.mac}` === pick);
  const result = set.data;

  return (
    <Modal
      title={`Attach a VM to ${target}`}
      onClose={onClose}
      busy={set.isPending}
      testId="network-attach-dialog"
      footer={
        <>
          <button type="button" className="ghost" onClick={onClose} disabled={set.isPending}>
            {result ? 'Close' : 'Cancel'}
          </button>
          {!result && (
            <button type="button" disabled={!chosen || set.isPending} onClick={() => {
                if (!chosen) return;
                setSent({ vm: chosen.vm, mac: chosen.mac! });
                set.mutate({ uuid: chosen.uuid, mac: chosen.mac!, source });
              }} data-testid="network-attach-submit">
              {set.isPending && <Spinner />}Attach
            </button>
          )}
        </>
      }
    >
      {nics.isPending && <LoadingState label="Reading the VMs' network interfaces…" />}
      {nics.error && <ErrorState title="Could not read the VMs' interfaces" error={nics.error} compact />}
      {nics.data && !result && (
        <div className="field">
          <label htmlFor="network-attach-nic">Network interface</label>
          <select id="network-attach-nic" value={pick} onChange={(e) => setPick(e.target.value)} data-testid="network-attach-nic">
            <option value="">Choose a VM’s NIC…</option>
            {choices.map((n) => (
              <option key={`${n.uuid}|${n.mac}|${n.live}`} value={`${n.uuid}|${n.mac}`}>
                {n.vm} — {n.mac} (now on {plugged(n)}, {n.state})
              </option>
            ))}
          </select>
          <div className="field-hint">The NIC keeps its MAC address and model. A running VM is re-plugged live; its guest keeps its old address until it renews its lease or restarts.</div>
        </div>
      )}
      {set.error && (
        <div className="banner bad" role="alert">
          <strong>Not attached.</strong> {set.error.message}
        </div>
      )}
      {result && sent && (
        <div className="banner" role="status" data-testid="network-attach-result">
          <strong>{sent.vm}</strong> ({sent.mac}) is now on {target}
          {result.live ? ' (changed live and saved).' : result.saved ? '; it takes effect when the VM next starts.' : ' until it stops (transient VM).'}
        </div>
      )}
    </Modal>
  );
}
