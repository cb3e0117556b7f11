/**
 * The status page's security headers, in one list: the hardening every Firebell answer carries (Hono's
 * secureHeaders defaults less the three no current browser reads, no framing: HARDENING in worker/app.ts) with the page's own
 * Content-Security-Policy. The app's middleware sets them on /status, and cache.ts bakes them into the held page's
 * answers, which skip the app (a test compares them with another page's).
 */
import type { MiddlewareHandler } from 'hono';
import { STATUS_CSP } from './render';

export const STATUS_PAGE_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ['Cross-Origin-Resource-Policy', 'same-origin'],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Origin-Agent-Cluster', '?1'],
  ['Referrer-Policy', 'no-referrer'],
  ['Strict-Transport-Security', 'max-age=15552000; includeSubDomains'],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-DNS-Prefetch-Control', 'off'],
  ['X-Frame-Options', 'DENY'],
  ['Content-Security-Policy', STATUS_CSP],
];

/** The app's middleware for the page's own paths (/status, /status/). */
export const statusPageHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  for (const [name, value] of STATUS_PAGE_HEADERS) c.res.headers.set(name, value);
  c.res.headers.delete('X-Powered-By');
};
