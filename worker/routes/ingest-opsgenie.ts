/**
 * Opsgenie Alert API with `Authorization: GenieKey <key>`: create, get, list, close, acknowledge, add note
 * and request status, answered in Opsgenie's shapes; every other Alert API call gets Opsgenie's error shape
 * saying it is not supported. The integration URL is Firebell's origin, because Opsgenie clients
 * (Alertmanager's opsgenie_configs api_url, the SDKs' host) append /v2/alerts themselves.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { IncidentCommand } from '../../schema/incident';
import type { AppEnv } from '../app-env';
import {
  adaptOpsgenieAction,
  adaptOpsgenieCreate,
  readActionFields,
  type OpsgenieAction,
  type OpsgenieResult,
} from '../adapters/opsgenie';
import { clip } from '../adapters/normalize';
import { now } from '../clock';
import type { Integration } from '../directory/integrations';
import type { PayloadInput } from '../../schema/directory';
import type { Adapted } from './ingest-hook';
import {
  deliver,
  MAX_BODY_BYTES,
  parseJson,
  payloadRecord,
  readBody,
  credentials,
  type Parsed,
} from '../service/intake';
import type { KeyOutcome } from '../service/router';
import { commandAsIntegration, recordRequest } from '../service/router-calls';
import { answer, authenticate, findAlert, tooManyRequests, type Answer } from './opsgenie-common';
import { documentOpsgenie } from './opsgenie-openapi';
import { getAlert, getRequestStatus, listAlerts } from './opsgenie-read';

/** The longest note a timeline takes (the same as a note typed in Firebell). */
const NOTE_MAX = 8000;
const RESOLVE_NOTE_MAX = 4000;
const INCIDENT_ID = /^inc_[0-9a-z]{1,64}$/;

type Begun = { integration: Integration; parsed: Parsed; payload: PayloadInput };

/** Read the body within the limit, authenticate, and parse; or the answer that ends the request. */
async function begin(
  c: Context<AppEnv>,
  reply: Answer,
  bodyOptional: boolean,
): Promise<Begun | Response> {
  const body = await readBody(c.req.raw);
  if (!body)
    return reply.send(413, {
      message: `Request body can not be larger than ${MAX_BODY_BYTES / 1024} KB.`,
    });
  const integration = await authenticate(c, reply);
  if (integration instanceof Response) return integration;
  const parsed: Parsed =
    bodyOptional && !body.text.trim() ? { ok: true, value: undefined } : parseJson(body.text);
  return {
    integration,
    parsed,
    payload: payloadRecord(c.req.raw, body, credentials(c.req.raw, 'GenieKey') ?? ''),
  };
}

const accepted = (reply: Answer) => reply.send(202, { result: 'Request will be processed' });

/** Opsgenie's words for what an accepted request did, kept for GET /v2/alerts/requests/:id. */
const DONE: Record<string, string> = {
  Create: 'Created alert',
  Close: 'Closed alert',
  Acknowledge: 'Acknowledged alert',
  AddNote: 'Added note',
};

/** Create, or close/acknowledge by alias: adapt to alert events and hand them to the service router. */
async function viaEvents(
  c: Context<AppEnv>,
  reply: Answer,
  begun: Begun,
  action: 'Create' | 'Close' | 'Acknowledge',
  adapt: (body: unknown) => Promise<OpsgenieResult>,
): Promise<Response> {
  const { integration, parsed } = begun;
  let adapted: Adapted;
  if (!parsed.ok) adapted = { errors: [`Request body is not valid JSON: ${parsed.message}.`] };
  else {
    const result = await adapt(parsed.value);
    adapted = result.ok ? { events: result.events } : { errors: [result.message] };
  }
  const delivered = await deliver(c.env, integration, begun.payload, adapted);
  if (!delivered.ok && delivered.reason === 'rate-limited')
    return tooManyRequests(reply, delivered.retryAfterSeconds);
  if ('errors' in adapted || !delivered.ok)
    return reply.send(parsed.ok ? 422 : 400, {
      message: 'errors' in adapted ? adapted.errors.join(' ') : 'The request was refused.',
    });
  const outcome = delivered.outcomes[0] as KeyOutcome | undefined;
  const ruled = delivered.rules?.alerts[0];
  if (!outcome) {
    // The service's event rules kept it from any incident (suppressed, dropped, or routed elsewhere).
    await recordRequest(c.env, integration, {
      requestId: reply.requestId,
      action,
      processedAt: now(),
      isSuccess: true,
      status: `Alert ${ruled?.outcome ?? 'handled'} by the service's event rules`,
      alertId: '',
      alias: ruled?.dedupKey ?? '',
    });
    return accepted(reply);
  }
  // As Opsgenie: an action on an alias with no open alert is accepted; its request status says what happened.
  const status =
    outcome.result === 'dropped'
      ? 'Alert does not exist'
      : outcome.result === 'appended' && action === 'Create'
        ? 'Alert already exists; its count went up'
        : (DONE[action] as string);
  await recordRequest(c.env, integration, {
    requestId: reply.requestId,
    action,
    processedAt: now(),
    isSuccess: outcome.result !== 'dropped',
    status,
    alertId: outcome.incidentId ?? '',
    alias: outcome.dedupKey,
  });
  return accepted(reply);
}

/** An action on one incident found by id, tiny id or alias: run as a command by the integration. */
async function viaCommand(
  c: Context<AppEnv>,
  reply: Answer,
  begun: Begun,
  found: { id: string; alias: string },
  action: 'Close' | 'Acknowledge' | 'AddNote',
  command: IncidentCommand,
): Promise<Response> {
  const { integration } = begun;
  const ran = await commandAsIntegration(c.env, integration, begun.payload, found.id, command);
  if (!ran.ok)
    return ran.reason === 'rate-limited'
      ? tooManyRequests(reply, ran.retryAfterSeconds)
      : reply.send(422, { message: 'The request was refused.' });
  const status = ran.result.ok ? (DONE[action] as string) : ran.result.problem.detail;
  await recordRequest(c.env, integration, {
    requestId: reply.requestId,
    action,
    processedAt: now(),
    isSuccess: ran.result.ok,
    status,
    alertId: found.id,
    alias: found.alias,
  });
  return accepted(reply);
}

async function create(c: Context<AppEnv>): Promise<Response> {
  const reply = answer(c);
  const begun = await begin(c, reply, false);
  if (begun instanceof Response) return begun;
  return viaEvents(c, reply, begun, 'Create', (body) => adaptOpsgenieCreate(body, now()));
}

/**
 * Close or acknowledge. A tiny id, or an id naming one of the service's incidents, acts on that incident
 * (all its alerts); an alias, or an id that names no incident, goes to the incident open for that dedup key.
 */
const act = (which: OpsgenieAction) => async (c: Context<AppEnv>) => {
  const reply = answer(c);
  const begun = await begin(c, reply, true);
  if (begun instanceof Response) return begun;
  const identifier = c.req.param('identifier') ?? '';
  const type = c.req.query('identifierType');
  const action = which === 'close' ? 'Close' : 'Acknowledge';
  if (type === 'tiny' || ((type ?? 'id') === 'id' && INCIDENT_ID.test(identifier))) {
    const found = await findAlert(c.env, begun.integration, identifier, type);
    if (found.ok && (type === 'tiny' || found.view.incident.id === identifier)) {
      const fields = begun.parsed.ok
        ? readActionFields(begun.parsed.value)
        : {
            ok: false as const,
            message: `Request body is not valid JSON: ${begun.parsed.message}.`,
          };
      if (!fields.ok) return reply.send(begun.parsed.ok ? 422 : 400, { message: fields.message });
      const note = fields.fields.note && clip(fields.fields.note, RESOLVE_NOTE_MAX);
      const command: IncidentCommand =
        which === 'close'
          ? { type: 'resolve', ...(note ? { note } : {}) }
          : { type: 'acknowledge' };
      return viaCommand(
        c,
        reply,
        begun,
        { id: found.view.incident.id, alias: found.view.incident.dedupKey ?? '' },
        action,
        command,
      );
    }
    if (!found.ok && type === 'tiny') return reply.send(found.status, { message: found.message });
  }
  return viaEvents(c, reply, begun, action, (body) =>
    adaptOpsgenieAction(which, identifier, type, body, now()),
  );
};

/** POST /v2/alerts/:identifier/notes: the note lands on the incident's timeline, by the integration. */
async function addNote(c: Context<AppEnv>): Promise<Response> {
  const reply = answer(c);
  const begun = await begin(c, reply, false);
  if (begun instanceof Response) return begun;
  if (!begun.parsed.ok)
    return reply.send(400, { message: `Request body is not valid JSON: ${begun.parsed.message}.` });
  const fields = readActionFields(begun.parsed.value);
  if (!fields.ok) return reply.send(422, { message: fields.message });
  const note = fields.fields.note?.trim();
  if (!note) return reply.send(422, { message: 'Note can not be empty.' });
  if (note.length > NOTE_MAX)
    return reply.send(422, { message: `Note can not be longer than ${NOTE_MAX} characters.` });
  const found = await findAlert(
    c.env,
    begun.integration,
    c.req.param('identifier') ?? '',
    c.req.query('identifierType'),
  );
  if (!found.ok) return reply.send(found.status, { message: found.message });
  return viaCommand(
    c,
    reply,
    begun,
    { id: found.view.incident.id, alias: found.view.incident.dedupKey ?? '' },
    'AddNote',
    { type: 'add_note', text: note },
  );
}

/** Alert API calls Firebell does not implement, named so the answer can say which one was refused. A Map: paths are user input. */
const UNSUPPORTED = new Map<string, string>([
  ['snooze', 'snoozing alerts'],
  ['escalate', 'escalating to a named escalation (Firebell escalates by the service’s policy)'],
  ['assign', 'assigning an owner'],
  ['teams', 'adding teams'],
  ['responders', 'adding responders'],
  ['tags', 'alert tags'],
  ['details', 'alert details (custom properties)'],
  ['unacknowledge', 'unacknowledging alerts'],
  ['actions', 'custom actions'],
  ['recipients', 'alert recipients'],
  ['logs', 'alert logs'],
  ['notes', 'listing notes'],
  ['attachments', 'attachments'],
  ['message', 'editing the message'],
  ['description', 'editing the description'],
  ['priority', 'changing priority'],
  ['saved-searches', 'saved searches'],
  ['count', 'counting alerts'],
]);

/** Any other Alert API call: authenticated, then refused in Opsgenie's shape with what to use instead. */
async function unsupported(c: Context<AppEnv>): Promise<Response> {
  const reply = answer(c);
  // Read the body even so: answering with it unread makes workerd drop the connection, and a keep-alive client
  // (the SDK) then meets a reset on its next request.
  await readBody(c.req.raw);
  const integration = await authenticate(c, reply);
  if (integration instanceof Response) return integration;
  const parts = new URL(c.req.url).pathname.split('/').filter(Boolean).slice(2);
  const [first = '', action = ''] = parts;
  // count and saved-searches are collections of their own; anything else first is an alert identifier.
  const collection = first === 'count' || first === 'saved-searches';
  const deleting = c.req.method === 'DELETE' && parts.length === 1 && !collection;
  const what = deleting
    ? 'deleting alerts (Firebell keeps every incident)'
    : (UNSUPPORTED.get(collection ? first : action) ?? 'this call');
  const path = clip(
    collection || !first
      ? `/v2/alerts${first ? `/${parts.join('/')}` : ''}`
      : `/v2/alerts/{identifier}${action ? `/${action}` : ''}`,
    120,
  );
  return reply.send(404, {
    message: `Firebell does not support ${what} (${c.req.method} ${path}). Its Opsgenie Alert API supports create, get, list, close, acknowledge, add note and request status.`,
  });
}

export const opsgenie = new OpenAPIHono<AppEnv>();
opsgenie.on('POST', ['/v2/alerts', '/v2/alerts/'], create);
opsgenie.on('GET', ['/v2/alerts', '/v2/alerts/'], listAlerts);
opsgenie.on(
  'GET',
  ['/v2/alerts/requests/:requestId', '/v2/alerts/requests/:requestId/'],
  getRequestStatus,
);
opsgenie.on(
  'GET',
  [
    '/v2/alerts/count',
    '/v2/alerts/count/',
    '/v2/alerts/saved-searches',
    '/v2/alerts/saved-searches/',
  ],
  unsupported,
);
opsgenie.on('GET', ['/v2/alerts/:identifier', '/v2/alerts/:identifier/'], getAlert);
opsgenie.on(
  'POST',
  ['/v2/alerts/:identifier/close', '/v2/alerts/:identifier/close/'],
  act('close'),
);
opsgenie.on(
  'POST',
  ['/v2/alerts/:identifier/acknowledge', '/v2/alerts/:identifier/acknowledge/'],
  act('acknowledge'),
);
opsgenie.on('POST', ['/v2/alerts/:identifier/notes', '/v2/alerts/:identifier/notes/'], addNote);
opsgenie.all('/v2/alerts/*', unsupported);
documentOpsgenie(opsgenie);
