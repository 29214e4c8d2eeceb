// Thin Electron entry: builds the same core as `serve`, opens a locked-down
// window and hands the contract to ElectronAdapter. Everything testable lives
// in ipc/electron-adapter.ts and electron/window-options.ts.
import { app, BrowserWindow, dialog, Notification, safeStorage, session, shell } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createCore } from './core';
import { hardenContents, hardenSession } from './electron/hardening';
import { secureWebPreferences, trustedUrlCheck, isAppConsoleUrl, isExternalHttpUrl } from './electron/window-options';
import { attachElectronIpc } from './ipc/electron-main';
import { SafeStorageSecretStore } from './electron/safe-secrets';
import { electronFileDialogs } from './electron/file-dialogs';
import { sshCryptoPath } from './hosts/ssh/crypto-path';
import { createLogger } from './util/log';

const log = createLogger('electron');

async function start(): Promise<void> {
  await app.whenReady();
  log.info(`SSH encryption: ssh2 ${sshCryptoPath()}`);
  const configDir = app.getPath('userData');
  const core = await createCore({
    mode: 'electron',
    configDir,
    log,
    secretStore: new SafeStorageSecretStore(safeStorage, configDir, log.child('secrets')),
    fileDialogs: electronFileDialogs(),
    pickSavePath: async (defaultName) => {
      const r = await dialog.showSaveDialog({ title: 'Save backup', defaultPath: path.join(app.getPath('downloads'), defaultName), filters: [{ name: 'VirtDeck backup', extensions: ['gz'] }] });
      return r.canceled || !r.filePath ? null : r.filePath;
    },
  });
  // Alerts and failures reach the desktop even when the window is hidden.
  core.bus.subscribe((msg) => {
    if (msg.name !== 'app.notified' || !Notification.isSupported()) return;
    const n = msg.payload as { level: string; title: string; message?: string };
    if (n.level === 'warning' || n.level === 'error') new Notification({ title: n.title, body: n.message ?? '' }).show();
  });
  const indexPath = path.join(__dirname, '..', 'renderer', 'index.html');
  const indexUrl = pathToFileURL(indexPath).href;
  const adapter = attachElectronIpc(core.registry, core.bus, trustedUrlCheck(indexUrl), log.child('ipc'));

  // The page's CSP is a <meta> in index.html (file:// has no headers to carry one).
  hardenSession(session.defaultSession, indexUrl, log.child('guard'));
  const preload = path.join(__dirname, 'preload.cjs');
  // Consoles may pop out into windows locked down like the main one; every
  // other link goes to the system browser, never into the app.
  app.on('web-contents-created', (_e, contents) => {
    contents.setWindowOpenHandler(({ url }) => {
      if (isAppConsoleUrl(url, indexUrl)) {
        return { action: 'allow', overrideBrowserWindowOptions: { width: 1100, height: 800, webPreferences: secureWebPreferences(preload) } };
      }
      if (isExternalHttpUrl(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
    hardenContents(contents, indexUrl, log.child('guard'));
  });
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'VirtDeck',
    webPreferences: secureWebPreferences(preload),
  });
  await win.loadURL(indexUrl);

  app.on('window-all-closed', () => {
    adapter.dispose();
    void core.dispose().then(() => app.quit());
  });
}

start().catch((e: unknown) => {
  log.error(`failed to start: ${e instanceof Error ? e.stack : String(e)}`);
  app.exit(1);
});
