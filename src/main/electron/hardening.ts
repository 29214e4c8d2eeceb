// Electron's web-facing surface, locked down. Kept apart from electron.ts
// and typed structurally so it is unit-tested without the Electron binary
// (which cannot be installed here); electron.ts only wires it in.
import { trustedUrlCheck } from './window-options';

/**
 * Permissions the app uses, and why; everything else (camera, microphone,
 * geolocation, notifications from pages, HID/USB/serial, clipboard reads,
 * screen capture, …) is denied. Desktop notifications come from the main
 * process, not from pages, so pages need no permission for them.
 */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set([
  'fullscreen', // the VNC console's full-screen button
  'loopback-network', // console WebSockets to the core's own listener on 127.0.0.1
]);

/** Whether a page may have a permission: only our own frames, only what we use. */
export function permissionAllowed(permission: string, requestingUrl: string | undefined, isAppUrl: (url: string) => boolean): boolean {
  return ALLOWED_PERMISSIONS.has(permission) && requestingUrl !== undefined && isAppUrl(requestingUrl);
}

/** A navigation target is acceptable only if it is our own page: index.html, any in-app route (#/…). */
export function navigationAllowed(url: string, indexUrl: string): boolean {
  try {
    const u = new URL(url);
    const index = new URL(indexUrl);
    return u.protocol === index.protocol && u.host === index.host && u.pathname === index.pathname && u.search === '';
  } catch {
    return false;
  }
}

interface NavEvent {
  preventDefault(): void;
  url?: string;
  isMainFrame?: boolean;
}

/** The slice of WebContents hardenContents needs (structural, for tests). */
export interface ContentsLike {
  on(event: 'will-navigate' | 'will-redirect' | 'will-frame-navigate', listener: (e: NavEvent, url?: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (e: NavEvent) => void): unknown;
  on(event: 'select-hid-device' | 'select-serial-port' | 'select-usb-device' | 'select-bluetooth-device', listener: (e: NavEvent, ...args: unknown[]) => void): unknown;
  getURL(): string;
}

/**
 * Guards every navigation path a page has: link or script navigation
 * (will-navigate), server redirects (will-redirect, which will-navigate does
 * not see), any frame's navigation (will-frame-navigate: iframes too), and
 * <webview> tags. Device pickers are refused outright.
 */
export function hardenContents(contents: ContentsLike, indexUrl: string, log: { warn(m: string): void }): void {
  const guard = (kind: string) => (e: NavEvent, urlArg?: string) => {
    const url = e.url ?? urlArg ?? '';
    if (navigationAllowed(url, indexUrl)) return;
    e.preventDefault();
    log.warn(`blocked ${kind} to ${url.slice(0, 200)}`);
  };
  contents.on('will-navigate', guard('navigation'));
  contents.on('will-redirect', guard('redirect'));
  contents.on('will-frame-navigate', guard('frame navigation'));
  contents.on('will-attach-webview', (e) => {
    e.preventDefault();
    log.warn('blocked a <webview>');
  });
  for (const picker of ['select-hid-device', 'select-serial-port', 'select-usb-device', 'select-bluetooth-device'] as const) {
    contents.on(picker, (e, ...args) => {
      e.preventDefault();
      // The picker's callback must still be called, with "nothing chosen".
      const cb = args.find((a): a is (id: string) => void => typeof a === 'function');
      cb?.('');
    });
  }
}

/** The slice of Electron's Session hardenSession needs (structural, for tests). */
export interface SessionLike {
  setPermissionRequestHandler(handler: (wc: { getURL(): string } | null, permission: string, callback: (granted: boolean) => void, details: { requestingUrl?: string }) => void): void;
  setPermissionCheckHandler(handler: (wc: { getURL(): string } | null, permission: string, requestingOrigin: string, details: { requestingUrl?: string }) => boolean): void;
  setDevicePermissionHandler(handler: (details: unknown) => boolean): void;
  setDisplayMediaRequestHandler(handler: (request: unknown, callback: (streams: null) => void) => void): void;
}

export function hardenSession(session: SessionLike, indexUrl: string, log: { warn(m: string): void }): void {
  const isApp = trustedUrlCheck(indexUrl);
  const decide = (wc: { getURL(): string } | null, permission: string, requestingUrl: string | undefined) => {
    const ok = permissionAllowed(permission, requestingUrl ?? wc?.getURL(), isApp);
    if (!ok) log.warn(`denied permission ${permission} to ${String(requestingUrl ?? wc?.getURL()).slice(0, 200)}`);
    return ok;
  };
  session.setPermissionRequestHandler((wc, permission, callback, details) => callback(decide(wc, permission, details.requestingUrl)));
  session.setPermissionCheckHandler((wc, permission, _origin, details) => ALLOWED_PERMISSIONS.has(permission) && decide(wc, permission, details.requestingUrl));
  session.setDevicePermissionHandler(() => false);
  session.setDisplayMediaRequestHandler((_req, callback) => callback(null));
}
