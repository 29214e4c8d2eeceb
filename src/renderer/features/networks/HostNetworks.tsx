import { useState } from 'react';
import { useUi } from '../../app/ui-store';
import { EmptyState, ErrorState, LoadingState } from '../../ui/States';
import { CreateNetworkDialog } from './CreateNetworkDialog';
import { HostInterfacesList } from './HostInterfacesList';
import { ipv4Of, rangeText } from './format';
import { NetworkStartStop } from './NetworkRowActions';
import { useNetworks } from './queries';
import './networks.css';
import { useTranslation } from 'react-i18next';

/** The host page's "Virtual networks" section: every network, create, and the host's own interfaces. */
export function HostNetworks({ hostId, connected }: { hostId: string; connected: boolean }) {
  const { t } = useTranslation('networks');
  const networks = useNetworks(hostId, connected);
  const [creating, setCreating] = useState(false);
  const select = useUi((s) => s.select);
  const open = (name: string) => select({ kind: 'network', hostId, name });

  let body;
  if (!connected) body = <p className="muted">{t('list.connect')}</p>;
  else if (networks.isPending) body = <LoadingState label={t('list.listing')} />;
  else if (networks.error) body = <ErrorState title={t('list.error')} error={networks.error} onRetry={() => void networks.refetch()} compact />;
  else if (networks.data.length === 0)
    body = (
      <EmptyState title={t('list.none')} compact>
        {t('list.noneHint')}
      </EmptyState>
    );
  else
    body = (
      <table className="table net-table" aria-label={t('list.title')} data-testid="network-table">
        <thead>
          <tr>
            <th scope="col">{t('col.name')}</th>
            <th scope="col">{t('col.type')}</th>
            <th scope="col">{t('col.state')}</th>
            <th scope="col">{t('col.bridge')}</th>
            <th scope="col">{t('col.subnet')}</th>
            <th scope="col">{t('col.dhcpRange')}</th>
            <th scope="col">{t('col.autostart')}</th>
            <th scope="col" aria-label={t('col.actions')} />
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
              <td>{t(`mode.${n.mode}`)}</td>
              <td>
                <span className="net-state" data-testid={`network-state-${n.name}`}>
                  <span className={`dot ${n.active ? 'running' : 'shutoff'}`} aria-hidden />
                  {n.active ? t('active') : t('inactive')}
                </span>
              </td>
              <td className="mono">{n.bridge ?? <span className="muted">—</span>}</td>
              <td className="mono">{ipv4Of(n)?.cidr ?? <span className="muted">—</span>}</td>
              <td className="mono">{rangeText(n) ?? <span className="muted">{ipv4Of(n) ? t('noDhcp') : '—'}</span>}</td>
              <td>{n.autostart ? t('yes') : <span className="muted">{t('no')}</span>}</td>
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
          <h2 id="host-networks-h">{t('list.title')}</h2>
          {connected && (
            <button type="button" className="ghost small-btn" onClick={() => setCreating(true)} data-testid="network-create-open">
              {t('list.create')}
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
