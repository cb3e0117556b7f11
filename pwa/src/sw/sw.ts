/**
 * Firebell's service worker: precached app shell, NetworkFirst for an incident's page, nothing else from /api.
 *
 * Kill switch: if a release ever wedges clients, deploy a sw.ts that only does
 *   self.addEventListener('install', () => self.skipWaiting());
 *   self.addEventListener('activate', (e) => e.waitUntil(
 *     caches.keys().then((ks) => Promise.all(ks.map((k) => caches.delete(k))))
 *       .then(() => self.registration.unregister())
 *       .then(() => self.clients.matchAll({ type: 'window' }))
 *       .then((ws) => ws.forEach((w) => w.navigate(w.url)))));
 * Browsers re-fetch sw.js (bypassing the HTTP cache) on navigation, so every client picks it up.
 * The page-side second line, pwa/public/sw-kill.txt, is described in src/lib/sw-bridge.ts.
 */
import { clientsClaim, setCacheNameDetails } from 'workbox-core';
import { ExpirationPlugin } from 'workbox-expiration';
import {
  cleanupOutdatedCaches,
  createHandlerBoundToURL,
  precacheAndRoute,
} from 'workbox-precaching';
import type { PrecacheEntry } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { NetworkFirst } from 'workbox-strategies';
import { SERVER_PATH_PREFIXES } from '../../../schema/server-paths';
import { newestRequestWins } from './newest-wins';
import { registerPushHandlers } from './push';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (PrecacheEntry | string)[] };

/** Bump to drop every cache an older worker made. All names start `firebell-<version>-`. */
const CACHE_VERSION = 'v1';
const PREFIX = `firebell-${CACHE_VERSION}`;
/** src/lib/sw-bridge.ts clears caches ending in `-api` on sign-out. */
const API_CACHE = `${PREFIX}-api`;

// Precache name becomes firebell-v1-precache-v2-<scope>; cleanupOutdatedCaches drops older versions' precaches.
setCacheNameDetails({ prefix: PREFIX });

// Never self.skipWaiting() on install: the page asks the user first, then sends SKIP_WAITING.
self.addEventListener('message', (event) => {
  if ((event.data as { type?: unknown } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});

// First install takes control at once, so the shell works offline without a reload.
clientsClaim();

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

// Runtime caches from older CACHE_VERSIONs (cleanupOutdatedCaches handles only precaches).
self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((n) => n.startsWith('firebell-') && !n.startsWith(`${PREFIX}-`))
            .map((n) => caches.delete(n)),
        ),
      ),
  );
});

/** Paths the Worker answers itself (wrangler.toml run_worker_first); never the app shell. */
const SERVER_PATHS = SERVER_PATH_PREFIXES.map((prefix) => new RegExp(`^${prefix}`));

// Any in-app URL opens the precached shell, offline too; the client router takes it from there.
registerRoute(
  new NavigationRoute(createHandlerBoundToURL('/index.html'), { denylist: SERVER_PATHS }),
);

// One incident (the last ones viewed): fresh when possible, the last copy when offline or slow. Other /api/
// requests are not routed, so they go straight to the network and are never cached; the home list keeps its
// own copy of what was on screen (src/lib/list-snapshot.ts).
registerRoute(
  ({ url, request }) =>
    request.method === 'GET' &&
    url.origin === self.location.origin &&
    /^\/api\/incidents\/[^/]+$/.test(url.pathname),
  new NetworkFirst({
    cacheName: API_CACHE,
    networkTimeoutSeconds: 4,
    plugins: [
      newestRequestWins(),
      new ExpirationPlugin({
        maxEntries: 40,
        maxAgeSeconds: 24 * 60 * 60,
        purgeOnQuotaError: true,
      }),
    ],
  }),
);

registerPushHandlers(self);
