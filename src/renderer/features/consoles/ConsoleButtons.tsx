import type { MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useDomainSummary } from '../domains/queries';
import { useHosts } from '../hosts/queries';
import { useCan } from '../session/queries';
import { openConsole, type ConsoleRoute } from './route';
import './consoles.css';

// Buttons other pages mount to reach consoles. A click opens the console page
// here; Shift or Ctrl/Cmd+click opens it in its own window.
const how = (e: MouseEvent) => (e.shiftKey || e.ctrlKey || e.metaKey ? 'window' : 'here');

/** "Display" and "Serial console" for a VM (disabled while it is off). */
export function ConsoleButtons({ hostId, uuid }: { hostId: string; uuid: string }) {
  const { t } = useTranslation('consoles');
  const { summary } = useDomainSummary(hostId, uuid, true);
  const can = useCan();
  const off = !summary || summary.state === 'shutoff' || summary.state === 'crashed';
  if (!can.consoles) return null;
  const go = (view: 'display' | 'serial') => (e: MouseEvent) => openConsole({ kind: 'domain', hostId, uuid, view } satisfies ConsoleRoute, how(e));
  return (
    <div className="console-buttons" role="group" aria-label={t('buttons.label')}>
      <button type="button" className="small" onClick={go('display')} disabled={off} title={off ? t('buttons.startForDisplay') : t('buttons.tip')} data-testid="vm-open-console">
        {t('buttons.console')}
      </button>
      <button type="button" className="small ghost" onClick={go('serial')} disabled={off} title={off ? t('buttons.startForSerial') : t('buttons.tip')} data-testid="vm-open-serial">
        {t('buttons.serial')}
      </button>
    </div>
  );
}

/** "Shell" for an SSH host that is connected; nothing otherwise. */
export function HostShellButton({ hostId }: { hostId: string }) {
  const { t } = useTranslation('consoles');
  const host = useHosts().data?.find((h) => h.config.id === hostId);
  const can = useCan();
  if (!can.hostShell || !host || host.config.target.transport !== 'ssh' || host.state.status !== 'connected') return null;
  return (
    <button type="button" className="small ghost" onClick={(e) => openConsole({ kind: 'shell', hostId }, how(e))} title={t('buttons.tip')} data-testid="host-open-shell">
      {t('buttons.shell')}
    </button>
  );
}
