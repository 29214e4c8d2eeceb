import { useState } from 'react';
import { useUi } from '../../app/ui-store';
import { EmptyState, ErrorState, LoadingState } from '../../ui/States';
import { useHosts } from '../hosts/queries';
import { DeleteNetworkDialog } from './DeleteNetworkDialog';
import { MODE_LABEL, ipv4Of, rangeText } from './format';
import { NetworkAutostart, NetworkStartStop } from './NetworkRowActions';
import { AddressPlanView, LeasesSection, ReservationsSection, UsersSection } from './NetworkSections';
import { useNetwork } from './queries';
import './networks.css';

export function NetworkPage({ hostId, name }: { hostId: string; name: string }) {
  const hosts = useHosts();
  const host = hosts.data?.find((h) => h.config.id === hostId);
  const connected = host?.state.status === 'connected';
  const q = useNetwork(hostId, name, connected);
  const select = useUi((s) => s.select);
  const [deleting, setDeleting] = useState(false);
  const toHost = () => select({ kind: 'host', hostId });

  if (hosts.isPending) return <LoadingState />;
  if (!host) return <EmptyState title="This host is gone">It was removed, maybe from another window.</EmptyState>;
  if (!connected)
    return (
      <EmptyState title={`${host.config.name} is not connected`} action={{ label: 'Go to host', onClick: toHost }}>
        Network details need a live connection to the host.
      </EmptyState>
    );
  if (q.isPending) return <LoadingState label="Reading network…" />;
  if (q.error) {
    const gone = (q.error as { code?: string }).code === 'NOT_FOUND';
    return gone ? (
      <EmptyState title={`Network '${name}' no longer exists`} action={{ label: `Show ${host.config.name}`, onClick: toHost }}>
        It was deleted on the host.
      </EmptyState>
    ) : (
      <ErrorState title="Could not read the network" error={q.error} onRetry={() => void q.refetch()} />
    );
  }
  const n = q.data;
  const v4 = ipv4Of(n);
  const plan = n.plans.find((p) => p.family === 4);
  return (
    <div className="page" data-testid="network-page">
      <header className="page-head">
        <div className="page-title">
          <span className={`dot lg ${n.active ? 'running' : 'shutoff'}`} aria-hidden />
          <h1 data-testid="network-title">{n.name}</h1>
          <span className={`badge ${n.active ? 's-running' : ''}`} data-testid="network-page-state">
            {n.active ? 'active' : 'inactive'}
          </span>
          <span className="badge">{MODE_LABEL[n.mode]}</span>
        </div>
        <div className="page-sub">
          <span>
            on{' '}
            <button type="button" className="link" onClick={toHost}>
              {host.config.name}
            </button>
          </span>
          {n.bridge && <span className="mono">bridge {n.bridge}</span>}
          {!n.persistent && <span>transient (gone when stopped)</span>}
          <span className="mono muted small">{n.uuid}</span>
        </div>
        <div className="toolbar" role="toolbar" aria-label="Network actions">
          <NetworkStartStop net={n} />
          <NetworkAutostart net={n} />
          <span className="toolbar-sep" />
          <button type="button" className="ghost danger-text" onClick={() => setDeleting(true)} data-testid="network-delete">
            Delete…
          </button>
        </div>
      </header>
      {n.notes.map((t) => (
        <p key={t} className="banner">
          {t}
        </p>
      ))}
      <div className="cards">
        <section className="card" aria-label="Subnet">
          <div className="card-label">IPv4 subnet</div>
          <div className="card-value mono" data-testid="network-cidr">
            {v4?.cidr ?? '—'}
          </div>
          <div className="card-sub">{v4 ? `host (gateway) ${v4.address}` : 'no IPv4 addresses on this network'}</div>
        </section>
        <section className="card" aria-label="DHCP">
          <div className="card-label">DHCP range</div>
          <div className="card-value small-value mono">{rangeText(n) ?? 'none'}</div>
          <div className="card-sub">{plan?.dhcp ? `${plan.dhcp.size.toLocaleString()} addresses, ${plan.dhcp.leased} leased` : 'guests need static addresses'}</div>
        </section>
        <section className="card" aria-label="Free addresses">
          <div className="card-label">Free addresses</div>
          <div className="card-value" data-testid="network-free">
            {plan ? (plan.dhcp ? plan.dhcp.free + plan.outside.free : plan.outside.free).toLocaleString() : '—'}
          </div>
          <div className="card-sub">{plan ? `of ${plan.usable.toLocaleString()} usable; ${n.reservations.length} reserved` : ''}</div>
        </section>
        <section className="card" aria-label="Forwarding">
          <div className="card-label">Leaves the host by</div>
          <div className="card-value small-value">{n.mode === 'isolated' ? 'nowhere (isolated)' : n.mode === 'bridge' ? `host bridge ${n.bridge ?? ''}` : (n.forwardDev ?? (n.forwardInterfaces.length ? n.forwardInterfaces.join(', ') : 'any interface'))}</div>
          <div className="card-sub">{n.domain ? `DNS domain ${n.domain}` : `${n.users.length} VM interface${n.users.length === 1 ? '' : 's'}`}</div>
        </section>
      </div>
      {n.plans.map((p) => (
        <AddressPlanView key={p.cidr} plan={p} />
      ))}
      {n.ips.length > 0 && <ReservationsSection net={n} />}
      <LeasesSection net={n} />
      <UsersSection net={n} />
      {deleting && <DeleteNetworkDialog hostId={hostId} name={name} onClose={() => setDeleting(false)} onDeleted={toHost} />}
    </div>
  );
}
