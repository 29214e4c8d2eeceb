import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Host } from '../../../shared/model/host';
import { formatKiB, formatNumber } from '../../i18n/format';
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

const LABELS = ['hostname', 'cpu', 'topology', 'memory', 'numa', 'libvirt', 'qemu'] as const;

export function HostInfoCards({ host }: { host: Host }) {
  const { t } = useTranslation('hosts');
  const connected = host.state.status === 'connected';
  const info = useHostInfo(host.config.id, connected);
  if (!connected) return <p className="muted">{t('info.connectToSee')}</p>;
  if (info.error) return <ErrorState title={t('info.error')} error={info.error} onRetry={() => void info.refetch()} compact />;
  const i = info.data;
  if (!i) {
    // Same grid, empty values: the page doesn't jump when the data lands.
    return (
      <div className="cards" aria-busy>
        {LABELS.map((l) => (
          <Card key={l} label={t(`info.${l}`)}>
            <span className="skeleton" />
          </Card>
        ))}
      </div>
    );
  }
  return (
    <div className="cards" data-testid="host-info">
      <Card label={t('info.hostname')} sub={<span className="mono">{i.uri}</span>}>
        {i.hostname}
      </Card>
      <Card label={t('info.cpu')} sub={`${formatNumber(i.mhz)} MHz${i.arch ? ` · ${i.arch}` : ''}`}>
        <span title={i.cpuModel} translate="no">
          {i.cpuModel}
        </span>
      </Card>
      <Card label={t('info.topology')} sub={t('info.topologySub', { sockets: formatNumber(i.sockets), cores: formatNumber(i.cores), threads: formatNumber(i.threads) })}>
        {t('info.logicalCpus', { count: i.cpus, n: formatNumber(i.cpus) })}
      </Card>
      <Card label={t('info.memory')}>{formatKiB(i.memoryKiB)}</Card>
      <Card label={t('info.numa')}>{t('info.cells', { count: i.numaCells, n: formatNumber(i.numaCells) })}</Card>
      <Card label={t('info.libvirt')}>{i.libvirtVersion}</Card>
      <Card label={t('info.qemu')}>{i.hypervisorVersion ?? '—'}</Card>
    </div>
  );
}
