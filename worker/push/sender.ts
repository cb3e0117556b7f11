/**
 * Send one Web Push message to one device: RFC 8291 aes128gcm encryption and an RFC 8292 VAPID
 * JWT, both from @block65/webcrypto-web-push (no hand-rolled crypto; the JWT reused per push service,
 * vapid.ts), then map the push service's answer to an outcome the escalation engine can act on.
 */
import { encryptNotification } from '@block65/webcrypto-web-push';
import { now } from '../clock';
import type { Env } from '../env';
import { base64url } from '../ids';
import { MAX_PAGE_BYTES, type PagePayload } from './payload';
import { isLoopbackHttp, type OutboundEnv } from '../net/outbound';
import { endpointProblem } from './validate';
import { vapidAuthorization } from './vapid';
import type { StatusPushPayload } from '../../schema/status-subscriber-schemas';

export { buildPagePayload, type PagePayload, type PagedIncident } from './payload';

/** What happened to one push request. `status` is 0 when no HTTP answer came back (network, config). */
export type PushOutcome =
  | { kind: 'sent'; status: number }
  | { kind: 'gone'; status: number }
  | { kind: 'retry'; status: number; retryAfterMs?: number }
  | { kind: 'rejected'; status: number; detail: string };

/** A device to send to (a row of push_subscriptions). */
export interface PushTarget {
  id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
}

export interface SendOptions {
  /** How long the push service may hold the message for an offline device, in seconds. */
  ttlSeconds: number;
  urgency: 'low' | 'normal' | 'high';
  /** Replaces an undelivered message with the same topic: ≤ 32 base64url characters. */
  topic: string;
}

/** Where the built request goes; `fetch` in production, a capturing function in tests. */
export type Transport = (request: Request) => Promise<Response>;

/**
 * A page is worth delivering for an hour: after that the incident has been re-paged or escalated,
 * and a stale buzz from a phone that was off all night would only mislead.
 */
export const PAGE_TTL_SECONDS = 3600;

/** Options for an incident page: high urgency (wakes a dozing phone), one-hour TTL, one topic per incident. */
export async function pageOptions(incidentId: string): Promise<SendOptions> {
  return { ttlSeconds: PAGE_TTL_SECONDS, urgency: 'high', topic: await topicFor(incidentId) };
}

/** RFC 8030 Topic for an incident: 32 base64url characters of its hash, so the id itself is not shown to the push service. */
export async function topicFor(incidentId: string): Promise<string> {
  const digest = await crypto.subtle.digest(
    'SHA-256',
    new TextEncoder().encode(`firebell-topic:${incidentId}`),
  );
  return base64url(new Uint8Array(digest)).slice(0, 32);
}

export function vapidConfigured(
  env: Pick<Env, 'VAPID_PUBLIC_KEY' | 'VAPID_PRIVATE_KEY' | 'VAPID_SUBJECT'>,
): boolean {
  return Boolean(env.VAPID_PUBLIC_KEY && env.VAPID_PRIVATE_KEY && env.VAPID_SUBJECT);
}

const defaultTransport: Transport = (request) => fetch(request);

/** Encrypt and send `payload` to one device. Never throws: every failure is an outcome. */
export async function sendPage(
  env: Pick<Env, 'VAPID_PUBLIC_KEY' | 'VAPID_PRIVATE_KEY' | 'VAPID_SUBJECT'> & OutboundEnv,
  subscription: PushTarget,
  payload: PagePayload | StatusPushPayload,
  opts: SendOptions,
  transport: Transport = defaultTransport,
): Promise<PushOutcome> {
  if (!env.VAPID_PUBLIC_KEY || !env.VAPID_PRIVATE_KEY || !env.VAPID_SUBJECT) {
    console.error(
      'Web Push is not configured: set VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY and VAPID_SUBJECT (scripts/setup.mjs makes a pair)',
    );
    return {
      kind: 'rejected',
      status: 0,
      detail: 'Web Push is not configured on this server (VAPID keys missing).',
    };
  }
  const problem = endpointProblem(subscription.endpoint, env);
  if (problem) return { kind: 'rejected', status: 0, detail: `endpoint ${problem}` };

  const target = new URL(subscription.endpoint);
  // Insecure loopback (ALLOW_INSECURE_OUTBOUND only): the library insists on https, so build the request for
  // the same URL with https — the JWT audience becomes https://127.0.0.1:<port> — and send it to the real http URL.
  const buildFor = isLoopbackHttp(target)
    ? new URL(target.href.replace(/^http:/, 'https:'))
    : target;

  const json = JSON.stringify(payload);
  const size = new TextEncoder().encode(json).byteLength;
  if (size > MAX_PAGE_BYTES) {
    console.error(
      `push payload for ${'incidentId' in payload ? payload.incidentId : payload.tag} is ${size} bytes (limit ${MAX_PAGE_BYTES}): a bug in buildPagePayload`,
    );
    return {
      kind: 'rejected',
      status: 0,
      detail: `payload is ${size} bytes, over the ${MAX_PAGE_BYTES}-byte limit`,
    };
  }

  let request: Request;
  try {
    // The headers buildPushPayload would set, with the VAPID token reused for this push service (vapid.ts);
    // the body is encrypted afresh, with a key pair and salt of its own, for every message.
    const authorization = await vapidAuthorization(
      {
        subject: env.VAPID_SUBJECT,
        publicKey: env.VAPID_PUBLIC_KEY,
        privateKey: env.VAPID_PRIVATE_KEY,
      },
      buildFor.href,
    );
    const body = await encryptNotification(
      {
        endpoint: buildFor.href,
        expirationTime: null,
        keys: { p256dh: subscription.p256dh, auth: subscription.auth },
      },
      new TextEncoder().encode(json),
    );
    request = new Request(target.href, {
      method: 'POST',
      headers: {
        authorization,
        ttl: String(opts.ttlSeconds || 60),
        ...(opts.urgency ? { urgency: opts.urgency } : {}),
        ...(opts.topic ? { topic: opts.topic } : {}),
        'content-encoding': 'aes128gcm',
        'content-length': String(body.byteLength),
        'content-type': 'application/octet-stream',
      },
      body,
      redirect: 'manual',
    });
  } catch (err) {
    // Bad subscription keys or bad VAPID keys: retrying cannot help.
    const detail = err instanceof Error ? err.message : String(err);
    console.error(`could not build a push message for subscription ${subscription.id}: ${detail}`);
    return { kind: 'rejected', status: 0, detail };
  }

  let res: Response;
  try {
    res = await transport(request);
  } catch (err) {
    console.warn(
      `push to ${target.host} failed before an answer; will retry`,
      err instanceof Error ? err.message : err,
    );
    return { kind: 'retry', status: 0 };
  }
  return outcomeOf(res, subscription.id, size);
}

async function outcomeOf(
  res: Response,
  subscriptionId: string,
  payloadBytes: number,
): Promise<PushOutcome> {
  // The body and reason phrase are the push service's words, never ours to pass on: a device list or a
  // test-page answer that echoed them would let anyone who registers an endpoint read another server's replies.
  await res.body?.cancel();
  const status = res.status;
  if (status >= 200 && status < 300) return { kind: 'sent', status };
  if (status === 404 || status === 410) return { kind: 'gone', status };
  if (status === 429 || status >= 500) {
    const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), now());
    return retryAfterMs === undefined
      ? { kind: 'retry', status }
      : { kind: 'retry', status, retryAfterMs };
  }
  if (status === 413)
    console.error(
      `push service refused a ${payloadBytes}-byte page to ${subscriptionId} as too large (413): a bug, pages must stay small`,
    );
  return { kind: 'rejected', status, detail: refusal(status) };
}

/** Our own words for a refusal, by status (shown as "refused by the push service (403): …"). */
function refusal(status: number): string {
  if (status >= 300 && status < 400) return 'a redirect, which Firebell does not follow';
  if (status === 401 || status === 403) return 'VAPID signature not accepted';
  if (status === 413) return 'page too large';
  return 'request not accepted';
}

/** Retry-After as delay-seconds or an HTTP-date, in ms from `at`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, at: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - at);
}

/** How an outcome reads on the timeline: "sent", "device gone (410)", "will retry (503)"; a last attempt says it gave up. */
export function describeOutcome(outcome: PushOutcome, willRetry = true): string {
  switch (outcome.kind) {
    case 'sent':
      return 'sent';
    case 'gone':
      return `device gone (${outcome.status}), subscription removed`;
    case 'retry': {
      const next = willRetry ? 'will retry' : 'gave up';
      return outcome.status
        ? `push service busy (${outcome.status}), ${next}`
        : `push service unreachable, ${next}`;
    }
    case 'rejected':
      return outcome.status
        ? `refused by the push service (${outcome.status}): ${outcome.detail}`
        : `not sent: ${outcome.detail}`;
  }
}
