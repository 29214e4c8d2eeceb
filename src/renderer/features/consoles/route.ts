import { useSyncExternalStore } from 'react';

// Consoles have their own hash routes so one can open in a separate tab or
// window: #/console/<hostId>/<uuid>[/serial] and #/shell/<hostId>.
export type ConsoleView = 'display' | 'serial';
export type ConsoleRoute = { kind: 'domain'; hostId: string; uuid: string; view: ConsoleView } | { kind: 'shell'; hostId: string };

const SEG = '([a-z0-9][a-z0-9-]{0,63})';
const UUID = '([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})';
const DOMAIN_RE = new RegExp(`^#/console/${SEG}/${UUID}(?:/(display|serial))?$`);
const SHELL_RE = new RegExp(`^#/shell/${SEG}$`);

export function parseConsoleRoute(hash: string): ConsoleRoute | null {
  const d = DOMAIN_RE.exec(hash);
  if (d) return { kind: 'domain', hostId: d[1]!, uuid: d[2]!, view: (d[3] as ConsoleView | undefined) ?? 'display' };
  const s = SHELL_RE.exec(hash);
  return s ? { kind: 'shell', hostId: s[1]! } : null;
}

export function consoleHash(r: ConsoleRoute): string {
  return r.kind === 'shell' ? `#/shell/${r.hostId}` : `#/console/${r.hostId}/${r.uuid}${r.view === 'serial' ? '/serial' : ''}`;
}

/** The page's own URL with a console route, for "open in its own window". */
export function consoleUrl(r: ConsoleRoute, href = location.href): string {
  return href.split('#')[0] + consoleHash(r);
}

/** A ticket's URL as the page's WebSocket needs it: serve mode answers a path on the page's own origin. */
export function resolveWsUrl(url: string, page?: { protocol: string; host: string }): string {
  if (/^wss?:\/\//.test(url)) return url;
  const loc = page ?? location;
  return `${loc.protocol === 'https:' ? 'wss:' : 'ws:'}//${loc.host}${url}`;
}

const subscribe = (cb: () => void) => {
  window.addEventListener('hashchange', cb);
  return () => window.removeEventListener('hashchange', cb);
};

/** The console route the page shows now, or null for the normal app. */
export function useConsoleRoute(): ConsoleRoute | null {
  const hash = useSyncExternalStore(subscribe, () => location.hash);
  return parseConsoleRoute(hash);
}

export function openConsole(r: ConsoleRoute, where: 'here' | 'window'): void {
  if (where === 'window') window.open(consoleUrl(r), '_blank', 'noopener');
  else location.hash = consoleHash(r);
}
