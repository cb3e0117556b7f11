/**
 * The public status page: HTML at /status, Atom and RSS, and Statuspage's v2 JSON (under /status/api/v2 and
 * /api/v2). No credentials; every answer comes from the versioned edge cache (worker/status/cache.ts).
 */
import { Hono } from 'hono';
import type { AppEnv } from '../app-env';
import { now } from '../clock';
import { notFound } from '../errors';
import { cachedRender } from '../status/cache';
import { atom, rss } from '../status/feeds';
import { renderPage } from '../status/render';
import { loadSnapshot } from '../status/snapshot';
import { DOCUMENTS } from '../status/statuspage';
import type { Context } from 'hono';

type Render = (s: Awaited<ReturnType<typeof loadSnapshot>>) => string | Promise<string>;

function serve(c: Context<AppEnv>, key: string, type: string, render: Render): Promise<Response> {
  const url = new URL(c.req.url);
  const at = now();
  let ctx: Pick<ExecutionContext, 'waitUntil'> | undefined;
  try {
    ctx = c.executionCtx;
  } catch {
    ctx = undefined;
  }
  return cachedRender(c.env, ctx, url.origin, key, at, async () => ({
    type,
    body: await render(await loadSnapshot(c.env, c.req.url, at)),
  }));
}

/** Statuspage's v2 documents; mounted at /status/api/v2 and /api/v2. */
export const statuspageApi = new Hono<AppEnv>();
statuspageApi.get('/*', (c) => {
  const name = c.req.path.replace(/^.*?\/api\/v2\//, '');
  const document = DOCUMENTS[name];
  if (!document) throw notFound(`No Statuspage document ${name}; try summary.json.`);
  return serve(c, `/api/v2/${name}`, 'application/json; charset=utf-8', (s) =>
    JSON.stringify(document(s)),
  );
});

export const statusPage = new Hono<AppEnv>();
statusPage.get('/', (c) => serve(c, '/', 'text/html; charset=utf-8', renderPage));
statusPage.get('/feed.atom', (c) =>
  serve(c, '/feed.atom', 'application/atom+xml; charset=utf-8', atom),
);
statusPage.get('/feed.rss', (c) =>
  serve(c, '/feed.rss', 'application/rss+xml; charset=utf-8', rss),
);
statusPage.route('/api/v2', statuspageApi);
