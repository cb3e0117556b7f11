/**
 * /status/subscriptions and /status/unsubscribe: Web Push subscribers of the public status page, without an
 * account (worker/status/subscribers.ts has the rules), and /status/subscribe.js, the page's one script.
 */
import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import { html } from 'hono/html';
import {
  statusSubscribeBody,
  statusSubscriptionSchema,
  unsubscribeQuery,
} from '../../schema/status-subscriber-schemas';
import type { AppEnv } from '../app-env';
import { now } from '../clock';
import { limitBody, requireJson, validationHook } from '../edge';
import { notFound } from '../errors';
import { SUBSCRIBE_SCRIPT } from '../status/subscribe-script';
import { subscribe, unsubscribe } from '../status/subscribers';
import { problemBodySchema } from '../../schema/protocol-schemas';
import { problems } from './openapi-shared';

export const statusSubscribe = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
statusSubscribe.use('/subscriptions', limitBody(4 * 1024), requireJson());
statusSubscribe.use('/unsubscribe', limitBody(1024));

statusSubscribe.get(
  '/subscribe.js',
  () =>
    new Response(SUBSCRIBE_SCRIPT, {
      headers: {
        'content-type': 'text/javascript; charset=utf-8',
        'cache-control': 'public, max-age=300',
      },
    }),
);

statusSubscribe.openapi(
  createRoute({
    method: 'post',
    path: '/subscriptions',
    tags: ['status page'],
    summary: 'Subscribe a browser to status page updates by Web Push (no account)',
    description:
      'The body is PushSubscription.toJSON(). Kept: the subscription and the hash of its unsubscribe token, nothing else. At most 10 attempts an hour per client; a total cap answers 503 when reached.',
    request: { body: { content: { 'application/json': { schema: statusSubscribeBody } } } },
    responses: {
      201: {
        description: 'Subscribed',
        content: { 'application/json': { schema: statusSubscriptionSchema } },
      },
      200: {
        description: 'Already subscribed; keys refreshed',
        content: { 'application/json': { schema: statusSubscriptionSchema } },
      },
      400: problems[400],
      413: problems[413],
      415: problems[415],
      429: problems[429],
      503: {
        description: 'Web Push is not configured, or the subscriber cap is reached',
        content: { 'application/problem+json': { schema: problemBodySchema } },
      },
    },
  }),
  async (c) => {
    const body = c.req.valid('json');
    const client = c.req.header('cf-connecting-ip') ?? 'unknown';
    const origin = c.env.PUBLIC_URL ? new URL(c.env.PUBLIC_URL).origin : new URL(c.req.url).origin;
    const s = await subscribe(c.env, origin, client, body, now());
    return c.json(
      { id: s.id, unsubscribeToken: s.token, unsubscribeUrl: s.url },
      s.created ? 201 : 200,
    );
  },
);

const wantsHtml = (accept: string | undefined) => /text\/html/.test(accept ?? '');

function page(title: string, body: ReturnType<typeof html>) {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>${title}</title>
      </head>
      <body>
        <main>
          <h1>${title}</h1>
          ${body}
          <p><a href="/status">Back to the status page</a></p>
        </main>
      </body>
    </html>`;
}

statusSubscribe.openapi(
  createRoute({
    method: 'post',
    path: '/unsubscribe',
    tags: ['status page'],
    summary: 'Stop status page notifications (one tap: the token is in the link)',
    request: { query: unsubscribeQuery },
    responses: {
      204: { description: 'Unsubscribed' },
      200: { description: 'Unsubscribed (a form post from a browser: an HTML confirmation)' },
      400: problems[400],
      404: problems[404],
    },
  }),
  async (c) => {
    const { token } = c.req.valid('query');
    const removed = await unsubscribe(c.env, token);
    if (wantsHtml(c.req.header('accept')))
      return c.html(
        page(
          removed ? 'Unsubscribed' : 'Already unsubscribed',
          html`<p>This browser will get no more notifications from this status page.</p>`,
        ),
        removed ? 200 : 404,
      );
    if (!removed)
      throw notFound(
        'No subscriber has this unsubscribe token: it was already unsubscribed, or the link is incomplete.',
      );
    return c.body(null, 204);
  },
);

// The link in a notification: a page with one button, so a link preview or prefetch never unsubscribes anyone.
statusSubscribe.get('/unsubscribe', (c) => {
  const token = c.req.query('token') ?? '';
  return c.html(
    page(
      'Stop notifications?',
      html`<form method="post" action="/status/unsubscribe?token=${encodeURIComponent(token)}">
        <button type="submit">Stop notifications from this status page</button>
      </form>`,
    ),
  );
});
