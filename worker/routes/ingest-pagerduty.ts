/**
 * PagerDuty Events API v2: POST /v2/enqueue with the integration key as routing_key.
 * Answers byte-compatible with PagerDuty, so pdjs, Alertmanager's pagerduty_configs and every other
 * PagerDuty sender work by changing only the URL.
 */
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from '../app-env';
import { adaptPagerDuty, pagerdutyRoutingKey } from '../adapters/pagerduty';
import { now } from '../clock';
import { authenticateKey, deliver, MAX_BODY_BYTES, parseJson, payloadRecord, readBody } from '../service/intake';

const invalid = (c: Context<AppEnv>, status: ContentfulStatusCode, errors: string[]) =>
  c.json({ status: 'invalid event', message: 'Event object is invalid', errors }, status);

async function enqueue(c: Context<AppEnv>): Promise<Response> {
  const body = await readBody(c.req.raw);
  if (!body) return invalid(c, 413, [`Request body is larger than ${MAX_BODY_BYTES / 1024} KB`]);
  const parsed = parseJson(body.text);
  if (!parsed.ok) return invalid(c, 400, [`Event object is not valid JSON: ${parsed.message}`]);

  // The key is inside the body; check it before the rest so a stranger learns nothing from field errors.
  const key = pagerdutyRoutingKey(parsed.value);
  const integration = key ? await authenticateKey(c.env, 'pagerduty', key) : null;
  if (key && !integration) return invalid(c, 401, ["'routing_key' is not a valid integration key (it may have been rotated or revoked)"]);

  const adapted = adaptPagerDuty(parsed.value, now());
  if (!integration || !key) return invalid(c, 400, adapted.ok ? ["'routing_key' is missing"] : adapted.errors);
  const result = await deliver(c.env, integration, payloadRecord(c.req.raw, body, key), adapted.ok ? { events: adapted.events } : { errors: adapted.errors });
  if (!result.ok && result.reason === 'rate-limited') {
    return c.json({ status: 'throttle exceeded', message: 'Requests for this service are arriving too quickly. Please retry later.' }, 429, {
      'retry-after': String(result.retryAfterSeconds),
    });
  }
  if (!adapted.ok || !result.ok) return invalid(c, 400, adapted.ok ? ['Event was refused'] : adapted.errors);
  return c.json({ status: 'success', message: 'Event processed', dedup_key: (adapted.events[0] as { dedupKey: string }).dedupKey }, 202);
}

export const pagerduty = new OpenAPIHono<AppEnv>();
pagerduty.on('POST', ['/v2/enqueue', '/v2/enqueue/'], enqueue);

const pdError = z.object({ status: z.string(), message: z.string(), errors: z.array(z.string()) });
pagerduty.openAPIRegistry.registerPath({
  method: 'post',
  path: '/v2/enqueue',
  tags: ['ingestion'],
  summary: 'PagerDuty Events API v2',
  description:
    'routing_key = the integration key. event_action trigger|acknowledge|resolve; after a resolve the same dedup_key opens a new incident; ' +
    'acknowledge/resolve for an unknown dedup_key are accepted and dropped. Over the rate limit: 429 with Retry-After.',
  responses: {
    202: { description: 'Event processed', content: { 'application/json': { schema: z.object({ status: z.literal('success'), message: z.string(), dedup_key: z.string() }) } } },
    400: { description: 'Event object is invalid', content: { 'application/json': { schema: pdError } } },
    401: { description: 'Unknown, rotated or revoked routing key', content: { 'application/json': { schema: pdError } } },
    413: { description: 'Body over 512 KB', content: { 'application/json': { schema: pdError } } },
    429: { description: 'Rate limited; see Retry-After' },
  },
});
