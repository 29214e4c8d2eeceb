import { useState } from 'react';
import type { NetworkSummary } from '../../../shared/model/network';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { Spinner } from '../../ui/Spinner';
import { useNetworkAction, useNetworkAutostart } from './mutations';
import { useNetwork } from './queries';
import { useTranslation } from 'react-i18next';

/** Start, or stop after saying which running VMs lose their connection (list rows and the network page). */
export function NetworkStartStop({ net, compact = false }: { net: NetworkSummary; compact?: boolean }) {
  const { t } = useTranslation('networks');
  const act = useNetworkAction(net.hostId, net.name);
  const [confirming, setConfirming] = useState(false);
  return (
    <>
      <button
        type="button"
        className={compact ? 'ghost small-btn' : net.active ? 'ghost' : ''}
        disabled={act.isPending}
        onClick={() => (net.active ? setConfirming(true) : act.mutate('start'))}
        data-testid={`network-${net.active ? 'stop' : 'start'}-${net.name}`}
      >
        {act.isPending && <Spinner />}
        {net.active ? t('stop') : t('start')}
      </button>
      {confirming && <StopDialog net={net} busy={act.isPending} onCancel={() => setConfirming(false)} onConfirm={() => act.mutate('stop', { onSettled: () => setConfirming(false) })} />}
    </>
  );
}

function StopDialog({ net, busy, onCancel, onConfirm }: { net: NetworkSummary; busy: boolean; onCancel(): void; onConfirm(): void }) {
  const { t } = useTranslation('networks');
  const details = useNetwork(net.hostId, net.name);
  const running = [...new Set((details.data?.users ?? []).filter((u) => u.state === 'running' && u.live).map((u) => u.vm))];
  return (
    <ConfirmDialog title={t('stopTitle', { name: net.name })} confirmLabel={t('stopConfirm')} danger={running.length > 0} busy={busy || details.isPending} onCancel={onCancel} onConfirm={onConfirm}>
      {details.isPending ? (
        <p className="muted">{t('checkingVms')}</p>
      ) : running.length ? (
        <p data-testid="network-stop-users">
          {t('stopUsers', { count: running.length, n: running.length })} <strong>{running.join(', ')}</strong>
        </p>
      ) : (
        <p>{t('stopNoUsers')}</p>
      )}
    </ConfirmDialog>
  );
}

export function NetworkAutostart({ net }: { net: NetworkSummary }) {
  const { t } = useTranslation('networks');
  const m = useNetworkAutostart(net.hostId, net.name);
  const shown = m.isPending && m.variables !== undefined ? m.variables : net.autostart;
  return (
    <label className="switch-row" title={net.persistent ? undefined : t('transient')}>
      <input
        type="checkbox"
        role="switch"
        checked={shown}
        disabled={!net.persistent || m.isPending}
        onChange={(e) => m.mutate(e.target.checked)}
        data-testid={`network-autostart-${net.name}`}
      />
      <span>{shown ? t('autostartOn') : t('autostartOff')}</span>
      {m.isPending && <Spinner />}
    </label>
  );
}
