/**
 * Custom integrations: any monitor's own body, mapped to alert events by the integration's mapping.
 * POST /hooks/custom/{key}, or /hooks/custom with Authorization: Bearer <key>. JSON (any +json type), text or a
 * form (worker/mapping/body.ts). The mapping never drops an event: its fallbacks come back as `notes`.
 */
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env';
import type { Integration } from '../directory/integrations';
import type { Env } from '../env';
import { applyMapping } from '../mapping/apply';
import { readCustomBody } from '../mapping/body';
import { credentials } from '../service/intake';
import { CUSTOM_PAYLOAD_MAX_BYTES } from '../service/store';
import { documentHook, handleHook, type Adapted, type HookFormat } from './ingest-hook';
import { snsEnvelope } from './ingest-sns';

/**
 * A wrapper some senders put around the monitor's body, opened before the mapping runs. AWS SNS is one
 * (worker/mapping/sns.ts: requests with an x-amz-sns-message-type header): its subscription handshake carries no
 * alert, and its notifications carry the monitor's JSON as a string in `Message`, behind a signature.
 */
export interface Envelope {
  matches(request: Request): boolean;
  /** The monitor's own body, or the whole answer (a handshake: no events and a note; a bad signature: errors). */
  open(
    body: unknown,
    request: Request,
    integration: Integration,
    env: Env,
  ): Promise<{ body: unknown } | Adapted>;
}

const ENVELOPES: readonly Envelope[] = [snsEnvelope];

async function adapt(
  text: string,
  request: Request,
  integration: Integration,
  env: Env,
): Promise<Adapted> {
  const read = readCustomBody(text, request.headers.get('content-type'));
  if (!read.ok) return { errors: [read.message], status: read.status };
  const envelope = ENVELOPES.find((e) => e.matches(request));
  const opened = envelope
    ? await envelope.open(read.value, request, integration, env)
    : { body: read.value };
  if (!('body' in opened)) return opened;
  // Creating a custom integration requires a mapping; a row without one is a bug, not the sender's mistake.
  if (!integration.mapping) throw new Error(`custom integration ${integration.id} has no mapping`);
  return applyMapping(integration.mapping, opened.body, { integrationName: integration.name });
}

const format: HookFormat = {
  type: 'custom',
  keyHint: 'post to /hooks/custom/<key>, or send Authorization: Bearer <key>',
  overloadStatus: 429,
  payloadMaxBytes: CUSTOM_PAYLOAD_MAX_BYTES,
  adapt,
};

export const custom = new OpenAPIHono<AppEnv>();

custom.on('POST', ['/hooks/custom/:key', '/hooks/custom/:key/'], (c) =>
  handleHook(c, format, c.req.param('key')),
);
custom.on('POST', ['/hooks/custom', '/hooks/custom/'], (c) =>
  handleHook(c, format, credentials(c.req.raw, 'Bearer')),
);

const description =
  'Any monitor’s own body, mapped to alerts by the integration’s mapping (docs/mappings.md). JSON (application/json ' +
  'or any +json type); text/plain (read as JSON when it is JSON, else the item is {"text": <body>}); or a form ' +
  '(fields become an object, repeated fields arrays). Other types get 415; over 512 KB, 413; JSON that does not ' +
  'parse, 400 naming the line and column. A field the mapping cannot read falls back to its default and is listed ' +
  'in `notes`; no alert is dropped.';

/** Any body: the mapping, not a schema, decides what it means. */
const CUSTOM_BODY = {
  schema: z.unknown().openapi({ description: 'The monitor’s own payload' }),
  mediaTypes: ['application/json', 'text/plain', 'application/x-www-form-urlencoded'],
  strict: true,
};

documentHook(custom, {
  method: 'post',
  path: '/hooks/custom/{key}',
  summary: 'Custom integration (any JSON, text or form)',
  description,
  keyInPath: true,
  body: CUSTOM_BODY,
});
documentHook(custom, {
  method: 'post',
  path: '/hooks/custom',
  summary: 'Custom integration, key as Authorization: Bearer <key>',
  description,
  keyInPath: false,
  body: CUSTOM_BODY,
});
