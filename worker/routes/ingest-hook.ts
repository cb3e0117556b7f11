/**
 * The pipeline shared by the webhook formats that answer in problem+json (Alertmanager, Grafana, generic):
 * body within the limit → key → integration → adapter → service router → 202.
 * PagerDuty and Opsgenie have their own answer shapes and use the same intake steps directly.
 */
import type { Context } from 'hono';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import type { AlertEvent, IntegrationType } from '../../schema/alert';
import type { AppEnv } from '../app-env';
import { ProblemError, unauthorized } from '../errors';
import type { Integration } from '../directory/integrations';
import { authenticateKey, deliver, MAX_BODY_BYTES, payloadRecord, readBody } from '../service/intake';
import { problems } from './openapi-shared';

export const INVALID_KEY = 'That integration key is not valid: it may have been rotated or revoked. Copy the current URL from the service’s integrations in Firebell.';

export type Adapted = { events: AlertEvent[] } | { errors: string[] };

export interface HookFormat {
  type: IntegrationType;
  /** How to send the key, for the 401 when none was sent. */
  keyHint: string;
  /** Alertmanager and Grafana drop every 4xx for good, so overload must be a 503 they retry. */
  overloadStatus: 429 | 503;
  /** A key carried inside the body (generic's `token` field), read when the URL and headers have none. */
  keyFromBody?: (text: string, request: Request) => string | undefined;
  /** Extra proof beyond the key (Grafana's HMAC); returns why it failed, or null. */
  verify?: (integration: Integration, text: string, request: Request) => Promise<string | null>;
  adapt: (text: string, request: Request) => Promise<Adapted>;
}

export const tooLarge = () => new ProblemError(413, 'payload-too-large', `Request bodies are limited to ${MAX_BODY_BYTES / 1024} KB.`);

/** Run one webhook request through the pipeline; every failure is a ProblemError for app.onError. */
export async function handleHook(c: Context<AppEnv>, format: HookFormat, keyFromRequest: string | undefined): Promise<Response> {
  const request = c.req.raw;
  const body = await readBody(request);
  if (!body) throw tooLarge();
  const key = keyFromRequest ?? format.keyFromBody?.(body.text, request);
  if (!key) throw unauthorized(`No integration key: ${format.keyHint}.`);
  const integration = await authenticateKey(c.env, format.type, key);
  if (!integration) throw unauthorized(INVALID_KEY);
  const failed = await format.verify?.(integration, body.text, request);
  if (failed) {
    // A sender whose proof stopped passing (a changed secret or setting) must show up where the admin looks,
    // not only in its own logs: record the refusal with the integration's recent payloads.
    await deliver(c.env, integration, payloadRecord(request, body, key), { errors: [`refused: ${failed}`] });
    throw unauthorized(failed);
  }

  const adapted = await format.adapt(body.text, request);
  const result = await deliver(c.env, integration, payloadRecord(request, body, key), adapted);
  if (!result.ok && result.reason === 'rate-limited') {
    const status = format.overloadStatus;
    throw new ProblemError(
      status,
      status === 503 ? 'unavailable' : 'rate-limited',
      `This integration accepts ${integration.ratePerMinute} requests a minute; retry after ${result.retryAfterSeconds} seconds.`,
      { retryAfter: result.retryAfterSeconds },
      { 'retry-after': String(result.retryAfterSeconds) },
    );
  }
  if ('errors' in adapted) {
    throw new ProblemError(400, 'validation', adapted.errors.join('; '), { errors: adapted.errors });
  }
  if (!result.ok) throw new ProblemError(400, 'validation', 'The payload was refused.');
  return c.json({ status: 'accepted', incidents: result.outcomes }, 202);
}

/** Document a webhook endpoint in the OpenAPI description (the handlers themselves are plain routes). */
export function documentHook(app: OpenAPIHono<AppEnv>, route: { method: 'post' | 'put'; path: string; summary: string; description: string; keyInPath: boolean }): void {
  app.openAPIRegistry.registerPath({
    method: route.method,
    path: route.path,
    tags: ['ingestion'],
    summary: route.summary,
    description: route.description,
    ...(route.keyInPath ? { request: { params: z.object({ key: z.string().openapi({ description: 'The integration key' }) }) } } : {}),
    responses: {
      202: {
        description: 'Accepted: the incidents the events opened or joined',
        content: {
          'application/json': {
            schema: z.object({
              status: z.literal('accepted'),
              incidents: z.array(z.object({ dedupKey: z.string(), incidentId: z.string().nullable(), result: z.enum(['opened', 'appended', 'dropped']) })),
            }),
          },
        },
      },
      400: problems[400],
      401: problems[401],
      413: problems[413],
    },
  });
}
