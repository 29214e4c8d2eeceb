import { useCallback, useRef, useState } from 'react';
import { CONSOLE_CLOSE } from '../../../shared/ipc/calls/consoles';
import { request } from '../../app/api';
import { ConsoleStatus, isBusy, isOff, messageOf, startGuest, useGuestRunning, useReconnect, type ConsoleStatusInfo } from './status';
import { TerminalConsole, type TermEvent } from './TerminalConsole';
import { useTranslation } from 'react-i18next';

/** The guest's serial console (libvirt console stream) in xterm.js. */
export function SerialConsole({ hostId, uuid }: { hostId: string; uuid: string }) {
  const { t } = useTranslation(['consoles', 'common']);
  const [status, setStatus] = useState<ConsoleStatusInfo>({ phase: 'connecting', tone: 'info', text: t('status.connectingSerial') });
  const force = useRef(false);
  const waitingForGuest = useRef(false);
  const rc = useReconnect();
  const guest = useGuestRunning(hostId, uuid, () => {
    if (waitingForGuest.current) rc.now();
  });
  const name = guest.name ?? 'the guest';

  const takeOver = useCallback(() => {
    force.current = true;
    rc.now();
  }, [rc]);

  const open = useCallback(async () => {
    const f = force.current;
    force.current = false;
    return request('consoles.openSerial', { hostId, uuid, force: f });
  }, [hostId, uuid]);

  const waitForGuest = () => {
    waitingForGuest.current = true;
    setStatus({
      phase: 'guest-off',
      tone: 'warn',
      text: t('status.offSerial', { name }),
      actions: [{ label: t('status.start'), testId: 'console-start', onClick: () => void startGuest(hostId, uuid).catch((e: unknown) => setStatus({ phase: 'failed', tone: 'bad', text: messageOf(e) })) }],
    });
  };

  const onEvent = (e: TermEvent) => {
    if (e.phase === 'connecting') {
      waitingForGuest.current = false;
      setStatus((s) => (s.phase === 'open' || s.phase === 'reconnecting' ? { ...s, phase: 'reconnecting', tone: 'info', text: t('status.reconnecting') } : { phase: 'connecting', tone: 'info', text: t('status.connectingSerial') }));
    } else if (e.phase === 'open') {
      rc.opened();
      setStatus({ phase: 'open', tone: 'ok', text: t('status.serialOf', { name }) });
    } else if (e.phase === 'failed') {
      if (isBusy(e.error)) {
        setStatus({ phase: 'busy', tone: 'warn', text: messageOf(e.error), actions: [{ label: t('status.takeOver'), onClick: takeOver, testId: 'console-takeover' }] });
      } else if (isOff(e.error)) waitForGuest();
      else setStatus({ phase: 'failed', tone: 'bad', text: messageOf(e.error), actions: [{ label: t('common:tryAgain'), onClick: rc.now }] });
    } else if (e.code === CONSOLE_CLOSE.TAKEN_OVER) {
      setStatus({ phase: 'taken-over', tone: 'warn', text: e.reason || t('status.takenOver'), actions: [{ label: t('status.takeBack'), onClick: takeOver, testId: 'console-takeover' }] });
    } else if (e.code === CONSOLE_CLOSE.TOO_SLOW) {
      setStatus({ phase: 'failed', tone: 'warn', text: e.reason || t('status.tooSlow'), actions: [{ label: t('vnc.reconnect'), onClick: rc.now }] });
    } else if (guest.running === false) waitForGuest();
    else {
      // The stream ended while the guest runs (QEMU restarted, libvirt reconnected): try again, paced.
      setStatus({ phase: 'reconnecting', tone: 'info', text: t('status.closedReconnecting', { reason: e.reason || t('status.consoleClosed') }) });
      rc.later();
    }
  };

  return (
    <div className="console-frame">
      <ConsoleStatus status={status} />
      <TerminalConsole testId="console-serial" open={open} resizable={false} connectKey={rc.key} onEvent={onEvent} />
    </div>
  );
}
