import { useEffect } from 'react';
import { api } from '../../app/api';

const EVERY_MS = 60_000;

/**
 * Accounts mode: the core ends a session nobody used for a while (idle
 * timeout). Calls count as use, but someone watching or typing into a
 * console makes none, so the page tells the core about input (at most once
 * a minute) with a ping. Keys and clicks are seen in the capture phase,
 * before noVNC or xterm.js take them.
 */
export function useActivityPing(enabled: boolean): void {
  useEffect(() => {
    if (!enabled) return;
    let last = Date.now();
    const onInput = () => {
      const now = Date.now();
      if (now - last < EVERY_MS) return;
      last = now;
      void api.call('app.ping', { echo: 'activity' });
    };
    const opts = { capture: true, passive: true } as const;
    window.addEventListener('keydown', onInput, opts);
    window.addEventListener('pointerdown', onInput, opts);
    window.addEventListener('wheel', onInput, opts);
    return () => {
      window.removeEventListener('keydown', onInput, opts);
      window.removeEventListener('pointerdown', onInput, opts);
      window.removeEventListener('wheel', onInput, opts);
    };
  }, [enabled]);
}
