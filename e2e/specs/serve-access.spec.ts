import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { test, expect, readLab, startCore } from '../fixtures';

// How a browser gets and keeps serve's access token (docs/serve-security.md):
// from the printed link into this tab's sessionStorage, never into a cookie
// that the browser would also send to every other port of 127.0.0.1.

test('the token goes from the link into sessionStorage, survives a reload, and reaches a second tab', async ({ core, context }) => {
  const page = await context.newPage();
  await page.goto(core.url);
  await expect(page.getByTestId('core-link')).toHaveText('Core connected');
  // The address bar (and so history and bookmarks) no longer holds it.
  expect(page.url()).toBe(core.origin + '/');
  expect(await page.evaluate(() => sessionStorage.getItem('virtdeck.token'))).toBe(core.token);
  expect(await context.cookies()).toEqual([]);

  await page.reload();
  await expect(page.getByTestId('core-link')).toHaveText('Core connected');

  // A tab opened on the bare address (as a popped-out console is) gets the token from the open tab.
  const second = await context.newPage();
  await second.goto(core.origin + '/');
  await expect(second.getByTestId('core-link')).toHaveText('Core connected');
  expect(await second.evaluate(() => sessionStorage.getItem('virtdeck.token'))).toBe(core.token);
  await second.close();
  await page.close();

  // With no tab left that holds it, a new tab asks for the link, and takes it pasted.
  const fresh = await context.newPage();
  await fresh.goto(core.origin + '/');
  await expect(fresh.getByTestId('access-screen')).toBeVisible();
  await fresh.getByTestId('access-link').fill('not a link');
  await fresh.getByTestId('access-connect').click();
  await expect(fresh.getByRole('alert')).toContainText('not a VirtDeck access link');
  await fresh.screenshot({ path: test.info().outputPath('access-screen.png') });
  await fresh.getByTestId('access-link').fill(core.url);
  await fresh.getByTestId('access-connect').click();
  await expect(fresh.getByTestId('core-link')).toHaveText('Core connected');
});

test('a token the core refuses (serve restarted) shows the access screen, which says so', async ({ core, context }) => {
  const page = await context.newPage();
  await page.goto(core.origin + '/');
  await page.evaluate(() => sessionStorage.setItem('virtdeck.token', 'a-token-from-an-earlier-start-000'));
  await page.reload();
  await expect(page.getByTestId('access-refused')).toContainText('refused');
  expect(await page.evaluate(() => sessionStorage.getItem('virtdeck.token'))).toBeNull();
  // Opening the current link in the same tab (only the fragment changes: no reload) connects.
  await page.goto(core.url);
  await expect(page.getByTestId('core-link')).toHaveText('Core connected');
  expect(page.url()).toBe(core.origin + '/');
});

test('another web server on the same host never sees the credential', async ({ core, context }) => {
  // What a local dev server, or anything else listening on 127.0.0.1, would receive.
  const seen: Array<{ url: string; headers: IncomingHttpHeaders }> = [];
  const spy = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end('<!doctype html><title>other server</title><img src="/pixel.png">');
  });
  await new Promise<void>((r) => spy.listen(0, '127.0.0.1', r));
  const spyPort = (spy.address() as AddressInfo).port;
  try {
    const page = await context.newPage();
    await page.goto(core.url);
    await expect(page.getByTestId('core-link')).toHaveText('Core connected');
    // The same browser then visits the other server, directly and from the app's page.
    const other = await context.newPage();
    await other.goto(`http://127.0.0.1:${spyPort}/visit`);
    await expect(other).toHaveTitle('other server');
    // (The app's own CSP keeps its page from fetching other ports; a navigation of its tab is not a fetch.)
    await page.goto(`http://127.0.0.1:${spyPort}/from-app-tab`);
    await expect.poll(() => seen.map((s) => s.url)).toEqual(expect.arrayContaining(['/visit', '/pixel.png', '/from-app-tab']));
    for (const s of seen) {
      expect(JSON.stringify(s)).not.toContain(core.token);
      expect(s.headers.cookie).toBeUndefined();
    }
  } finally {
    await new Promise((r) => spy.close(r));
  }
});

test('off loopback, serve speaks HTTPS with the certificate whose fingerprint it printed, and answers to --allow-host names', async ({ browser }, testInfo) => {
  const lab = readLab();
  const core = await startCore(testInfo, { args: ['--listen', lab.gateway, '--allow-host', 'virtdeck.lab'] });
  try {
    expect(core.url).toMatch(new RegExp(`^https://${lab.gateway.replaceAll('.', '\\.')}:\\d+/#token=`));
    await expect.poll(() => /SHA-256 fingerprint: (\S+)/.exec(core.stdout)?.[1]).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    const printed = /SHA-256 fingerprint: (\S+)/.exec(core.stdout)![1];
    // What a client actually gets on the wire.
    const port = Number(new URL(core.origin).port);
    const onWire = await new Promise<string>((resolve, reject) => {
      const s = tls.connect({ host: lab.gateway, port, rejectUnauthorized: false, servername: 'virtdeck.lab' }, () => {
        resolve(s.getPeerX509Certificate()!.fingerprint256);
        s.end();
      });
      s.on('error', reject);
    });
    expect(onWire).toBe(printed);
    // A browser that accepted that certificate works as on loopback.
    const ctx = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await ctx.newPage();
    await page.goto(core.url);
    await expect(page.getByTestId('core-link')).toHaveText('Core connected');
    await ctx.close();
    // Names: the --allow-host one works, any other is refused (DNS rebinding).
    const status = (host: string) =>
      new Promise<number>((resolve, reject) => {
        https.get({ host: lab.gateway, port, path: '/', headers: { host }, rejectUnauthorized: false }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }).on('error', reject);
      });
    expect(await status(`virtdeck.lab:${port}`)).toBe(200);
    expect(await status(`elsewhere.lab:${port}`)).toBe(421);
  } finally {
    await core.stop();
  }
  // Plain HTTP there only when asked for, with a warning in the log.
  const plain = await startCore(testInfo, { args: ['--listen', lab.gateway, '--insecure'] });
  try {
    expect(plain.url).toMatch(/^http:\/\//);
    await expect.poll(() => readFileSync(plain.logPath, 'utf8')).toMatch(/--insecure.*unencrypted/);
  } finally {
    await plain.stop();
  }
});
