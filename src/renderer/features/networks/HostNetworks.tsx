import { useState } from 'react';
import { useUi } from '../../app/ui-store';
import { EmptyState, ErrorState, LoadingState } from '../../ui/States';
import { CreateNetworkDialog } from './CreateNetworkDialog';
import { HostInterfacesList } from './HostInterfacesList';
import { MODE_LABEL, ipv4Of, rangeText } from './format';
import { NetworkStartStop } from './NetworkRowActions';
import { useNetworks } from './queries';
import './networks.css';

/** The host page's "Virtual networks" section: every network, create, and the host's own interfaces. */
export function HostNetworks({ hostId, connected }: { hostId: string; connected: boolean }) {
  const networks = useNetworks(hostId, connected);
  const [creating, setCreating] = useState(false);
  const select = useUi((s) => s.select);
  const open = (name: string) => select({ kind: 'network', hostId, name });

  let body;
  if (!connected) body = <p className="muted">Connect to list the virtual networks of this host.</p>;
  else if (networks.isPending) body = <LoadingState label="Listing networks…" />;
  else if (networks.error) body = <ErrorState title="Could not list networks" error={networks.error} onRetry={() => void networks.refetch()} compact />;
  else if (networks.data.length === 0)
    body = (
      <EmptyState title="No virtual networks on this host" compact>
        Guests can still use a host bridge. Create a NAT network to give them private addresses with DHCP.
      </EmptyState>
    );
  else
    body = (
      <table className="table net-table" aria-label="Virtual networks" data-testid="network-table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Type</th>
            <th scope="col">State</th>
            <th scope="col">Bridge</th>
            <th scope="col">IPv4 subnet</th>
            <th scope="col">DHCP range</th>
            <th scope="col">Autostart</th>
            <th scope="col" aria-label="Actions" />
          </tr>
        </thead>
        <tbody>
          {networks.data.map((n) => (
            <tr key={n.uuid} data-testid={`network-row-${n.name}`}>
              <td>
                <button type="button" className="link" onClick={() => open(n.name)} data-testid={`network-open-${n.name}`}>
                  {n.name}
                </button>
              </td>
              <td>{MODE_LABEL[n.mode]}</td>
              <td>
                <span className="net-state" data-testid={`network-state-${n.name}`}>
                  <span className={`dot ${n.active ? 'running' : 'shutoff'}`} aria-hidden />
                  {n.active ? 'active' : 'inactive'}
                </span>
              </td>
              <td className="mono">{n.bridge ?? <span className="muted">—</span>}</td>
              <td className="mono">{ipv4Of(n)?.cidr ?? <span className="muted">—</span>}</td>
              <td className="mono">{rangeText(n) ?? <span className="muted">{ipv4Of(n) ? 'no DHCP' : '—'}</span>}</td>
              <td>{n.autostart ? 'yes' : <span className="muted">no</span>}</td>
              <td className="net-actions">
                <NetworkStartStop net={n} compact />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    );

  return (
    <>
      <section className="section" aria-labelledby="host-networks-h" data-testid="host-networks">
        <div className="section-head">
          <h2 id="host-networks-h">Virtual networks</h2>
          {connected && (
            <button type="button" className="ghost small-btn" onClick={() => setCreating(true)} data-testid="network-create-open">
              Create network…
            </button>
          )}
        </div>
        {body}
        {connected && <HostInterfacesList hostId={hostId} />}
      </section>
      {creating && <CreateNetworkDialog hostId={hostId} onClose={() => setCreating(false)} onCreated={open} />}
    </>
  );
}
