/**
 * PagerDuty Events API v2: alert events at POST /v2/enqueue and change events at POST /v2/change/enqueue,
 * with the integration key as routing_key. Answers byte-compatible with PagerDuty, so pdjs, Alertmanager's
 * pagerduty_configs and every other PagerDuty sender work by changing only the host.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import {
  pagerDutyAcceptedSchema,
  pagerDutyChangeAcceptedSchema,
  pagerDutyErrorSchema,
} from '../../schema/ingest-schemas';
import { pagerDutyChangeSchema, pagerDutyEventSchemas } from '../../schema/pagerduty-schemas';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from '../app-env';
import { adaptPagerDuty, adaptPagerDutyChange, pagerdutyRoutingKey } from '../adapters/pagerduty';
import { now } from '../clock';
import type { Integration } from '../directory/integrations';
import {
  authenticateKey,
  deliver,
  MAX_BODY_BYTES,
  parseJson,
  payloadRecord,
  readBody,
} from '../service/intake';
import { deliverChange } from '../service/router-calls';
import { paged } from '../webhooks/lane';

const invalid = (c: Context<AppEnv>, status: ContentfulStatusCode, errors: string[]) =>
  c.json({ status: 'invalid event', message: 'Event object is invalid', errors }, status);

const throttled = (c: Context<AppEnv>, retryAfterSeconds: number) =>
  c.json(
    {
      status: 'throttle exceeded',
      message: 'Requests for this service are arriving too quickly. Please retry later.',
    },
    429,
    { 'retry-after': String(retryAfterSeconds) },
  );

type Received =
  | {
      ok: true;
      value: unknown;
      key: string | undefined;
      integration: Integration | null;
      record: () => ReturnType<typeof payloadRecord>;
    }
  | { ok: false; response: Response };

/**
 * Read and parse the body and look up its routing key, which sits inside the body. An unknown key is
 * refused before the rest is looked at, so a stranger learns nothing from field errors; PagerDuty answers
 * it with 400 "Invalid routing key", and so does Firebell (unknown, rotated, revoked or another format's).
 */
async function receive(c: Context<AppEnv>): Promise<Received> {
  const body = await readBody(c.req.raw);
  if (!body)
    return {
      ok: false,
      response: invalid(c, 413, [`Request body is larger than ${MAX_BODY_BYTES / 1024} KB`]),
    };
  const parsed = parseJson(body.text);
  if (!parsed.ok)
    return {
      ok: false,
      response: invalid(c, 400, [`Event object is not valid JSON: ${parsed.message}`]),
    };
  const key = pagerdutyRoutingKey(parsed.value);
  const integration = key ? await authenticateKey(c.env, 'pagerduty', key) : null;
  if (key && !integration) return { ok: false, response: invalid(c, 400, ['Invalid routing key']) };
  return {
    ok: true,
    value: parsed.value,
    key,
    integration,
    record: () => payloadRecord(c.req.raw, body, key ?? ''),
  };
}

async function enqueue(c: Context<AppEnv>): Promise<Response> {
  const received = await receive(c);
  if (!received.ok) return received.response;
  const { integration, key } = received;
  const adapted = adaptPagerDuty(received.value, now());
  if (!integration || !key)
    return invalid(c, 400, adapted.ok ? ["'routing_key' is missing"] : adapted.errors);
  const result = await deliver(
    c.env,
    integration,
    received.record(),
    adapted.ok ? { events: adapted.events } : { errors: adapted.errors },
  );
  if (!result.ok && result.reason === 'rate-limited') return throttled(c, result.retryAfterSeconds);
  if (!adapted.ok || !result.ok)
    return invalid(c, 400, adapted.ok ? ['Event was refused'] : adapted.errors);
  return c.json(
    {
      status: 'success',
      message: 'Event processed',
      dedup_key: (adapted.events[0] as { dedupKey: string }).dedupKey,
    },
    202,
  );
}

/** A change event is kept on the service and shown on incidents opened within the hour after; it pages no one. */
async function enqueueChange(c: Context<AppEnv>): Promise<Response> {
  const received = await receive(c);
  if (!received.ok) return received.response;
  const { integration, key } = received;
  const adapted = adaptPagerDutyChange(received.value, now());
  if (!integration || !key)
    return invalid(c, 400, adapted.ok ? ["'routing_key' is missing"] : adapted.errors);
  const result = await deliverChange(
    c.env,
    integration,
    received.record(),
    adapted.ok ? { change: adapted.change } : { errors: adapted.errors },
  );
  if (!result.ok && result.reason === 'rate-limited') return throttled(c, result.retryAfterSeconds);
  if (!adapted.ok || !result.ok)
    return invalid(c, 400, adapted.ok ? ['Event was refused'] : adapted.errors);
  return c.json({ status: 'success', message: 'Change event processed' }, 202);
}

export const pagerduty = new OpenAPIHono<AppEnv>();
// An alert may open an incident and page: outgoing webhook deliveries in this isolate wait meanwhile.
pagerduty.on('POST', ['/v2/enqueue', '/v2/enqueue/'], (c) => paged(() => enqueue(c)));
pagerduty.on('POST', ['/v2/change/enqueue', '/v2/change/enqueue/'], enqueueChange);

const failures = {
  400: {
    description: 'Event object is invalid, or "Invalid routing key" (unknown, rotated or revoked)',
    content: { 'application/json': { schema: pagerDutyErrorSchema } },
  },
  413: {
    description: 'Body over 512 KB',
    content: { 'application/json': { schema: pagerDutyErrorSchema } },
  },
  429: { description: 'Rate limited; see Retry-After' },
};
pagerduty.openAPIRegistry.registerPath({
  method: 'post',
  path: '/v2/enqueue',
  tags: ['ingestion'],
  summary: 'PagerDuty Events API v2: alert events',
  description:
    'routing_key = the integration key. event_action trigger|acknowledge|resolve; after a resolve the same dedup_key opens a new incident; ' +
    'acknowledge/resolve for an unknown dedup_key are accepted and dropped. Over the rate limit: 429 with Retry-After.',
  request: {
    body: {
      description:
        'As a trigger is checked; acknowledge and resolve need dedup_key, and their payload is optional and read leniently.',
      required: true,
      content: { 'application/json': { schema: pagerDutyEventSchemas.trigger } },
    },
  },
  responses: {
    202: {
      description: 'Event processed',
      content: {
        'application/json': {
          schema: pagerDutyAcceptedSchema,
        },
      },
    },
    ...failures,
  },
});
pagerduty.openAPIRegistry.registerPath({
  method: 'post',
  path: '/v2/change/enqueue',
  tags: ['ingestion'],
  summary: 'PagerDuty Events API v2: change events',
  description:
    'Body {routing_key, payload: {summary, timestamp?, source?, custom_details?}, links?}. A change (a deploy, a config push) pages no one: ' +
    'it is listed on the service (GET /api/services/{id}/changes) and on every incident of the service opened within the hour after it. ' +
    'Its time is payload.timestamp, or when it arrived; never later than arrival. Same key and rate limit as alert events.',
  request: {
    body: { required: true, content: { 'application/json': { schema: pagerDutyChangeSchema } } },
  },
  responses: {
    202: {
      description: 'Change event processed',
      content: {
        'application/json': {
          schema: pagerDutyChangeAcceptedSchema,
        },
      },
    },
    ...failures,
  },
});
