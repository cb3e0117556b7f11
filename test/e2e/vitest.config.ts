import { defineConfig } from 'vitest/config';

// End-to-end tests run in Node against Firebell started as `npm start` starts it (built bundle on workerd),
// each file with its own port and state directory; browsers are Debian's Chromium via playwright-core.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
