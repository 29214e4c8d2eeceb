import { useState } from 'react';
import { useUi } from '../../app/ui-store';
import { EmptyState, ErrorState, LoadingState } from '../../ui/States';
import { useHosts } from '../hosts/queries';
import { DeleteNetworkDialog } from './DeleteNetworkDialog';
import { ipv4Of, modeLabel, rangeText } from './format';
import { NetworkAutostart, NetworkStartStop } from './NetworkRowActions';
import { AddressPlanView, LeasesSection, ReservationsSection, UsersSection } from './NetworkSections';
import { useNetwork } from './queries';
import './networks.css';
import { Trans, useTranslation } from 'react-i18next';
import { formatNumber } from '../../i18n/format';

export function NetworkPage({ hostId, name }: { hostId: string; name: string }) {
  const { t } = useTranslation('networks');
  const hosts = useHosts();
  const host = hosts.data?.find((h) => h.config.id === hostId);
  const connected = host?.state.status === 'connected';
  const q = useNetwork(hostId, name, connected);
  const select = useUi((s) => s.select);
  const [deleting, setDeleting] = useState(false);
  const toHost = () => select({ kind: 'host', hostId });

  if (hosts.isPending) return <LoadingState />;
  if (!host)
    return <EmptyState title={t('page.hostGone')}>{t('page.hostGoneHint')}</EmptyState>;
  if (!connected)
    return (
      <EmptyState title={t('page.notConnected', { host: host.config.name })} action={{ label: t('page.goToHost'), onClick: toHost }}>
        {t('page.needsConnection')}
      </EmptyState>
    );
  if (q.isPending) return <LoadingState label={t('page.reading')} />;
  if (q.error) {
    const gone = (q.error as { code?: string }).code === 'NOT_FOUND';
    return gone ? (
      <EmptyState title={t('page.gone', { name })} action={{ label: t('page.showHost', { host: host.config.name }), onClick: toHost }}>
        {t('page.goneHint')}
      </EmptyState>
    ) : (
      <ErrorState title={t('page.error')} error={q.error} onRetry={() => void q.refetch()} />
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
            {n.active ? t('active') : t('inactive')}
          </span>
          <span className="badge">{modeLabel(n.mode)}</span>
        </div>
        <div className="page-sub">
          <span>
            <Trans t={t} i18nKey="page.on" values={{ host: host.config.name }} components={{ h: <button type="button" className="link" onClick={toHost} /> }} />
          </span>
          {n.bridge && <span className="mono">{t('page.bridge', { name: n.bridge })}</span>}
          {!n.persistent && <span>{t('page.transient')}</span>}
          <span className="mono muted small">{n.uuid}</span>
        </div>
        <div className="toolbar" role="toolbar" aria-label={t('page.actions')}>
          <NetworkStartStop net={n} />
          <NetworkAutostart net={n} />
          <span className="toolbar-sep" />
          <button type="button" className="ghost danger-text" onClick={() => setDeleting(true)} data-testid="network-delete">
            {t('page.delete')}
          </button>
        </div>
      </header>
      {n.notes.map((note) => (
        <p key={note} className="banner">
          {note}
        </p>
      ))}
      <div className="cards">
        <section className="card" aria-label={t('page.subnet')}>
          <div className="card-label">{t('col.subnet')}</div>
          <div className="card-value mono" data-testid="network-cidr">
            {v4?.cidr ?? '—'}
          </div>
          <div className="card-sub">{v4 ? t('page.gateway', { ip: v4.address }) : t('page.noIpv4')}</div>
        </section>
        <section className="card" aria-label="DHCP">
          <div className="card-label">{t('col.dhcpRange')}</div>
          <div className="card-value small-value mono">{rangeText(n) ?? t('page.none')}</div>
          <div className="card-sub">{plan?.dhcp ? t('page.dhcpSub', { size: formatNumber(plan.dhcp.size), leased: formatNumber(plan.dhcp.leased) }) : t('page.staticOnly')}</div>
        </section>
        <section className="card" aria-label={t('page.free')}>
          <div className="card-label">{t('page.free')}</div>
          <div className="card-value" data-testid="network-free">
            {plan ? formatNumber(plan.dhcp ? plan.dhcp.free + plan.outside.free : plan.outside.free) : '—'}
          </div>
          <div className="card-sub">{plan ? t('page.freeSub', { usable: formatNumber(plan.usable), reserved: formatNumber(n.reservations.length) }) : ''}</div>
        </section>
        <section className="card" aria-label={t('page.forwarding')}>
          <div className="card-label">{t('page.leaves')}</div>
          <div className="card-value small-value">
            {n.mode === 'isolated' ? t('page.nowhere') : n.mode === 'bridge' ? t('page.hostBridge', { name: n.bridge ?? '' }) : (n.forwardDev ?? (n.forwardInterfaces.length ? n.forwardInterfaces.join(', ') : t('page.anyIface')))}
          </div>
          <div className="card-sub">{n.domain ? t('page.dnsDomain', { domain: n.domain }) : t('page.vmIfaces', { count: n.users.length, n: formatNumber(n.users.length) })}</div>
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
