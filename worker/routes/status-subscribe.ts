/**
 * /status/subscriptions and /status/unsubscribe: Web Push subscribers of the public status page, without an
 * account (worker/status/subscribers.ts has the rules), and /status/subscribe.js, the page's one script;
 * /status/subscriptions/email and its confirmation link: email subscribers, double opt-in
 * (worker/status/email-subscribers.ts). The email form posts without script, so it is answered in HTML too.
 */
import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import { html } from 'hono/html';
import {
  emailSubscribeBody,
  statusSubscribeBody,
  statusSubscriptionSchema,
  unsubscribeQuery,
} from '../../schema/status-subscriber-schemas';
import type { AppEnv } from '../app-env';
import { now } from '../clock';
import { invalid, limitBody, requireJson, validationHook } from '../edge';
import { ProblemError, notFound } from '../errors';
import { confirmEmail, subscribeEmail } from '../status/email-subscribers';
import { SUBSCRIBE_SCRIPT } from '../status/subscribe-script';
import { subscribe, unsubscribe } from '../status/subscribers';
import { problemBodySchema } from '../../schema/protocol-schemas';
import { problems } from './openapi-shared';

export const statusSubscribe = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
statusSubscribe.use('/subscriptions', limitBody(4 * 1024), requireJson());
statusSubscribe.use('/unsubscribe', limitBody(1024));
statusSubscribe.use('/subscriptions/email/*', limitBody(1024));
statusSubscribe.use('/subscriptions/email', limitBody(2048));

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

const FORM = /^(application\/x-www-form-urlencoded|multipart\/form-data)\s*(;|$)/i;
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(;|$)/i;

statusSubscribe.post('/subscriptions/email', async (c) => {
  const type = c.req.header('content-type') ?? '';
  const form = FORM.test(type);
  if (!form && !JSON_TYPE.test(type))
    throw new ProblemError(
      415,
      'unsupported-media-type',
      'Send {"email": "..."} as application/json, or the page\'s form (application/x-www-form-urlencoded).',
    );
  // The page's form (no script) reads an HTML answer; a script reads JSON or problem+json.
  const asHtml = form || wantsHtml(c.req.header('accept'));
  try {
    let raw: unknown;
    try {
      raw = form ? { ...(await c.req.parseBody()) } : await c.req.json();
    } catch {
      throw invalid([{ path: 'body', message: 'is not valid JSON or form data' }]);
    }
    const parsed = emailSubscribeBody.safeParse(raw);
    if (!parsed.success)
      throw invalid(
        parsed.error.issues.map((i) => ({ path: i.path.join('.') || 'body', message: i.message })),
      );
    const origin = c.env.PUBLIC_URL ? new URL(c.env.PUBLIC_URL).origin : new URL(c.req.url).origin;
    const client = c.req.header('cf-connecting-ip') ?? 'unknown';
    await subscribeEmail(c.env, origin, client, parsed.data.email, now());
    const text = `A confirmation link is on its way to ${parsed.data.email}. Updates start once you follow it.`;
    return asHtml
      ? c.html(page('Check your inbox', html`<p>${text}</p>`), 202)
      : c.json({ message: text }, 202);
  } catch (err) {
    if (!asHtml || !(err instanceof ProblemError)) throw err;
    return c.html(
      page('Could not subscribe', html`<p>${err.message}</p>`),
      err.status,
      err.headers,
    );
  }
});

// The link in the confirmation mail: a page with one button, so a mail scanner's prefetch confirms nobody.
statusSubscribe.get('/subscriptions/email/confirm', (c) => {
  const token = c.req.query('token') ?? '';
  return c.html(
    page(
      'Confirm your subscription',
      html`<form
        method="post"
        action="/status/subscriptions/email/confirm?token=${encodeURIComponent(token)}"
      >
        <button type="submit">Get status updates by email</button>
      </form>`,
    ),
  );
});

statusSubscribe.post('/subscriptions/email/confirm', async (c) => {
  const confirmed = await confirmEmail(c.env, c.req.query('token') ?? '', now());
  const detail =
    'This confirmation link is invalid or has expired (links work for 48 hours). Subscribe again from the status page.';
  if (wantsHtml(c.req.header('accept')))
    return confirmed
      ? c.html(
          page(
            'Subscribed',
            html`<p>
              This address will get every update of this status page. Each email has an unsubscribe
              link.
            </p>`,
          ),
        )
      : c.html(page('Link expired', html`<p>${detail}</p>`), 404);
  if (!confirmed) throw notFound(detail);
  return c.body(null, 204);
});
