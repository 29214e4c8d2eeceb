import { useState } from 'react';
import type { HostInterface } from '../../../shared/model/network';
import { ErrorState, LoadingState } from '../../ui/States';
import { AttachVmDialog } from './AttachVmDialog';
import { useHostInterfaces } from './queries';

const KIND: Record<HostInterface['kind'], string> = {
  ethernet: 'Ethernet',
  bridge: 'Bridge',
  bond: 'Bond',
  vlan: 'VLAN',
  veth: 'veth',
  tun: 'tap',
  macvtap: 'macvtap',
  loopback: 'loopback',
  other: 'other',
};

/** The host's own interfaces, read-only; host bridges offer "Attach a VM". Loaded when opened. */
export function HostInterfacesList({ hostId }: { hostId: string }) {
  const [open, setOpen] = useState(false);
  const q = useHostInterfaces(hostId, open);
  const [attachTo, setAttachTo] = useState<string | null>(null);
  return (
    <details className="host-ifaces" onToggle={(e) => setOpen(e.currentTarget.open)} data-testid="host-interfaces">
      <summary>Host interfaces and bridges</summary>
      {q.isPending && open && <LoadingState label="Reading the host's interfaces…" />}
      {q.error && <ErrorState title="Could not list the host's interfaces" error={q.error} onRetry={() => void q.refetch()} compact />}
      {q.data && (
        <>
          <p className="muted small" data-testid="host-interfaces-source">
            {q.data.note}
          </p>
          <table className="table" aria-label="Host interfaces">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Type</th>
                <th scope="col">State</th>
                <th scope="col">MAC</th>
                <th scope="col">Addresses</th>
                <th scope="col">Bridge / members</th>
                <th scope="col" aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {q.data.interfaces.map((i) => (
                <tr key={i.name} data-testid={`iface-row-${i.name}`}>
                  <td className="mono">{i.name}</td>
                  <td>
                    {KIND[i.kind]}
                    {i.network && <span className="muted small"> of network '{i.network}'</span>}
                  </td>
                  <td>
                    <span className={`dot ${i.state === 'up' ? 'running' : i.state === 'down' ? 'shutoff' : 'paused'}`} aria-hidden /> {i.state}
                  </td>
                  <td className="mono">{i.mac ?? <span className="muted">—</span>}</td>
                  <td className="mono">{i.addresses.length ? i.addresses.join(', ') : <span className="muted">—</span>}</td>
                  <td className="mono">{i.master ? `in ${i.master}` : i.ports.length ? i.ports.join(', ') : <span className="muted">—</span>}</td>
                  <td>
                    {i.kind === 'bridge' && !i.network && (
                      <button type="button" className="ghost small-btn" onClick={() => setAttachTo(i.name)} data-testid={`iface-attach-${i.name}`}>
                        Attach a VM…
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {attachTo && <AttachVmDialog hostId={hostId} source={{ type: 'bridge', bridge: attachTo }} onClose={() => setAttachTo(null)} />}
    </details>
  );
}
