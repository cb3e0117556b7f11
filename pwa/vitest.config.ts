import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// PWA component tests: happy-dom, Preact's automatic JSX runtime, no service worker.
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  oxc: {
    jsx: { runtime: 'automatic', importSource: 'preact' },
  },
  test: {
    environment: 'happy-dom',
    include: ['test/pwa/**/*.test.tsx'],
    setupFiles: ['test/pwa/setup.ts'],
  },
});
