import type { IncidentFeed } from './feed/object';
import type { IncidentObject } from './incident/object';
import type { ServiceRouter } from './service/router';
import type { WebhookQueue } from './webhooks/queue';
import type { SlackQueue } from './chat/slack-queue';
import type { TeamDrills } from './drills/object';
import type { StatusPushQueue } from './status/push-queue';

/** Bindings and secrets the Worker runs with (wrangler.toml + .dev.vars / secrets). */
export interface Env {
  DB: D1Database;
  INCIDENT: DurableObjectNamespace<IncidentObject>;
  SERVICE: DurableObjectNamespace<ServiceRouter>;
  FEED: DurableObjectNamespace<IncidentFeed>;
  /** One outgoing-webhook queue per subscription, named by its id. */
  WEBHOOK_QUEUE: DurableObjectNamespace<WebhookQueue>;
  /** One Slack thread queue per incident, named by its id (worker/chat/slack-queue.ts). */
  SLACK_QUEUE: DurableObjectNamespace<SlackQueue>;
  /** One drill scheduler per team, named by its id (worker/drills/object.ts). */
  DRILLS: DurableObjectNamespace<TeamDrills>;
  /** The status page's push fan-out to subscribers, one object (worker/status/push-queue.ts). */
  STATUS_PUSH: DurableObjectNamespace<StatusPushQueue>;
  ASSETS?: Fetcher;
  ADMIN_TOKEN: string;
  SESSION_SECRET: string;
  VAPID_PUBLIC_KEY?: string;
  VAPID_PRIVATE_KEY?: string;
  VAPID_SUBJECT?: string;
  /** Absolute origin monitors and phones reach Firebell at; defaults to the request's origin. */
  PUBLIC_URL?: string;
  /** The public status page's heading (worker/status/); defaults to "Firebell". */
  STATUS_PAGE_NAME?: string;
  /** IANA zone the status page's days (uptime bars) and times are shown in; defaults to UTC. */
  STATUS_TIME_ZONE?: string;
  /** "true" (local bench runs only): GET /api/bench/object-stubs answers (worker/routes/bench-counters.ts). */
  BENCH_COUNTERS?: string;
  /** "true" (e2e tests only, passed by scripts/start.mjs): POST /api/test/clock moves time (routes/test-clock.ts). */
  TEST_CLOCK?: string;
  /** Most status page push subscribers kept at once (default 50000); subscribing past it answers 503. */
  STATUS_SUBSCRIBERS_MAX?: string;
  /** Comma-separated incident role names. */
  INCIDENT_ROLES?: string;
  /**
   * Unsafe outside tests and local trials: "true" lifts the outbound host lists (push services) and admits
   * loopback targets, over http too (worker/net/outbound.ts).
   */
  ALLOW_INSECURE_OUTBOUND?: string;
  /** The same switch under its first name; still honoured. */
  ALLOW_INSECURE_PUSH?: string;
  /** Email pages and codes over SMTP (worker/notify/smtp.ts); off unless SMTP_HOST and MAIL_FROM are set. */
  SMTP_HOST?: string;
  /** Default 587, or 465 with SMTP_SECURE. */
  SMTP_PORT?: string;
  /** "true": TLS from the first byte (port 465). */
  SMTP_SECURE?: string;
  /** "false": never upgrade with STARTTLS even when offered (a local test server). */
  SMTP_STARTTLS?: string;
  SMTP_USER?: string;
  SMTP_PASSWORD?: string;
  /** The From address, e.g. "Firebell <pager@example.com>" or pager@example.com. */
  MAIL_FROM?: string;
  /** SMS and voice pages through Twilio (worker/notify/twilio.ts); off unless SID, token and from are set. */
  TWILIO_ACCOUNT_SID?: string;
  /** Signs the API calls (Basic auth) and checks X-Twilio-Signature on Twilio's webhooks. */
  TWILIO_AUTH_TOKEN?: string;
  /** The Twilio number texts and calls come from, E.164 (+15005550006). */
  TWILIO_FROM?: string;
  /** Default https://api.twilio.com; tests point it at a local stand-in. */
  TWILIO_API_BASE?: string;
}
