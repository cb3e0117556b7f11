import { defineConfig } from 'vitest/config';

// End-to-end tests run in Node against Firebell started as `npm start` starts it (built bundle on workerd),
// each file with its own port and state directory; browsers are Debian's Chromium via playwright-core.
// Files that build or install in the checkout itself (the demo rebuilds dist/ that every other file serves;
// the quick start runs npm install) run first, one at a time; the rest, each on its own temporary state,
// run two at a time.
const ALONE = [
  'test/e2e/demo.test.ts',
  'test/e2e/quick-start.test.ts',
  'test/e2e/start-up.test.ts',
];

export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 60_000,
    // A file's beforeAll starts Firebell (bounded at 50 s in harness.ts) and Chromium.
    hookTimeout: 90_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'e2e alone',
          include: ALONE,
          fileParallelism: false,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          exclude: ALONE,
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
