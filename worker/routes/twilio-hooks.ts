/**
 * Requests from Twilio: an inbound text (/hooks/twilio/sms, "ACK 42" acknowledges #42, "RES 42" resolves
 * it) and the key pressed during a page call (/hooks/twilio/voice, the <Gather> action: 1 acknowledges).
 * Each is verified with X-Twilio-Signature; a forged or unsigned request gets 403 and changes nothing.
 * The phone number must be a verified SMS or voice method of an active Firebell user, who acts as
 * themselves. Twilio's own message or call SID is the idempotency key, so a redelivery acts once.
 * Also Twilio's status callback for a drill's text or call (/hooks/twilio/drill-status?drill=…&method=…):
 * delivered (a text) or completed (a call answered) passes the drill check; failed, undelivered, busy or
 * no-answer fails it. The signature covers the query, so only Twilio can name the drill and method.
 */
import { Hono, type Context } from 'hono';
import type { IncidentCommand } from '../../schema/incident';
import type { AppEnv } from '../app-env';
import { phoneOwner } from '../directory/contact-methods';
import { incidentIdByNumber } from '../directory/incident-index';
import { drillsStub } from '../drills/object';
import { recordPhoneStatus, type PhoneStatus } from '../drills/store';
import { now } from '../clock';
import { limitBody } from '../edge';
import { forbidden, notFound } from '../errors';
import type { CommandResult } from '../incident/object';
import { messageTwiml, sayTwiml, twilioConfigured, validTwilioRequest } from '../notify/twilio-api';
import { incidentStub } from '../stubs';

export const twilioHooks = new Hono<AppEnv>();
twilioHooks.use('*', limitBody(16 * 1024));

type Owner = NonNullable<Awaited<ReturnType<typeof phoneOwner>>>;

/**
 * The URL Twilio signed: the one configured at Twilio, i.e. PUBLIC_URL's origin with this path and query
 * (a proxy in front may have changed the host the Worker sees).
 */
function signedUrl(c: Context<AppEnv>): string {
  const seen = new URL(c.req.url);
  const origin = c.env.PUBLIC_URL ? new URL(c.env.PUBLIC_URL).origin : seen.origin;
  return `${origin}${seen.pathname}${seen.search}`;
}

/** The form Twilio posted, once its signature checks out; else 403 (404 while Twilio is not configured). */
async function verified(c: Context<AppEnv>): Promise<Record<string, string>> {
  if (!twilioConfigured(c.env)) throw notFound('SMS and voice are not configured on this server.');
  // Twilio posts a form; read its bytes as they came (text() on a form body warns in workerd).
  const form = new URLSearchParams(new TextDecoder().decode(await c.req.arrayBuffer()));
  const params: Record<string, string> = {};
  for (const [name, value] of form) params[name] = value;
  const ok = await validTwilioRequest(
    c.env,
    c.req.header('x-twilio-signature'),
    signedUrl(c),
    params,
  );
  if (!ok)
    throw forbidden(
      'X-Twilio-Signature is missing or does not match this URL and form: the request did not come from Twilio.',
    );
  return params;
}

const twiml = (c: Context<AppEnv>, body: string) =>
  c.body(body, 200, { 'content-type': 'text/xml; charset=utf-8' });

/** Run a command as the phone's owner; what to tell them. */
async function act(
  c: Context<AppEnv>,
  owner: Owner,
  incidentId: string,
  command: IncidentCommand,
  key: string,
): Promise<string> {
  const result = (await incidentStub(c.env, incidentId).command(
    command,
    { kind: 'user', id: owner.userId, name: owner.name },
    key,
  )) as CommandResult;
  if (!result.ok) return result.problem.detail ?? 'Firebell could not do that.';
  const { incident } = result;
  const label = `#${incident.number} ${incident.title}`;
  if (incident.status === 'resolved')
    return command.type === 'resolve' && incident.resolvedBy?.id === owner.userId
      ? `You resolved ${label}.`
      : `${label} is already resolved.`;
  const by = incident.acknowledgedBy;
  return by?.id === owner.userId
    ? `You acknowledged ${label}. The others can see you are on it.`
    : `${label} is ${incident.status}${by ? ` (acknowledged by ${by.name})` : ''}.`;
}

const COMMAND = /^\s*(ack|acknowledge|res|resolve)\s*#?\s*(\d{1,9})\s*[.!]?\s*$/i;
const HELP = 'Reply ACK 42 to acknowledge incident #42, or RES 42 to resolve it.';

twilioHooks.post('/sms', async (c) => {
  const params = await verified(c);
  const owner = await phoneOwner(c.env.DB, params.From ?? '');
  if (!owner)
    return twiml(
      c,
      messageTwiml(
        'This number is not a verified phone in Firebell, so nothing was changed. Add and verify it under Settings first.',
      ),
    );
  const m = COMMAND.exec(params.Body ?? '');
  if (!m) return twiml(c, messageTwiml(HELP));
  if (owner.role === 'viewer')
    return twiml(c, messageTwiml('Viewers can watch an incident but not change it.'));
  const number = Number(m[2]);
  const incidentId = await incidentIdByNumber(c.env.DB, number);
  if (!incidentId) return twiml(c, messageTwiml(`There is no incident #${number}. ${HELP}`));
  const command: IncidentCommand = m[1]!.toLowerCase().startsWith('ack')
    ? { type: 'acknowledge' }
    : { type: 'resolve' };
  const said = await act(c, owner, incidentId, command, `twilio-sms:${params.MessageSid ?? ''}`);
  return twiml(c, messageTwiml(said));
});

twilioHooks.post('/voice', async (c) => {
  const params = await verified(c);
  const incidentId = c.req.query('incident');
  // Firebell placed the call: the person is the number called; on a call they made, the caller.
  const inbound = params.Direction === 'inbound';
  const owner = await phoneOwner(c.env.DB, (inbound ? params.From : params.To) ?? '');
  if (!owner || !incidentId)
    return twiml(c, sayTwiml('This number is not verified in Firebell. Nothing was changed.'));
  if (params.Digits !== '1')
    return twiml(c, sayTwiml('Not acknowledged. Open Firebell to respond. Goodbye.'));
  if (owner.role === 'viewer') return twiml(c, sayTwiml('Viewers cannot acknowledge. Goodbye.'));
  const said = await act(
    c,
    owner,
    incidentId,
    { type: 'acknowledge' },
    `twilio-call:${params.CallSid ?? ''}`,
  );
  return twiml(c, sayTwiml(said));
});

/** A text's or call's status, as a drill check reads it (Twilio's MessageStatus / CallStatus values). */
function drillStatus(params: Record<string, string>, at: number): PhoneStatus {
  const error = params.ErrorCode ? ` (error ${params.ErrorCode})` : '';
  if (params.MessageStatus !== undefined) {
    const status = params.MessageStatus;
    if (status === 'delivered' || status === 'read') return { kind: 'passed', at };
    if (status === 'failed' || status === 'undelivered' || status === 'canceled')
      return { kind: 'failed', detail: `Twilio reports the text ${status}${error}` };
    return { kind: 'progress', status };
  }
  const status = params.CallStatus ?? '';
  if (status === 'completed' || status === 'in-progress') return { kind: 'passed', at };
  if (status === 'busy' || status === 'no-answer' || status === 'failed' || status === 'canceled')
    return {
      kind: 'failed',
      detail: `Twilio reports the call ${status === 'no-answer' ? 'not answered' : status}${error}`,
    };
  return { kind: 'progress', status };
}

twilioHooks.post('/drill-status', async (c) => {
  const params = await verified(c);
  const drillId = c.req.query('drill') ?? '';
  const methodId = c.req.query('method') ?? '';
  const settled = await recordPhoneStatus(c.env.DB, drillId, methodId, drillStatus(params, now()));
  // Recorded either way: if the drill object cannot be reached now, its deadline alarm finishes the drill.
  if (settled)
    await drillsStub(c.env, settled.teamId)
      .settle(drillId)
      .catch((err: unknown) => console.error(`could not settle drill ${drillId}`, err));
  return c.body(null, 204);
});
