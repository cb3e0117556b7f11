import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

const THEME = '#c62828';
/** `npm run dev` serves the Worker here. */
const API = 'http://127.0.0.1:8787';

// The PWA: built into pwa/dist, which wrangler.toml serves as the Worker's static assets.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
  },
  plugins: [
    preact(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src/sw',
      filename: 'sw.ts',
      // src/lib/sw-bridge.ts registers the worker and owns the update prompt.
      injectRegister: false,
      // The glob below already precaches the icons; listing them twice only bloats the manifest.
      includeManifestIcons: false,
      registerType: 'prompt',
      injectManifest: {
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
        // The kill-switch marker must never be served from cache (see src/lib/sw-bridge.ts).
        globIgnores: ['sw-kill.txt'],
      },
      manifest: {
        id: '/',
        name: 'Firebell',
        short_name: 'Firebell',
        description: 'Incident paging: get paged, acknowledge, triage together.',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        theme_color: THEME,
        background_color: '#111318',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          {
            src: '/icons/icon-maskable-512.png',
            sizes: '512x512',
            type: 'image/png',
            purpose: 'maskable',
          },
        ],
      },
    }),
  ],
  server: {
    proxy: {
      '/api': {
        target: API,
        ws: true,
        changeOrigin: true,
        // The Worker refuses cookie-authenticated writes and sockets from other origins, and in dev
        // the page's origin is Vite's: present the Worker's own origin instead (dev only).
        configure: (proxy) => {
          proxy.on('proxyReq', (req) => req.getHeader('origin') && req.setHeader('origin', API));
          proxy.on('proxyReqWs', (req) => req.getHeader('origin') && req.setHeader('origin', API));
        },
      },
    },
  },
});
