import { defineConfig } from '@playwright/test';

// Runs inside the lab's network namespace (e2e/run.sh), against Debian's
// Chromium: browsers are never downloaded.
export default defineConfig({
  testDir: './specs',
  outputDir: process.env.E2E_OUT ?? '../test-results/e2e',
  timeout: 90_000,
  expect: { timeout: 15_000 },
  workers: 1,
  fullyParallel: false,
  retries: 0,
  reporter: [['list'], ['html', { open: 'never', outputFolder: (process.env.E2E_OUT ?? '../test-results/e2e') + '-report' }]],
  use: {
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    },
    viewport: { width: 1440, height: 900 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
});
