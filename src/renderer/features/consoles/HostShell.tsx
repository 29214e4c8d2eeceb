import { useCallback, useState } from 'react';
import { request } from '../../app/api';
import { ConsoleStatus, messageOf, useReconnect, type ConsoleStatusInfo } from './status';
import { TerminalConsole, type TermEvent } from './TerminalConsole';
import { useTranslation } from 'react-i18next';

/** A login shell on the host, over the connection VirtDeck already holds. */
export function HostShell({ hostId }: { hostId: string }) {
  const { t } = useTranslation(['consoles', 'common']);
  const [status, setStatus] = useState<ConsoleStatusInfo>({ phase: 'connecting', tone: 'info', text: t('status.openingShell') });
  const rc = useReconnect();
  const open = useCallback((size: { cols: number; rows: number }) => request('consoles.openShell', { hostId, cols: size.cols, rows: size.rows }), [hostId]);

  const onEvent = (e: TermEvent) => {
    if (e.phase === 'connecting') setStatus({ phase: 'connecting', tone: 'info', text: t('status.openingShell') });
    else if (e.phase === 'open') setStatus({ phase: 'open', tone: 'ok', text: t('shellOn', { host: hostId }) });
    else if (e.phase === 'failed') setStatus({ phase: 'failed', tone: 'bad', text: messageOf(e.error), actions: [{ label: t('common:tryAgain'), onClick: rc.now }] });
    // A shell that exits is done; it is not reopened behind the user's back.
    else setStatus({ phase: 'closed', tone: 'info', text: e.reason && e.reason !== 'The shell closed' ? e.reason : t('status.shellExited'), actions: [{ label: t('status.newShell'), onClick: rc.now, testId: 'shell-reopen' }] });
  };

  return (
    <div className="console-frame">
      <ConsoleStatus status={status} />
      <TerminalConsole testId="console-shell" open={open} resizable connectKey={rc.key} onEvent={onEvent} />
    </div>
  );
}
