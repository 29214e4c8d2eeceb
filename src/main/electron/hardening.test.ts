import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { hardenContents, hardenSession, navigationAllowed, permissionAllowed, type ContentsLike, type SessionLike } from './hardening';
import { trustedUrlCheck } from './window-options';

// Electron can't run here: its WebContents and Session are stood in for by an
// EventEmitter and a recorder of the handlers we install. What is tested is
// our policy and that every path (navigate, redirect, frame, webview,
// device pickers, permission request/check) goes through it.

const INDEX = 'file:///opt/VirtDeck/resources/app.asar/dist/renderer/index.html';
const silent = { warn() {} };

describe('navigation policy', () => {
  it('allows our page and its in-app routes only', () => {
    for (const ok of [INDEX, `${INDEX}#/console/h1/0b6a2a34-33e1-4a4e-9e7b-0b6a2a3433e1`, `${INDEX}#/shell/h1`]) expect(navigationAllowed(ok, INDEX)).toBe(true);
    for (const bad of [
      'https://evil.example/',
      'http://127.0.0.1:7420/',
      'file:///etc/passwd',
      'file:///opt/VirtDeck/resources/app.asar/dist/renderer/assets/x.js',
      'file:///opt/VirtDeck/resources/app.asar/dist/renderer/../../../../etc/passwd',
      `${INDEX}?x=1`,
      'javascript:alert(1)',
      'data:text/html,<script>1</script>',
      'about:blank',
      'not a url',
    ]) {
      expect(navigationAllowed(bad, INDEX), bad).toBe(false);
    }
  });
});

function fakeContents() {
  const em = new EventEmitter();
  const contents = Object.assign(em, { getURL: () => INDEX }) as unknown as ContentsLike & EventEmitter;
  const fire = (event: string, url?: string, ...rest: unknown[]) => {
    let prevented = false;
    const e = { url, preventDefault: () => (prevented = true) };
    em.emit(event, e, ...rest);
    return prevented;
  };
  return { contents, fire };
}

describe('hardenContents', () => {
  it('guards will-navigate, will-redirect and will-frame-navigate alike', () => {
    const { contents, fire } = fakeContents();
    const warned: string[] = [];
    hardenContents(contents, INDEX, { warn: (m) => warned.push(m) });
    for (const ev of ['will-navigate', 'will-redirect', 'will-frame-navigate']) {
      expect(fire(ev, `${INDEX}#/shell/h1`), ev).toBe(false);
      expect(fire(ev, 'https://evil.example/phish'), ev).toBe(true);
    }
    expect(warned).toEqual(['blocked navigation to https://evil.example/phish', 'blocked redirect to https://evil.example/phish', 'blocked frame navigation to https://evil.example/phish']);
  });

  it('refuses <webview> and answers device pickers with nothing chosen', () => {
    const { contents, fire } = fakeContents();
    hardenContents(contents, INDEX, silent);
    expect(fire('will-attach-webview')).toBe(true);
    for (const picker of ['select-hid-device', 'select-serial-port', 'select-usb-device', 'select-bluetooth-device']) {
      let chosen: string | undefined;
      expect(fire(picker, undefined, { deviceList: [{ deviceId: 'd1' }] }, (id: string) => (chosen = id)), picker).toBe(true);
      expect(chosen, picker).toBe('');
    }
  });
});

describe('permissions', () => {
  const isApp = trustedUrlCheck(INDEX);

  it('grants only what the app uses, only to our frames', () => {
    expect(permissionAllowed('fullscreen', INDEX, isApp)).toBe(true);
    expect(permissionAllowed('loopback-network', `${INDEX}#/console/x`, isApp)).toBe(true);
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'clipboard-sanitized-write', 'hid', 'serial', 'usb', 'display-capture', 'openExternal', 'local-network-access', 'unknown']) {
      expect(permissionAllowed(p, INDEX, isApp), p).toBe(false);
    }
    expect(permissionAllowed('fullscreen', 'https://evil.example/', isApp)).toBe(false);
    expect(permissionAllowed('fullscreen', undefined, isApp)).toBe(false);
  });

  it('installs the policy on every session hook', () => {
    const hooks: Partial<Record<keyof SessionLike, (...a: never[]) => unknown>> = {};
    const session = new Proxy({} as SessionLike, { get: (_t, k: keyof SessionLike) => (h: never) => (hooks[k] = h) });
    hardenSession(session, INDEX, silent);
    const wc = { getURL: () => INDEX };
    const asked = (permission: string, requestingUrl?: string) =>
      new Promise<boolean>((resolve) => (hooks.setPermissionRequestHandler as unknown as Parameters<SessionLike['setPermissionRequestHandler']>[0])(wc, permission, resolve, { requestingUrl }));
    return (async () => {
      expect(await asked('fullscreen', INDEX)).toBe(true);
      expect(await asked('media', INDEX)).toBe(false);
      expect(await asked('fullscreen', 'https://evil.example/')).toBe(false);
      const check = hooks.setPermissionCheckHandler as unknown as Parameters<SessionLike['setPermissionCheckHandler']>[0];
      expect(check(wc, 'fullscreen', 'file:///', { requestingUrl: INDEX })).toBe(true);
      expect(check(wc, 'notifications', 'file:///', { requestingUrl: INDEX })).toBe(false);
      expect((hooks.setDevicePermissionHandler as unknown as (d: unknown) => boolean)({ deviceType: 'usb' })).toBe(false);
      let streams: unknown = 'unset';
      (hooks.setDisplayMediaRequestHandler as unknown as Parameters<SessionLike['setDisplayMediaRequestHandler']>[0])({}, (s) => (streams = s));
      expect(streams).toBeNull();
    })();
  });
});
