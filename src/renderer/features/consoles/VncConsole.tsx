import type RFB from '@novnc/novnc';
import { useEffect, useRef, useState } from 'react';
import { request } from '../../app/api';
import { resolveWsUrl } from './route';
import { ConsoleStatus, isOff, messageOf, startGuest, useGuestRunning, useReconnect, type ConsoleStatusInfo } from './status';
import { VncToolbar } from './VncToolbar';
import './consoles.css';
import { useTranslation } from 'react-i18next';

interface Props {
  hostId: string;
  uuid: string;
  onOpenWindow?: () => void;
}

/** The guest's VNC display via noVNC, over the core's one-time-token WebSocket bridge. */
export function VncConsole({ hostId, uuid, onOpenWindow }: Props) {
  const { t } = useTranslation(['consoles', 'common']);
  const frame = useRef<HTMLDivElement>(null);
  const screen = useRef<HTMLDivElement>(null);
  const [rfb, setRfb] = useState<RFB | null>(null);
  const [status, setStatus] = useState<ConsoleStatusInfo>({ phase: 'connecting', tone: 'info', text: t('status.connectingDisplay') });
  const [scale, setScale] = useState(true);
  const [viewOnly, setViewOnly] = useState(false);
  const [remoteClip, setRemoteClip] = useState('');
  const [askPassword, setAskPassword] = useState(false);
  // A password the user typed wins over the XML's (it may have been changed at runtime).
  const typedPassword = useRef<string | undefined>(undefined);
  const waitingForGuest = useRef(false);
  const rc = useReconnect();
  const guest = useGuestRunning(hostId, uuid, () => {
    if (waitingForGuest.current) rc.now();
  });
  const running = useRef(guest.running);
  running.current = guest.running;
  const name = guest.name ?? 'the guest';
  const nameRef = useRef(name);
  nameRef.current = name;

  useEffect(() => {
    const el = screen.current;
    if (!el) return;
    let cancelled = false;
    let conn: RFB | null = null;
    let securityFailed = false;
    waitingForGuest.current = false;
    setStatus((s) => (s.phase === 'open' || s.phase === 'reconnecting' ? { phase: 'reconnecting', tone: 'info', text: t('status.reconnecting') } : { phase: 'connecting', tone: 'info', text: t('status.connectingDisplay') }));

    const guestOff = () => {
      waitingForGuest.current = true;
      setStatus({
        phase: 'guest-off',
        tone: 'warn',
        text: t('status.offDisplay', { name: nameRef.current }),
        actions: [{ label: t('status.start'), testId: 'console-start', onClick: () => void startGuest(hostId, uuid).catch((e: unknown) => setStatus({ phase: 'failed', tone: 'bad', text: messageOf(e) })) }],
      });
    };

    void (async () => {
      try {
        // noVNC loads on first use: it is large and runs a top-level await at import.
        const [{ default: Rfb }, ticket] = await Promise.all([import('@novnc/novnc'), request('consoles.openVnc', { hostId, uuid })]);
        if (cancelled) return;
        const password = typedPassword.current ?? ticket.password;
        const r = new Rfb(el, resolveWsUrl(ticket.url), { shared: true, ...(password !== undefined ? { credentials: { password } } : {}) });
        conn = r;
        r.scaleViewport = scale;
        r.viewOnly = viewOnly;
        r.background = 'transparent';
        r.addEventListener('connect', () => {
          rc.opened();
          setAskPassword(false);
          setStatus({ phase: 'open', tone: 'ok', text: t('status.displayOf', { name: ticket.name, target: ticket.target, host: hostId }) + (ticket.note ? ` — ${ticket.note}` : '') });
        });
        r.addEventListener('credentialsrequired', () => {
          setAskPassword(true);
          setStatus({ phase: 'auth', tone: 'warn', text: t('status.askPassword') });
        });
        r.addEventListener('securityfailure', (ev) => {
          securityFailed = true;
          const d = (ev as CustomEvent<{ status: number; reason?: string }>).detail;
          // QEMU sends its reason C-string style, NUL included.
          const reason = d.reason && [...d.reason].filter((c) => c >= ' ' && c !== '\u007f').join('').trim();
          typedPassword.current = undefined;
          setAskPassword(true);
          setStatus({
            phase: 'auth',
            tone: 'bad',
            text: reason ? t('status.passwordRefusedReason', { reason }) : t('status.passwordRefused'),
          });
        });
        r.addEventListener('clipboard', (ev) => setRemoteClip((ev as CustomEvent<{ text: string }>).detail.text));
        r.addEventListener('disconnect', () => {
          setRfb((cur) => (cur === r ? null : cur));
          if (cancelled || securityFailed) return;
          if (running.current === false) return guestOff();
          // The display went away under a running guest (QEMU restarted, SSH redialled): reconnect, paced.
          setStatus({ phase: 'reconnecting', tone: 'info', text: t('status.displayDisconnected') });
          rc.later();
        });
        setRfb(r);
      } catch (e) {
        if (cancelled) return;
        if (isOff(e)) return guestOff();
        setStatus({ phase: 'failed', tone: 'bad', text: messageOf(e), actions: [{ label: t('common:tryAgain'), onClick: rc.now }] });
      }
    })();
    return () => {
      cancelled = true;
      conn?.disconnect();
      setRfb(null);
    };
    // scale/viewOnly are applied live below; only a reconnect makes a new connection.
  }, [hostId, uuid, rc.key]);

  useEffect(() => {
    if (rfb) rfb.scaleViewport = scale;
  }, [rfb, scale]);
  useEffect(() => {
    if (rfb) rfb.viewOnly = viewOnly;
  }, [rfb, viewOnly]);

  return (
    <div className="console-frame" ref={frame}>
      <VncToolbar
        rfb={rfb}
        scale={scale}
        onScale={setScale}
        viewOnly={viewOnly}
        onViewOnly={setViewOnly}
        remoteClipboard={remoteClip}
        onFullscreen={() => void frame.current?.requestFullscreen?.()}
        onOpenWindow={onOpenWindow}
        onReconnect={rc.now}
      />
      <ConsoleStatus status={status}>
        {askPassword && (
          <form
            className="console-password"
            onSubmit={(e) => {
              e.preventDefault();
              const value = new FormData(e.currentTarget).get('password');
              typedPassword.current = typeof value === 'string' ? value : '';
              setAskPassword(false);
              rc.now();
            }}
          >
            <input name="password" type="password" autoComplete="off" placeholder={t('status.vncPassword')} aria-label={t('status.vncPassword')} data-testid="vnc-password" />
            <button type="submit" className="small">
              {t('status.connect')}
            </button>
          </form>
        )}
      </ConsoleStatus>
      <div className="console-vnc" ref={screen} data-testid="console-vnc-canvas" />
    </div>
  );
}
