import { defineConfig } from 'vitest/config';

// Pure decisions (no workerd, no D1, no clock): plain Node, so they run in moments.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/unit/**/*.test.ts'],
  },
});
