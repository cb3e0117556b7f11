/**
 * The status page's edge cache. Renders are stored with the Cache API under a key carrying the page version,
 * which every write bumps (no purge API needed): a new version is a new key. The version itself is read from
 * D1 at most once per isolate every VERSION_TTL_MS and once per colo every few seconds (a tiny cached entry),
 * so a spike of readers costs no D1 reads beyond that, and never touches a Durable Object.
 */
import type { Env } from '../env';
import { pageVersion } from '../directory/status-components';

/** How stale a reader's view may be after a write, at most (isolate memo + colo entry). */
export const VERSION_TTL_MS = 2_000;
const VERSION_ENTRY_SECONDS = 3;
/** Renders also carry the minute, so "today" in the uptime bars moves on without a write. */
const RENDER_BUCKET_MS = 60_000;

let memo: { origin: string; version: number; until: number } | null = null;

/**
 * The latest renders in this isolate, by cache key: a hot isolate answers from memory without even a Cache API
 * round trip. Keys carry the version, so an entry is never stale; the oldest go first.
 */
const renders = new Map<string, { body: string; type: string }>();
const MAX_RENDERS = 32;

function remember(key: string, render: { body: string; type: string }): void {
  renders.set(key, render);
  if (renders.size > MAX_RENDERS) renders.delete(renders.keys().next().value as string);
}

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
  const key = `${origin}/status/__cache/v${version}/m${Math.floor(now / RENDER_BUCKET_MS)}${path}`;
  const held = renders.get(key);
  if (held) return served(held.body, held.type, 'hit');
  const c = cache();
  const hit = await c?.match(key).catch(() => undefined);
  if (hit) {
    const body = await hit.text();
    const type = hit.headers.get('content-type') ?? 'text/plain';
    remember(key, { body, type });
    return served(body, type, 'hit');
  }
  const { body, type } = await render();
  remember(key, { body, type });
  const stored = new Response(body, {
    headers: { 'content-type': type, 'cache-control': 'max-age=120' },
  });
  const put = c?.put(key, stored).catch(() => undefined);
  if (put) ctx ? ctx.waitUntil(put) : await put;
  return served(body, type, 'miss');
}

/** Answers carry the text itself, not another Response's stream, which the runtime would have to pump. */
function served(body: string, type: string, outcome: 'hit' | 'miss'): Response {
  return new Response(body, {
    headers: {
      'content-type': type,
      'cache-control': `public, max-age=${Math.ceil(VERSION_TTL_MS / 1000) + 3}`,
      'x-status-cache': outcome,
      // Public by design: widgets and aggregators on other sites read the JSON and feeds from the browser.
      'access-control-allow-origin': '*',
    },
  });
}
