/**
 * The status page's edge cache. Renders are stored with the Cache API under a key carrying the page version,
 * which every write bumps (no purge API needed): a new version is a new key. The version itself is read from
 * D1 at most once per isolate every VERSION_TTL_MS and once per colo every few seconds (a tiny cached entry),
 * so a spike of readers costs no D1 reads beyond that, and never touches a Durable Object.
 */
import type { Env } from '../env';
import { pageVersion } from '../directory/status-components';
import { STATUS_PAGE_HEADERS } from './page-headers';

/** How stale a reader's view may be after a write, at most (isolate memo + colo entry). */
export const VERSION_TTL_MS = 2_000;
const VERSION_ENTRY_SECONDS = 3;
/** Renders also carry the minute, so "today" in the uptime bars moves on without a write. */
const RENDER_BUCKET_MS = 60_000;

let memo: { origin: string; version: number; until: number } | null = null;

/**
 * The latest renders in this isolate, by cache key, as the bytes answers carry: a hot isolate answers from memory
 * without even a Cache API round trip. Keys carry the version, so an entry is never stale; the oldest go first.
 */
const renders = new Map<string, { body: Uint8Array; type: string }>();
const MAX_RENDERS = 32;
const encoder = new TextEncoder();

function remember(key: string, body: string, type: string): { body: Uint8Array; type: string } {
  const render = { body: encoder.encode(body), type };
  renders.set(key, render);
  if (renders.size > MAX_RENDERS) renders.delete(renders.keys().next().value as string);
  return render;
}

const renderKey = (origin: string, version: number, now: number, path: string) =>
  `${origin}/status/__cache/v${version}/m${Math.floor(now / RENDER_BUCKET_MS)}${path}`;

function cache(): Cache | null {
  return typeof caches === 'undefined' ? null : caches.default;
}

const versionKey = (origin: string) => `${origin}/status/__cache/version`;

/** The page version, from this isolate's memo, the colo's cache, or D1 (in that order). */
export async function currentVersion(env: Env, origin: string, now: number): Promise<number> {
  if (memo && memo.origin === origin && memo.until > now) return memo.version;
  const c = cache();
  const hit = await c?.match(versionKey(origin)).catch(() => undefined);
  const version = hit ? Number(await hit.text()) : (await pageVersion(env.DB)).version;
  if (!hit) await putVersion(origin, version);
  memo = { origin, version, until: now + VERSION_TTL_MS };
  return version;
}

/** After a write in this isolate: readers here (and in this colo) see the new version at once. */
export async function noteVersion(origin: string, version: number, now: number): Promise<void> {
  memo = { origin, version, until: now + VERSION_TTL_MS };
  await putVersion(origin, version);
}

async function putVersion(origin: string, version: number): Promise<void> {
  await cache()
    ?.put(
      versionKey(origin),
      new Response(String(version), {
        headers: { 'cache-control': `max-age=${VERSION_ENTRY_SECONDS}` },
      }),
    )
    .catch(() => undefined);
}

/**
 * Serve `path` from the cache under the current version, or render, store and serve it. The answer tells
 * browsers and shared caches they may keep it a few seconds, no more.
 */
export async function cachedRender(
  env: Env,
  ctx: Pick<ExecutionContext, 'waitUntil'> | undefined,
  origin: string,
  path: string,
  now: number,
  render: () => Promise<{ body: string; type: string }>,
): Promise<Response> {
  const version = await currentVersion(env, origin, now);
  const key = renderKey(origin, version, now, path);
  const held = renders.get(key);
  if (held) return served(held, 'hit');
  const c = cache();
  const hit = await c?.match(key).catch(() => undefined);
  if (hit) {
    const body = await hit.text();
    return served(remember(key, body, hit.headers.get('content-type') ?? 'text/plain'), 'hit');
  }
  const { body, type } = await render();
  const rendered = remember(key, body, type);
  const stored = new Response(body, {
    headers: { 'content-type': type, 'cache-control': 'max-age=120' },
  });
  const put = c?.put(key, stored).catch(() => undefined);
  if (put) ctx ? ctx.waitUntil(put) : await put;
  return served(rendered, 'miss');
}

/** Answers carry the held bytes, not another Response's stream, which the runtime would have to pump. */
function served(render: { body: Uint8Array; type: string }, outcome: 'hit' | 'miss'): Response {
  return new Response(render.body, { headers: answerHeaders(render.type, outcome) });
}

/**
 * The headers of a cached answer, built once per content type and outcome: the runtime copies a Headers object
 * into an answer several times faster than it reads an object literal or a list of pairs.
 */
const builtHeaders = new Map<string, Headers>();
function answerHeaders(type: string, outcome: 'hit' | 'miss'): Headers {
  const key = `${outcome} ${type}`;
  let headers = builtHeaders.get(key);
  if (!headers) {
    headers = new Headers({
      'content-type': type,
      'cache-control': `public, max-age=${Math.ceil(VERSION_TTL_MS / 1000) + 3}`,
      'x-status-cache': outcome,
    });
    // Public by design: widgets and aggregators on other sites read the JSON and feeds from the browser.
    // The page itself is for reading, not fetching, and goes without.
    if (!type.startsWith('text/html')) headers.set('access-control-allow-origin', '*');
    builtHeaders.set(key, headers);
  }
  return headers;
}

/** The held page's full header set (answer and security headers), built once: the runtime copies it per answer. */
let heldPageHeaders: Headers | undefined;

/**
 * GET /status answered from this isolate's memory alone, before the app and its middleware run (worker/index.ts):
 * only while the version memo is fresh and the page's render for that version is held, so it serves exactly what
 * cachedRender would (a hit) with the headers the app would add (page-headers.ts). Anything else: null, and the
 * app answers.
 */
export function heldPage(request: Request, now: number): Response | null {
  if (request.method !== 'GET' || !memo || memo.until <= now) return null;
  const url = request.url;
  const slash = url.indexOf('/', url.indexOf('//') + 2);
  if (slash < 0 || url.slice(slash) !== '/status' || url.slice(0, slash) !== memo.origin)
    return null;
  const held = renders.get(renderKey(memo.origin, memo.version, now, '/'));
  if (!held) return null;
  if (!heldPageHeaders) {
    heldPageHeaders = new Headers(answerHeaders(held.type, 'hit'));
    for (const [name, value] of STATUS_PAGE_HEADERS) heldPageHeaders.set(name, value);
  }
  return new Response(held.body, { headers: heldPageHeaders });
}
