import { describe, expect, it } from 'vitest';
import { BRIDGE_EVENT, BRIDGE_INVOKE } from '../../shared/ipc/api';
import { createCore } from '../core';
import { secureWebPreferences, trustedUrlCheck, isExternalHttpUrl } from '../electron/window-options';
import { silentLogger } from '../util/log';
import { ElectronAdapter, type IpcMainLike, type InvokeEventLike, type WebContentsLike } from './electron-adapter';

// A stand-in for Electron's ipcMain/webContents: the Electron binary can't be
// installed on our build machines, so the wiring is checked against the same
// structural interface the real objects satisfy (typecheck covers electron.ts).
class FakeIpcMain implements IpcMainLike {
  handlers = new Map<string, (event: InvokeEventLike, ...args: unknown[]) => unknown>();
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => unknown) {
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  }
}
class FakeWebContents implements WebContentsLike {
  sent: unknown[][] = [];
  destroyed = false;
  private onDestroyed: Array<() => void> = [];
  constructor(readonly id: number) {}
  send(channel: string, ...args: unknown[]) {
    this.sent.push([channel, ...args]);
  }
  isDestroyed() {
    return this.destroyed;
  }
  once(_event: 'destroyed', listener: () => void) {
    this.onDestroyed.push(listener);
  }
  destroy() {
    this.destroyed = true;
    this.onDestroyed.forEach((l) => l());
  }
}

const APP = 'file:///opt/VirtDeck/resources/app/dist/renderer/index.html';

async function setup() {
  const core = await createCore({ mode: 'electron', configDir: '/nonexistent-virtdeck-test', log: silentLogger });
  const ipc = new FakeIpcMain();
  const adapter = new ElectronAdapter(ipc, core.registry, core.bus, trustedUrlCheck(APP), silentLogger);
  const invoke = (wc: FakeWebContents, url: string, name: unknown, input: unknown) =>
    ipc.handlers.get(BRIDGE_INVOKE)!({ sender: wc, senderFrame: { url } }, name, input) as Promise<{ ok: boolean; error?: { code: string } }>;
  return { core, ipc, adapter, invoke };
}

describe('ElectronAdapter', () => {
  it('registers one invoke channel and dispatches through the contract', async () => {
    const { ipc, invoke } = await setup();
    expect([...ipc.handlers.keys()]).toEqual([BRIDGE_INVOKE]);
    const wc = new FakeWebContents(1);
    await expect(invoke(wc, APP, 'app.ping', { echo: 'x' })).resolves.toMatchObject({ ok: true, value: { echo: 'x' } });
    await expect(invoke(wc, APP, 'app.ping', {})).resolves.toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    await expect(invoke(wc, APP, 'no.such', {})).resolves.toMatchObject({ ok: false, error: { code: 'UNKNOWN_CALL' } });
  });

  it('refuses frames that are not the app', async () => {
    const { invoke } = await setup();
    const wc = new FakeWebContents(2);
    for (const url of ['https://evil.example/', 'file:///etc/passwd', 'file:///opt/VirtDeck/resources/app/dist/renderer/../../evil.html', '']) {
      await expect(invoke(wc, url, 'app.info', {})).resolves.toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    }
  });

  it('forwards events to each window and disposes its session when it is destroyed', async () => {
    const { core, adapter, invoke } = await setup();
    const base = core.bus.listenerCount;
    const a = new FakeWebContents(3);
    const b = new FakeWebContents(4);
    await invoke(a, APP, 'app.info', {});
    await invoke(b, APP, 'app.info', {});
    expect(core.bus.listenerCount).toBe(base + 2);
    core.bus.emit('app.notified', { id: '1', level: 'info', title: 't', at: 0 });
    expect(a.sent).toEqual([[BRIDGE_EVENT, 'app.notified', { id: '1', level: 'info', title: 't', at: 0 }]]);
    expect(b.sent).toHaveLength(1);
    a.destroy();
    expect(core.bus.listenerCount).toBe(base + 1);
    expect(adapter.sessionCount).toBe(1);
    adapter.dispose();
    expect(core.bus.listenerCount).toBe(base);
  });
});

describe('window options', () => {
  it('locks the renderer down', () => {
    expect(secureWebPreferences('/p/preload.cjs')).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
  });
  it('sends only http(s) links to the system browser', () => {
    expect(isExternalHttpUrl('https://libvirt.org')).toBe(true);
    expect(isExternalHttpUrl('file:///etc/passwd')).toBe(false);
    expect(isExternalHttpUrl('javascript:alert(1)')).toBe(false);
  });
});

describe('console windows', () => {
  it('opens only our console routes in app windows', async () => {
    const { isAppConsoleUrl } = await import('../electron/window-options');
    expect(isAppConsoleUrl(`${APP}#/console/lab-1/8f1c2a3b-1111-2222-3333-444455556666`, APP)).toBe(true);
    expect(isAppConsoleUrl(`${APP}#/shell/lab-1`, APP)).toBe(true);
    expect(isAppConsoleUrl(`${APP}#/settings`, APP)).toBe(false);
    expect(isAppConsoleUrl('https://evil.example/#/console/x/y', APP)).toBe(false);
    expect(isAppConsoleUrl(`${APP}#/console/../../x`, APP)).toBe(false);
  });
});
