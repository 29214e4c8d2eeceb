import { defineConfig } from 'vitest/config';

// Unit tests live beside the code (*.test.ts). Lab-backed service tests are
// *.lab.test.ts and run from e2e/run.sh inside the lab namespace.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'scripts/**/*.test.ts'],
    exclude: ['**/*.lab.test.ts', 'node_modules/**', 'dist/**'],
    environment: 'node',
    testTimeout: 20000,
    // expect.poll waits on state; its 1 s default is too short on a loaded 2-core machine.
    expect: { poll: { timeout: 10_000, interval: 25 } },
  },
});
