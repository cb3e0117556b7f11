/**
 * The pipeline shared by the webhook formats that answer in problem+json (Alertmanager, Grafana, generic):
 * body within the limit → key → integration → adapter → service router → 202.
 * Alert groups (Alertmanager, Grafana) take the key first and stream the body alert by alert, so the largest
 * outage, which sends the largest body, is never refused for its size (up to LIMITS.groupBody).
 * PagerDuty and Opsgenie have their own answer shapes and use the same intake steps directly.
 */
import type { Context } from 'hono';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import type { AlertEvent, IntegrationType } from '../../schema/alert';
import type { AppEnv } from '../app-env';
import type { Env } from '../env';
import { ProblemError, unauthorized } from '../errors';
import type { Integration } from '../directory/integrations';
import { LIMITS } from '../../schema/alert';
import { hookAcceptedSchema } from '../../schema/ingest-schemas';
import type { GroupAdapter } from '../adapters/alertmanager';
import type { SignatureStream } from '../adapters/grafana';
import { issueMessages } from '../adapters/normalize';
import { readGroup } from '../service/group-body';
import {
  authenticateKey,
  deliver,
  MAX_BODY_BYTES,
  payloadRecord,
  readBody,
} from '../service/intake';
import type { ReceiveResult } from '../service/router';
import { paged } from '../webhooks/lane';
import { PAYLOAD_MAX_BYTES } from '../service/store';
import { problems } from './openapi-shared';

export const INVALID_KEY =
  'That integration key is not valid: it may have been rotated or revoked. Copy the current URL from the service’s integrations in Firebell.';

/** What a format made of a body: events (with a mapping's fallbacks as notes), or why it refused it. */
export type Adapted =
  | { events: AlertEvent[]; notes?: string[] }
  | {
      errors: string[];
      status?: 400 | 415;
      /** The answer when it is not a plain 400/415, e.g. a 401 for a bad SNS signature; recorded all the same. */
      problem?: ProblemError;
    };

export interface HookFormat {
  type: IntegrationType;
  /** How to send the key, for the 401 when none was sent. */
  keyHint: string;
  /** Alertmanager and Grafana drop every 4xx for good, so overload must be a 503 they retry. */
  overloadStatus: 429 | 503;
  /** A key carried inside the body (generic's `token` field), read when the URL and headers have none. */
  keyFromBody?: (text: string, request: Request) => string | undefined;
  /** Whole-body formats: the text → events; the integration carries a custom integration's mapping. */
  adapt?: (text: string, request: Request, integration: Integration, env: Env) => Promise<Adapted>;
  /** How much of each body the integration's recent payloads keep (default PAYLOAD_MAX_BYTES). */
  payloadMaxBytes?: number;
  /** Alert-group formats, read as a stream instead of `adapt`. */
  group?: {
    adapter: GroupAdapter<unknown, unknown>;
    /** Extra proof beyond the key (Grafana's HMAC), fed the body as it streams; a string says why it is refused. */
    signature?: (integration: Integration, request: Request) => SignatureStream | string | null;
  };
}

export const tooLarge = (limit = MAX_BODY_BYTES) =>
  new ProblemError(413, 'payload-too-large', `Request bodies are limited to ${limit / 1024} KB.`);
const MISMATCH =
  'The signature does not match the body: check the contact point uses the same secret as the integration.';

/**
 * Run one webhook request through the pipeline; every failure is a ProblemError for app.onError.
 * An alert may open an incident and page: outgoing webhook deliveries in this isolate wait meanwhile.
 */
export function handleHook(
  c: Context<AppEnv>,
  format: HookFormat,
  keyFromRequest: string | undefined,
): Promise<Response> {
  return paged(() => runHook(c, format, keyFromRequest));
}

async function runHook(
  c: Context<AppEnv>,
  format: HookFormat,
  keyFromRequest: string | undefined,
): Promise<Response> {
  if (format.group) return handleGroup(c, format, format.group, keyFromRequest);
  const request = c.req.raw;
  const body = await readBody(request);
  if (!body) throw tooLarge();
  const key = keyFromRequest ?? format.keyFromBody?.(body.text, request);
  const integration = await authenticate(c, format, key);
  const adapted = format.adapt
    ? await format.adapt(body.text, request, integration, c.env)
    : { errors: ['this format reads no whole bodies'] };
  const payload = payloadRecord(request, body, key as string, format.payloadMaxBytes);
  return answer(
    c,
    format,
    integration,
    adapted,
    await deliver(c.env, integration, payload, adapted),
  );
}

async function authenticate(
  c: Context<AppEnv>,
  format: HookFormat,
  key: string | undefined,
): Promise<Integration> {
  if (!key) throw unauthorized(`No integration key: ${format.keyHint}.`);
  const integration = await authenticateKey(c.env, format.type, key);
  if (!integration) throw unauthorized(INVALID_KEY);
  return integration;
}

async function handleGroup(
  c: Context<AppEnv>,
  format: HookFormat,
  group: NonNullable<HookFormat['group']>,
  key: string | undefined,
): Promise<Response> {
  const request = c.req.raw;
  if (Number(request.headers.get('content-length') ?? NaN) > LIMITS.groupBody)
    throw tooLarge(LIMITS.groupBody);
  const integration = await authenticate(c, format, key);
  const signature = group.signature?.(integration, request) ?? null;
  if (typeof signature === 'string')
    return refuse(
      c,
      integration,
      request,
      key as string,
      await readHead(request, PAYLOAD_MAX_BYTES + 1),
      signature,
    );
  const { adapter } = group;
  const read = await readGroup(request.body, {
    maxBytes: LIMITS.groupBody,
    fields: Object.keys(adapter.fieldsSchema.shape),
    alertSchema: adapter.alertSchema,
    // One byte past what a payload record keeps, so the record knows it was cut.
    keepHead: PAYLOAD_MAX_BYTES + 1,
    ...(signature ? { onChunk: signature.update } : {}),
  });
  if (!read.ok && read.reason === 'too-large') throw tooLarge(LIMITS.groupBody);
  const head = { text: new TextDecoder().decode(read.head), bytes: read.bytes };
  if (signature && !signature.verify())
    return refuse(c, integration, request, key as string, head, MISMATCH);
  const fields = read.fields ? adapter.fieldsSchema.safeParse(read.fields) : null;
  const errors = [
    ...(fields && !fields.success ? issueMessages(fields.error.issues) : []),
    ...(read.ok ? [] : read.errors),
  ];
  const adapted: Adapted =
    errors.length || !read.ok || !fields?.success
      ? { errors }
      : { events: await adapter.toEvents(fields.data, read.alerts) };
  return answer(
    c,
    format,
    integration,
    adapted,
    await deliver(c.env, integration, payloadRecord(request, head, key as string), adapted),
  );
}

/**
 * A sender whose proof stopped passing (a changed secret or setting) must show up where the admin looks, not only
 * in its own logs: record the refusal with the integration's recent payloads, then answer 401.
 */
async function refuse(
  c: Context<AppEnv>,
  integration: Integration,
  request: Request,
  key: string,
  body: { text: string; bytes: number },
  reason: string,
): Promise<never> {
  await deliver(c.env, integration, payloadRecord(request, body, key), {
    errors: [`refused: ${reason}`],
  });
  throw unauthorized(reason);
}

/** The first `max` bytes of a body refused before it was read, for its payload record; the rest is never read. */
async function readHead(request: Request, max: number): Promise<{ text: string; bytes: number }> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (!request.body) return { text: '', bytes: 0 };
  const reader = request.body.getReader();
  const head = new Uint8Array(max);
  let kept = 0;
  while (kept < max) {
    const { done, value } = await reader.read();
    if (done) break;
    const part = value.subarray(0, max - kept);
    head.set(part, kept);
    kept += part.byteLength;
  }
  await reader.cancel();
  return {
    text: new TextDecoder().decode(head.subarray(0, kept)),
    bytes: Number.isFinite(declared) ? declared : kept,
  };
}

/** The answer once the router has had the events: 202, the format's overload status, or 400. */
function answer(
  c: Context<AppEnv>,
  format: HookFormat,
  integration: Integration,
  adapted: Adapted,
  result: ReceiveResult,
): Response {
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
    if (adapted.problem) throw adapted.problem;
    const unsupported = adapted.status === 415;
    throw new ProblemError(
      unsupported ? 415 : 400,
      unsupported ? 'unsupported-media-type' : 'validation',
      adapted.errors.join('; '),
      { errors: adapted.errors },
    );
  }
  if (!result.ok) throw new ProblemError(400, 'validation', 'The payload was refused.');
  const notes = adapted.notes ? { notes: adapted.notes } : {};
  const rules = result.rules ? { rules: result.rules } : {};
  return c.json({ status: 'accepted', incidents: result.outcomes, ...rules, ...notes }, 202);
}

/** Document a webhook endpoint in the OpenAPI description (the handlers themselves are plain routes). */
export function documentHook(
  app: OpenAPIHono<AppEnv>,
  route: {
    method: 'post' | 'put';
    path: string;
    summary: string;
    description: string;
    keyInPath: boolean;
    /**
     * The body the sender posts (the zod shape in schema/ its adapter checks), and the media types it may come as;
     * `strict` documents the 415 answered for any other type.
     */
    body?: { schema: z.ZodType; mediaTypes?: readonly string[]; strict?: boolean };
  },
): void {
  const { body } = route;
  app.openAPIRegistry.registerPath({
    method: route.method,
    path: route.path,
    tags: ['ingestion'],
    summary: route.summary,
    description: route.description,
    request: {
      ...(route.keyInPath
        ? {
            params: z.object({ key: z.string().openapi({ description: 'The integration key' }) }),
          }
        : {}),
      ...(body
        ? {
            body: {
              required: true,
              content: Object.fromEntries(
                (body.mediaTypes ?? ['application/json']).map((type) => [
                  type,
                  { schema: body.schema },
                ]),
              ),
            },
          }
        : {}),
    },
    responses: {
      202: {
        description: 'Accepted: the incidents the events opened or joined',
        content: {
          'application/json': {
            schema: hookAcceptedSchema,
          },
        },
      },
      400: problems[400],
      401: problems[401],
      413: problems[413],
      ...(body?.strict
        ? {
            415: {
              ...problems[415],
              description: `Body is not ${(body.mediaTypes ?? ['application/json']).join(', ')}`,
            },
          }
        : {}),
    },
  });
}
