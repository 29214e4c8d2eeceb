import { test, expect } from '../fixtures';

test('the UI loads and a contract call round-trips', async ({ app, core }) => {
  // app.info answered over the WebSocket: version and run mode in the status bar.
  await expect(app.getByTestId('app-version')).toHaveText(/^VirtDeck \d+\.\d+\.\d+ · serve$/);
  await expect(app.getByTestId('host-count')).toHaveText(/\d+\/\d+ hosts connected/);
  // The token left the address bar for this tab's sessionStorage; no cookie carries it.
  expect(app.url()).not.toContain('token');
  expect(await app.context().cookies()).toEqual([]);
  await app.screenshot({ path: test.info().outputPath('shell.png') });
  expect(core.proc.exitCode).toBeNull();
});

test('without the token the page explains what to open, and its WebSocket gets nowhere', async ({ core, browser }) => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const res = await page.goto(core.origin + '/');
  expect(res?.status()).toBe(200); // the UI's files hold no secret
  await expect(page.getByTestId('access-screen')).toContainText('This tab has no access token');
  const wsOutcome = await page.evaluate(
    (url) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(url, ['virtdeck.v1']);
        ws.onopen = () => resolve('open');
        ws.onerror = () => resolve('refused');
      }),
    core.origin.replace('http', 'ws') + '/ws',
  );
  expect(wsOutcome).toBe('refused');
  await ctx.close();
});

test('the theme switches between light and dark', async ({ app }) => {
  const theme = () => app.evaluate(() => document.documentElement.dataset.theme);
  const start = await theme();
  await app.getByRole('button', { name: /Theme/ }).click();
  await app.getByRole('button', { name: /Theme/ }).click();
  const seen = new Set([start, await theme()]);
  await app.getByRole('button', { name: /Theme/ }).click();
  seen.add(await theme());
  expect(seen).toEqual(new Set(['light', 'dark']));
});
