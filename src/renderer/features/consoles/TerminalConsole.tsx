import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef } from 'react';
import type { ConsoleControl } from '../../../shared/ipc/calls/consoles';
import { WriteFlow } from './flow';
import { resolveWsUrl } from './route';
import './consoles.css';

export type TermEvent =
  | { phase: 'connecting' }
  | { phase: 'open' }
  | { phase: 'closed'; code: number; reason: string }
  | { phase: 'failed'; error: unknown };

interface Props {
  testId: string;
  /** Asks the core for a one-time ticket; called for every (re)connect. */
  open(size: { cols: number; rows: number }): Promise<{ url: string }>;
  /** Send the terminal size to the core (host shells; a serial line has no size). */
  resizable: boolean;
  /** Change it to connect again (after a close, or to take a console over). */
  connectKey: number;
  /** Set false to stay disconnected (e.g. the guest is off). */
  enabled?: boolean;
  onEvent(e: TermEvent): void;
}

const encoder = new TextEncoder();

/**
 * xterm.js on a console WebSocket: bytes both ways as binary frames, control
 * (resize, flow pause/resume) as JSON text frames. The terminal outlives
 * reconnects so the scrollback stays.
 */
export function TerminalConsole({ testId, open, resizable, connectKey, enabled = true, onEvent }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const term = useRef<{ t: Terminal; fit: FitAddon } | null>(null);
  const ws = useRef<WebSocket | null>(null);
  const cb = useRef({ open, onEvent, resizable });
  cb.current = { open, onEvent, resizable };

  const control = (m: ConsoleControl) => {
    if (ws.current?.readyState === WebSocket.OPEN) ws.current.send(JSON.stringify(m));
  };

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const t = new Terminal({
      cursorBlink: true,
      fontFamily: "ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace",
      fontSize: 14,
      scrollback: 5000,
      convertEol: false,
    });
    const fit = new FitAddon();
    t.loadAddon(fit);
    t.open(el);
    term.current = { t, fit };
    const refit = () => {
      // fit() throws while the element is hidden (zero size); the next resize retries.
      try {
        if (el.clientWidth > 0 && el.clientHeight > 0) fit.fit();
      } catch {
        /* not laid out yet */
      }
    };
    refit();
    const ro = new ResizeObserver(refit);
    ro.observe(el);
    const subs = [
      t.onData((d) => ws.current?.readyState === WebSocket.OPEN && ws.current.send(encoder.encode(d))),
      // onBinary carries mouse reports in X10 mode: bytes 0-255 as a latin-1 string.
      t.onBinary((d) => ws.current?.readyState === WebSocket.OPEN && ws.current.send(Uint8Array.from(d, (c) => c.charCodeAt(0) & 0xff))),
      t.onResize(({ cols, rows }) => cb.current.resizable && control({ t: 'resize', cols, rows })),
    ];
    t.focus();
    return () => {
      ro.disconnect();
      subs.forEach((s) => s.dispose());
      t.dispose();
      term.current = null;
    };
  }, []);

  useEffect(() => {
    const tt = term.current;
    if (!tt || !enabled) return;
    let cancelled = false;
    let sock: WebSocket | null = null;
    cb.current.onEvent({ phase: 'connecting' });
    cb.current
      .open({ cols: tt.t.cols, rows: tt.t.rows })
      .then(({ url }) => {
        if (cancelled) return;
        sock = new WebSocket(resolveWsUrl(url));
        sock.binaryType = 'arraybuffer';
        ws.current = sock;
        const s = sock;
        const flow = new WriteFlow(
          (data, done) => tt.t.write(data, done),
          (t) => s.readyState === WebSocket.OPEN && s.send(JSON.stringify({ t } satisfies ConsoleControl)),
        );
        s.onopen = () => {
          cb.current.onEvent({ phase: 'open' });
          if (cb.current.resizable) control({ t: 'resize', cols: tt.t.cols, rows: tt.t.rows });
          tt.t.focus();
        };
        s.onmessage = (ev) => {
          if (ev.data instanceof ArrayBuffer) flow.push(new Uint8Array(ev.data));
        };
        s.onclose = (ev) => {
          if (ws.current === s) ws.current = null;
          if (!cancelled) cb.current.onEvent({ phase: 'closed', code: ev.code, reason: ev.reason });
        };
      })
      .catch((error: unknown) => {
        if (!cancelled) cb.current.onEvent({ phase: 'failed', error });
      });
    return () => {
      cancelled = true;
      sock?.close(1000);
      if (ws.current === sock) ws.current = null;
    };
  }, [connectKey, enabled]);

  return <div ref={host} className="console-term" data-testid={testId} />;
}
