import { useState } from 'react';
import { HostShell } from './HostShell';
import { openConsole, type ConsoleView } from './route';
import { SerialConsole } from './SerialConsole';
import { VncConsole } from './VncConsole';
import './consoles.css';
import { useTranslation } from 'react-i18next';

interface Props {
  hostId: string;
  uuid: string;
  /** Controlled view (the console route); uncontrolled inside a VM page. */
  view?: ConsoleView;
  onView?: (v: ConsoleView) => void;
}

/** A VM's consoles, display and serial, behind two tabs: embeddable in any page. */
export function ConsolePanel({ hostId, uuid, view, onView }: Props) {
  const { t } = useTranslation('consoles');
  const [own, setOwn] = useState<ConsoleView>('display');
  const current = view ?? own;
  const select = (v: ConsoleView) => (onView ? onView(v) : setOwn(v));
  const newWindow = () => openConsole({ kind: 'domain', hostId, uuid, view: current }, 'window');
  return (
    <section className="console-panel" aria-label={t('panel.console')}>
      <div className="console-tabs" role="tablist">
        {(['display', 'serial'] as const).map((v) => (
          <button key={v} type="button" role="tab" aria-selected={current === v} className={current === v ? 'active' : ''} onClick={() => select(v)} data-testid={`console-tab-${v}`}>
            {v === 'display' ? t('panel.display') : t('panel.serial')}
          </button>
        ))}
        <span className="console-toolbar-spacer" />
        {current === 'serial' && (
          <button type="button" className="small ghost" onClick={newWindow} data-testid="console-new-window">
            {t('panel.newWindow')}
          </button>
        )}
      </div>
      {/* key: a different VM or view is a new connection, never a reused one. */}
      {current === 'display' ? <VncConsole key={`${hostId}/${uuid}`} hostId={hostId} uuid={uuid} onOpenWindow={newWindow} /> : <SerialConsole key={`${hostId}/${uuid}`} hostId={hostId} uuid={uuid} />}
    </section>
  );
}

/** A host's shell, for the host page. */
export function HostShellPanel({ hostId }: { hostId: string }) {
  const { t } = useTranslation('consoles');
  return (
    <section className="console-panel" aria-label={t('panel.hostShell')}>
      <div className="console-tabs">
        <span className="console-title">{t('shellOn', { host: hostId })}</span>
        <span className="console-toolbar-spacer" />
        <button type="button" className="small ghost" onClick={() => openConsole({ kind: 'shell', hostId }, 'window')}>
          {t('panel.newWindow')}
        </button>
      </div>
      <HostShell key={hostId} hostId={hostId} />
    </section>
  );
}
