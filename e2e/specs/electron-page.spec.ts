import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test, expect, ROOT } from '../fixtures';
import config from '../playwright.config';

// The desktop app's page as Electron loads it: from file://, with the preload's
// bridge. Electron itself can't run here, so Chromium loads the same file
// (with --allow-file-access-from-files, the file:// privilege Electron grants
// module scripts) and the bridge is a stand-in that answers every call
// UNSUPPORTED. What is under test is the page's own CSP, a <meta> in
// index.html: it must let the app run and stop everything else.

const base = config.use?.launchOptions ?? {};
test.use({ launchOptions: { ...base, args: [...(base.args ?? []), '--allow-file-access-from-files'] } });

declare global {
  interface Window {
    __violations: string[];
    __inline?: number;
  }
}

test('the file:// page runs under its own CSP, which blocks injected script and foreign connections', async ({ page }) => {
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.effectiveDirective} ${e.blockedURI}`));
    // Who the window is, as the desktop core answers it (the shell waits for it); nothing else.
    const can = { manageHosts: true, connectHosts: true, hostShell: true, consoles: true, lifecycle: [], configure: true, create: true, migrate: true, deleteVms: true, audit: true, accounts: false };
    const session = { mode: 'desktop', user: 'desktop', role: 'admin', hosts: [], tags: [], can };
    window.virtdeck = {
      invoke: async (name: string) => (name === 'session.get' ? { ok: true, value: session } : { ok: false, error: { code: 'UNSUPPORTED', message: 'no core in this test' } }),
      on: () => () => {},
    };
  });
  await page.goto(pathToFileURL(path.join(ROOT, 'dist', 'renderer', 'index.html')).href);
  // The app's module script and styles ran: the shell is there.
  await expect(page.getByTestId('core-link')).toHaveText('Core connected');
  await expect(page.locator('.statusbar')).toHaveCSS('display', 'flex');
  expect(await page.evaluate(() => window.__violations)).toEqual([]);

  const attempts = await page.evaluate(async () => {
    const s = document.createElement('script');
    s.textContent = 'window.__inline = 1';
    document.body.append(s);
    // An injected event-handler attribute (the usual XSS vector) does not run either.
    const div = document.createElement('div');
    div.setAttribute('onclick', 'window.__inline = 2');
    document.body.append(div);
    div.click();
    // Blocked by the policy before any packet leaves (and the browser runs in the lab's namespace anyway).
    const elsewhere = await fetch('http://10.77.0.250:9/').then(
      () => 'fetched',
      () => 'blocked',
    );
    const consoleSocket = new WebSocket('ws://127.0.0.1:9/console/x'); // the core's console listener: allowed
    await new Promise((r) => (consoleSocket.onclose = r));
    return { inline: window.__inline ?? null, elsewhere };
  });
  expect(attempts).toEqual({ inline: null, elsewhere: 'blocked' });
  const violations = await page.evaluate(() => window.__violations);
  expect(violations).toEqual(expect.arrayContaining([expect.stringMatching(/^script-src-elem inline/), expect.stringMatching(/^script-src-attr inline/), 'connect-src http://10.77.0.250:9/']));
  expect(violations.some((v) => v.includes('127.0.0.1'))).toBe(false);
});
