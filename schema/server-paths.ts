/**
 * Path prefixes the Worker answers itself, before static assets: wrangler.toml's `run_worker_first` lists
 * them (as `prefix*`) and the service worker never answers a navigation to them with the app shell.
 * test/pwa/server-paths.test.tsx keeps the two equal.
 */
export const SERVER_PATH_PREFIXES = ['/api/', '/v2/', '/hooks/', '/calendar/', '/status'] as const;
