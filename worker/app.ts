import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from './app-env';
import { ProblemError, problemForStatus, problemResponse } from './errors';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import type { MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { validationHook } from './edge';
import { isWebSocketUpgrade } from './incident/room';
import { auth, me } from './routes/auth';
import { DOCS_CSP, mountDocs } from './routes/docs';
import { health } from './routes/health';
import { feed } from './routes/feed';
import { incidents } from './routes/incidents';
import { ingest } from './routes/ingest';
import { services } from './routes/services';
import { integrationMapping } from './routes/integration-mapping';
import { serviceRules } from './routes/service-rules';
import { maintenance } from './routes/maintenance';
import { incidentSilence, silences } from './routes/silences';
import { mappingPresets } from './routes/mapping-presets';
import { push } from './routes/push';
import { tokens } from './routes/tokens';
import { users } from './routes/users';
import { calendar } from './routes/calendar';
import { calendarFeeds } from './routes/calendar-feeds';
import { oncall } from './routes/oncall';
import { policies } from './routes/policies';
import { schedules } from './routes/schedules';
import { teams } from './routes/teams';
import { actionItems, reviews } from './routes/reviews';
import { reports } from './routes/reports';
import { webhooks } from './routes/webhooks';
import { incidentRunbook, runbooks } from './routes/runbooks';
import { contactMethods, notificationRules } from './routes/contact-methods';
import { emailAck } from './routes/email-ack';
import { statusAdmin } from './routes/status-admin';
import { statusPage, statuspageApi } from './routes/status-page';
import { statusPageHeaders } from './status/page-headers';
import { statusPublish } from './routes/status-publish';
import { statusSubscribe } from './routes/status-subscribe';
import { registerStatusDocs } from './routes/status-openapi';
import { benchCounters } from './routes/bench-counters';
import { testClock } from './routes/test-clock';
import { slack } from './routes/slack';
import { slackHooks } from './routes/slack-hooks';
import { twilioHooks } from './routes/twilio-hooks';
import { chatHooks } from './routes/chat-hooks';
import { mattermostHooks } from './routes/mattermost-hooks';
import { drills, teamDrills } from './routes/drills';

/**
 * Every answer the Worker gives is for one credential's eyes, and many carry a secret shown once (integration
 * keys, API tokens, invite and sign-in links, calendar-feed URLs, sessions): none may sit in a browser or proxy
 * cache. A route that is safe to cache says so with its own Cache-Control (the calendar feed does).
 */
const noStore: MiddlewareHandler = async (c, next) => {
  await next();
  if (isWebSocketUpgrade(c.req.header('upgrade')) || c.res.headers.has('cache-control')) return;
  c.res.headers.set('cache-control', 'no-store');
};

/**
 * Hono's secure-headers defaults, less three that no browser able to run Firebell reads: X-Download-Options
 * (Internet Explorer 8), X-Permitted-Cross-Domain-Policies (Flash; Firebell serves no crossdomain.xml, so nothing
 * is granted anyway) and X-XSS-Protection (the filter it switches off left Chrome, Edge and Safari in 2019-2020).
 * Every answer carries its headers through each hop, so three dead ones cost on every request.
 * worker/status/page-headers.ts lists the same set for the status page's answers that skip the app.
 */
const HARDENING = {
  xFrameOptions: 'DENY',
  xDownloadOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
} as const;

/** The Hono app: mounts every resource and owns the single error exit. */
export function createApp() {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  // nosniff, no framing (an Acknowledge button must not be clickjackable), no referrer, HSTS, same-origin CORP,
  // and a Content-Security-Policy: API answers are data and may load nothing; the docs page only its stylesheet.
  // (The PWA's own policy is in pwa/public/_headers: its assets are served without running the Worker.)
  // A WebSocket upgrade's 101 comes back from a Durable Object with immutable headers, and needs none of them.
  const hardened = secureHeaders({
    ...HARDENING,
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'none'"],
    },
  });
  const docs = secureHeaders({
    ...HARDENING,
    contentSecurityPolicy: cspDirectives(DOCS_CSP),
  });
  // The email acknowledge page posts its one form back to itself.
  const emailAckPage = secureHeaders({
    ...HARDENING,
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
    },
  });
  app.use('*', (c, next) => {
    if (isWebSocketUpgrade(c.req.header('upgrade'))) return next();
    // The unsubscribe confirmation posts its one form back to itself, like the email acknowledge page.
    if (
      c.req.path === '/api/email/ack' ||
      c.req.path === '/status/unsubscribe' ||
      c.req.path === '/status/subscriptions/email/confirm'
    )
      return emailAckPage(c, next);
    if (c.req.path === '/status' || c.req.path === '/status/') return statusPageHeaders(c, next);
    return (c.req.path === '/api/docs' || c.req.path === '/api/docs/style.css' ? docs : hardened)(
      c,
      next,
    );
  });
  app.use('*', noStore);

  app.route('/api/health', health);
  app.route('/api/auth', auth);
  app.route('/api/me', me);
  app.route('/api/tokens', tokens);
  app.route('/api/users', users);
  app.route('/api/incidents', incidents);
  app.route('/api/incidents', reviews);
  app.route('/api/action-items', actionItems);
  app.route('/api/reports', reports);
  app.route('/api/feed', feed);
  app.route('/api/teams', teams);
  app.route('/api/schedules', schedules);
  app.route('/api/policies', policies);
  app.route('/api/oncall', oncall);
  app.route('/calendar', calendar);
  app.route('/api/calendar-feeds', calendarFeeds);
  app.route('/api/services', services);
  app.route('/api/services', integrationMapping);
  app.route('/api/services', serviceRules);
  app.route('/api/services', runbooks);
  app.route('/api/incidents', incidentRunbook);
  app.route('/api/maintenance-windows', maintenance);
  app.route('/api/silences', silences);
  app.route('/api/incidents', incidentSilence);
  app.route('/api/mapping-presets', mappingPresets);
  app.route('/', ingest);
  app.route('/api/push', push);
  app.route('/api/webhooks', webhooks);
  app.route('/api/contact-methods', contactMethods);
  app.route('/api/notification-rules', notificationRules);
  app.route('/api/email', emailAck);
  app.route('/api/status', statusAdmin);
  app.route('/api/incidents', statusPublish);
  app.route('/status', statusSubscribe);
  app.route('/status', statusPage);
  app.route('/api/v2', statuspageApi);
  registerStatusDocs(app);
  app.route('/api/bench', benchCounters);
  app.route('/api/test', testClock);
  app.route('/api/slack', slack);
  app.route('/hooks/slack', slackHooks);
  app.route('/hooks/twilio', twilioHooks);
  app.route('/api/chat', chatHooks);
  app.route('/hooks/mattermost', mattermostHooks);
  app.route('/api/teams', teamDrills);
  app.route('/api/drills', drills);

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'ADMIN_TOKEN or a personal API token',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'sessionCookie', {
    type: 'apiKey',
    in: 'cookie',
    name: 'fb_session',
  });

  const description = {
    openapi: '3.1.0',
    info: {
      title: 'Firebell API',
      version: '0.1.0',
      description: 'Incident paging: webhooks in, pages out, live triage.',
    },
  };
  app.doc31('/api/openapi.json', description);
  mountDocs(app, () => app.getOpenAPI31Document(description));

  app.notFound((c) =>
    problemResponse(
      new ProblemError(
        404,
        'not-found',
        `No route for ${c.req.method} ${new URL(c.req.url).pathname}`,
      ).toProblem(),
    ),
  );

  app.onError((err, c) => {
    if (err instanceof ProblemError) return problemResponse(err.toProblem(), err.headers);
    if (err instanceof HTTPException && err.status < 500) {
      // Hono's validators and middleware throw these (malformed JSON, a body limit, bearer auth): keep the status,
      // the message (it says what is wrong) and headers such as WWW-Authenticate, and name the problem after the status.
      const problem = problemForStatus(
        err.status as ContentfulStatusCode,
        err.message,
        headersOf(err.res),
      );
      return problemResponse(problem.toProblem(), problem.headers);
    }
    // Never leak a stack trace (or a framework's internal message) to a client; log it for the operator.
    console.error('unhandled error', c.req.method, c.req.path, err);
    const status = err instanceof HTTPException ? (err.status as ContentfulStatusCode) : 500;
    return problemResponse(
      problemForStatus(
        status,
        'Something went wrong on our side; the request may be retried.',
      ).toProblem(),
    );
  });

  return app;
}

/** The headers an HTTPException's prepared response carries, less those describing its own (replaced) body. */
function headersOf(res: Response | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  res?.headers.forEach((value, name) => {
    if (name !== 'content-type' && name !== 'content-length') headers[name] = value;
  });
  return headers;
}

/** "default-src 'none'; style-src 'self'" → { defaultSrc: ["'none'"], styleSrc: ["'self'"] }, the shape secureHeaders takes. */
function cspDirectives(policy: string): Record<string, string[]> {
  return Object.fromEntries(
    policy.split(';').map((part) => {
      const [name = '', ...values] = part.trim().split(/\s+/);
      return [name.replace(/-([a-z])/g, (_, ch: string) => ch.toUpperCase()), values];
    }),
  );
}
