import { defineConfig } from 'vitest/config';

// Service tests against the real lab (real sshd + libvirtd in network
// namespaces). Run by e2e/run.sh inside the `lab` namespace after `lab.sh up`.
export default defineConfig({
  test: {
    include: ['src/**/*.lab.test.ts'],
    environment: 'node',
    testTimeout: 60000,
    // expect.poll waits on state; hosts under load take longer than its 1 s default.
    expect: { poll: { timeout: 15_000, interval: 50 } },
    hookTimeout: 120000,
    fileParallelism: false,
  },
});
