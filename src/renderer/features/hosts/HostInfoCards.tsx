import type { ReactNode } from 'react';
import type { Host } from '../../../shared/model/host';
import { formatKiB, plural } from '../../ui/format';
import { ErrorState } from '../../ui/States';
import { useHostInfo } from './queries';

function Card({ label, children, sub }: { label: string; children: ReactNode; sub?: ReactNode }) {
  return (
    <div className="card">
      <div className="card-label">{label}</div>
      <div className="card-value" title={typeof children === 'string' ? children : undefined}>
        {children}
      </div>
      {sub && <div className="card-sub">{sub}</div>}
    </div>
  );
}

const LABELS = ['Hostname', 'CPU', 'Topology', 'Memory', 'NUMA', 'libvirt', 'QEMU'];

export function HostInfoCards({ host }: { host: Host }) {
  const connected = host.state.status === 'connected';
  const info = useHostInfo(host.config.id, connected);
  if (!connected) return <p className="muted">Connect to see the CPU, memory and versions of this host.</p>;
  if (info.error) return <ErrorState title="Could not read host info" error={info.error} onRetry={() => void info.refetch()} compact />;
  const i = info.data;
  if (!i) {
    // Same grid, empty values: the page doesn't jump when the data lands.
    return (
      <div className="cards" aria-busy>
        {LABELS.map((l) => (
          <Card key={l} label={l}>
            <span className="skeleton" />
          </Card>
        ))}
      </div>
    );
  }
  return (
    <div className="cards" data-testid="host-info">
      <Card label="Hostname" sub={<span className="mono">{i.uri}</span>}>
        {i.hostname}
      </Card>
      <Card label="CPU" sub={`${i.mhz.toLocaleString()} MHz${i.arch ? ` · ${i.arch}` : ''}`}>
        <span title={i.cpuModel}>{i.cpuModel}</span>
      </Card>
      <Card label="Topology" sub={`${plural(i.sockets, 'socket')} × ${plural(i.cores, 'core')} × ${plural(i.threads, 'thread')}`}>
        {plural(i.cpus, 'logical CPU')}
      </Card>
      <Card label="Memory">{formatKiB(i.memoryKiB)}</Card>
      <Card label="NUMA">{plural(i.numaCells, 'cell')}</Card>
      <Card label="libvirt">{i.libvirtVersion}</Card>
      <Card label="QEMU">{i.hypervisorVersion ?? '—'}</Card>
    </div>
  );
}
