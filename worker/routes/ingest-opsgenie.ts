/**
 * Opsgenie Alert API subset with `Authorization: GenieKey <key>`: create, close and acknowledge.
 * The integration URL is Firebell's origin, because Opsgenie clients (Alertmanager's opsgenie_configs
 * api_url, the SDKs' host) append /v2/alerts themselves. Answers in Opsgenie's shape.
 */
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from '../app-env';
import { adaptOpsgenieAction, adaptOpsgenieCreate, type OpsgenieAction, type OpsgenieResult } from '../adapters/opsgenie';
import { now } from '../clock';
import type { Adapted } from './ingest-hook';
import { authenticateKey, credentials, deliver, MAX_BODY_BYTES, parseJson, payloadRecord, readBody } from '../service/intake';

/** Opsgenie's envelope: every answer carries how long it took (seconds) and a request id. */
function reply(c: Context<AppEnv>, started: number, status: ContentfulStatusCode, fields: { result: string } | { message: string }, headers?: Record<string, string>) {
  // Workers clocks only move across I/O, so a fast request can measure 0; Opsgenie never says 0.
  const took = Math.max(0.001, Math.round(Date.now() - started) / 1000);
  return c.json({ ...fields, took, requestId: crypto.randomUUID() }, status, headers);
}

async function handle(c: Context<AppEnv>, adapt: (body: unknown) => Promise<OpsgenieResult>, bodyOptional: boolean): Promise<Response> {
  const started = Date.now();
  const body = await readBody(c.req.raw);
  if (!body) return reply(c, started, 413, { message: `Request body can not be larger than ${MAX_BODY_BYTES / 1024} KB.` });
  const key = credentials(c.req.raw, 'GenieKey');
  if (!key) return reply(c, started, 401, { message: 'Could not authenticate: send Authorization: GenieKey <integration key>.' });
  const integration = await authenticateKey(c.env, 'opsgenie', key);
  if (!integration) return reply(c, started, 401, { message: 'Could not authenticate: the key is not valid (it may have been rotated or revoked).' });

  let adapted: Adapted;
  const parsed = bodyOptional && !body.text.trim() ? ({ ok: true, value: undefined } as const) : parseJson(body.text);
  if (!parsed.ok) adapted = { errors: [`Request body is not valid JSON: ${parsed.message}.`] };
  else {
    const result = await adapt(parsed.value);
    adapted = result.ok ? { events: result.events } : { errors: [result.message] };
  }
  const delivered = await deliver(c.env, integration, payloadRecord(c.req.raw, body, key), adapted);
  if (!delivered.ok && delivered.reason === 'rate-limited') {
    return reply(c, started, 429, { message: 'You are making too many requests! To avoid errors, we recommend you limit requests.' }, { 'retry-after': String(delivered.retryAfterSeconds) });
  }
  if ('errors' in adapted) return reply(c, started, parsed.ok ? 422 : 400, { message: adapted.errors.join(' ') });
  return reply(c, started, 202, { result: 'Request will be processed' });
}

const action = (which: OpsgenieAction) => (c: Context<AppEnv>) =>
  handle(c, (body) => adaptOpsgenieAction(which, c.req.param('identifier') ?? '', c.req.query('identifierType'), body, now()), true);

export const opsgenie = new OpenAPIHono<AppEnv>();
opsgenie.on('POST', ['/v2/alerts', '/v2/alerts/'], (c) => handle(c, (body) => adaptOpsgenieCreate(body, now()), false));
opsgenie.on('POST', ['/v2/alerts/:identifier/close', '/v2/alerts/:identifier/close/'], action('close'));
opsgenie.on('POST', ['/v2/alerts/:identifier/acknowledge', '/v2/alerts/:identifier/acknowledge/'], action('acknowledge'));

const envelope = z.object({ result: z.string(), took: z.number(), requestId: z.string() });
const failure = { description: 'Opsgenie-shaped error: {message, took, requestId}', content: { 'application/json': { schema: z.object({ message: z.string(), took: z.number(), requestId: z.string() }) } } };
const responses = { 202: { description: 'Request will be processed', content: { 'application/json': { schema: envelope } } }, 401: failure, 422: failure, 429: failure };
opsgenie.openAPIRegistry.registerPath({
  method: 'post',
  path: '/v2/alerts',
  tags: ['ingestion'],
  summary: 'Opsgenie: create alert',
  description: 'Authorization: GenieKey <key>. alias is the dedup key; priority P1–P5 maps to critical, error, warning, info, info.',
  responses,
});
for (const which of ['close', 'acknowledge'] as const) {
  opsgenie.openAPIRegistry.registerPath({
    method: 'post',
    path: `/v2/alerts/{identifier}/${which}`,
    tags: ['ingestion'],
    summary: `Opsgenie: ${which} alert`,
    description: 'identifierType alias or id (both mean the alias here); an unknown identifier is accepted and dropped.',
    request: { params: z.object({ identifier: z.string() }), query: z.object({ identifierType: z.enum(['id', 'alias']).optional() }) },
    responses,
  });
}
