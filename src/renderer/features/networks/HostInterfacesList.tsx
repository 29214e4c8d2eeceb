import { useState } from 'react';
import { ErrorState, LoadingState } from '../../ui/States';
import { AttachVmDialog } from './AttachVmDialog';
import { useHostInterfaces } from './queries';
import { useTranslation } from 'react-i18next';

/** The host's own interfaces, read-only; host bridges offer "Attach a VM". Loaded when opened. */
export function HostInterfacesList({ hostId }: { hostId: string }) {
  const { t } = useTranslation('networks');
  const [open, setOpen] = useState(false);
  const q = useHostInterfaces(hostId, open);
  const [attachTo, setAttachTo] = useState<string | null>(null);
  return (
    <details className="host-ifaces" onToggle={(e) => setOpen(e.currentTarget.open)} data-testid="host-interfaces">
      <summary>{t('ifaces.summary')}</summary>
      {q.isPending && open && <LoadingState label={t('ifaces.reading')} />}
      {q.error && <ErrorState title={t('ifaces.error')} error={q.error} onRetry={() => void q.refetch()} compact />}
      {q.data && (
        <>
          <p className="muted small" data-testid="host-interfaces-source">
            {q.data.note}
          </p>
          <table className="table" aria-label={t('ifaces.label')}>
            <thead>
              <tr>
                <th scope="col">{t('col.name')}</th>
                <th scope="col">{t('col.type')}</th>
                <th scope="col">{t('col.state')}</th>
                <th scope="col">MAC</th>
                <th scope="col">{t('ifaces.addresses')}</th>
                <th scope="col">{t('ifaces.members')}</th>
                <th scope="col" aria-label={t('col.actions')} />
              </tr>
            </thead>
            <tbody>
              {q.data.interfaces.map((i) => (
                <tr key={i.name} data-testid={`iface-row-${i.name}`}>
                  <td className="mono">{i.name}</td>
                  <td>
                    {t(`ifaces.kind.${i.kind}`)}
                    {i.network && <span className="muted small"> {t('ifaces.ofNetwork', { name: i.network })}</span>}
                  </td>
                  <td>
                    <span className={`dot ${i.state === 'up' ? 'running' : i.state === 'down' ? 'shutoff' : 'paused'}`} aria-hidden /> {t(`ifaces.state.${i.state}`, { defaultValue: i.state })}
                  </td>
                  <td className="mono">{i.mac ?? <span className="muted">—</span>}</td>
                  <td className="mono">{i.addresses.length ? i.addresses.join(', ') : <span className="muted">—</span>}</td>
                  <td className="mono">{i.master ? t('ifaces.inMaster', { name: i.master }) : i.ports.length ? i.ports.join(', ') : <span className="muted">—</span>}</td>
                  <td>
                    {i.kind === 'bridge' && !i.network && (
                      <button type="button" className="ghost small-btn" onClick={() => setAttachTo(i.name)} data-testid={`iface-attach-${i.name}`}>
                        {t('ifaces.attach')}
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
