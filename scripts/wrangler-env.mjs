// Keep wrangler off the network (no telemetry, update check or cf.json fetch): see TOOLCHAIN.md.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WRANGLER_OFFLINE = {
  WRANGLER_SEND_METRICS: 'false',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  WRANGLER_HIDE_BANNER: 'true',
  WRANGLER_SEND_ERROR_REPORTS: 'false',
};
Object.assign(process.env, WRANGLER_OFFLINE);

/** The project's pinned wrangler (4.86.0 is the newest that runs on Node 20); WRANGLER overrides it, e.g. with a test stand-in. */
export const WRANGLER =
  process.env.WRANGLER ??
  join(fileURLToPath(new URL('..', import.meta.url)), 'node_modules', '.bin', 'wrangler');
