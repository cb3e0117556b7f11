// Keep wrangler off the network (no telemetry, update check or cf.json fetch): see TOOLCHAIN.md.
export const WRANGLER_OFFLINE = {
  WRANGLER_SEND_METRICS: 'false',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  WRANGLER_HIDE_BANNER: 'true',
  WRANGLER_SEND_ERROR_REPORTS: 'false',
};
Object.assign(process.env, WRANGLER_OFFLINE);
