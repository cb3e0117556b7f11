/**
 * Generic alerts for curl and scripts: POST /hooks/generic/{key}, or /hooks/generic with the key as
 * Bearer or in a `token` field. JSON or application/x-www-form-urlencoded.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env';
import { genericAlertSchema } from '../../schema/ingest-schemas';
import { adaptGeneric, genericFromForm } from '../adapters/generic';
import { isRecord } from '../adapters/normalize';
import { now } from '../clock';
import { credentials, parseJson, type Parsed } from '../service/intake';
import { documentHook, handleHook, type HookFormat } from './ingest-hook';

/**
 * Forms become the JSON shape. `curl -d '{"summary":…}'` without -H sends JSON labelled as a form;
 * a real form never starts with "{", so such a body is read as the JSON it is.
 */
function readGeneric(text: string, request: Request): Parsed {
  const type = request.headers.get('content-type') ?? '';
  if (/^application\/x-www-form-urlencoded/i.test(type) && !text.trimStart().startsWith('{')) {
    return { ok: true, value: genericFromForm(new URLSearchParams(text)) };
  }
  const parsed = parseJson(text);
  if (parsed.ok || /json/i.test(type) || !type) return parsed;
  return {
    ok: false,
    message: `send JSON (application/json) or a form (application/x-www-form-urlencoded); got ${type.slice(0, 100)} that is not JSON`,
  };
}

const format: HookFormat = {
  type: 'generic',
  keyHint: 'post to /hooks/generic/<key>, send Authorization: Bearer <key>, or add a token field',
  overloadStatus: 429,
  keyFromBody: (text, request) => {
    const parsed = readGeneric(text, request);
    const token = parsed.ok && isRecord(parsed.value) ? parsed.value.token : undefined;
    return typeof token === 'string' && token.trim() ? token.trim() : undefined;
  },
  adapt: async (text, request) => {
    const parsed = readGeneric(text, request);
    if (!parsed.ok) return { errors: [parsed.message] };
    const result = await adaptGeneric(parsed.value, now());
    return result.ok ? { events: result.events } : { errors: result.errors };
  },
};

export const generic = new OpenAPIHono<AppEnv>();

generic.on('POST', ['/hooks/generic/:key', '/hooks/generic/:key/'], (c) =>
  handleHook(c, format, c.req.param('key')),
);
generic.on('POST', ['/hooks/generic', '/hooks/generic/'], (c) =>
  handleHook(c, format, credentials(c.req.raw, 'Bearer')),
);

documentHook(generic, {
  method: 'post',
  path: '/hooks/generic/{key}',
  summary: 'Generic alert (JSON or form)',
  description:
    'Fields: summary (required), details, severity (critical|error|warning|info), dedup_key, action (trigger|acknowledge|resolve), links, source. ' +
    'Unknown fields are refused. Without dedup_key, a hash of summary and source is the key. ' +
    'Example: curl -X POST <url> -H \'content-type: application/json\' -d \'{"summary":"Disk full on web-1","severity":"critical"}\'',
  keyInPath: true,
  body: {
    schema: genericAlertSchema,
    mediaTypes: ['application/json', 'application/x-www-form-urlencoded'],
  },
});
