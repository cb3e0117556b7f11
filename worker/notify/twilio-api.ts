/**
 * Twilio's REST API as Firebell uses it, and nothing more: create a Message or a Call (form-encoded POST,
 * HTTP Basic auth with the account SID and auth token), check X-Twilio-Signature on Twilio's webhooks,
 * and write TwiML. Off unless TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM are set.
 */
import type { Env } from '../env';

type TwilioEnv = Pick<
  Env,
  'TWILIO_ACCOUNT_SID' | 'TWILIO_AUTH_TOKEN' | 'TWILIO_FROM' | 'TWILIO_API_BASE'
>;

export const TWILIO_API_BASE = 'https://api.twilio.com';

/** What Twilio answered: accepted (with the resource's SID), refused for good (4xx), or worth a retry (5xx, 429, no answer). */
export type TwilioOutcome =
  | { kind: 'accepted'; sid: string }
  | { kind: 'refused'; reply: string }
  | { kind: 'retry'; reply: string };

export function twilioConfigured(env: TwilioEnv): boolean {
  return Boolean(env.TWILIO_ACCOUNT_SID && env.TWILIO_AUTH_TOKEN && env.TWILIO_FROM);
}

/** Text `to` (E.164); Twilio posts the message's status changes to `statusCallback` when given. */
export function sendSms(
  env: TwilioEnv,
  to: string,
  body: string,
  statusCallback?: string,
): Promise<TwilioOutcome> {
  return create(env, 'Messages', {
    To: to,
    From: env.TWILIO_FROM ?? '',
    Body: body,
    ...(statusCallback ? { StatusCallback: statusCallback } : {}),
  });
}

/** Call `to` (E.164) and run `twiml` when they answer; Twilio posts the call's end to `statusCallback`. */
export function placeCall(
  env: TwilioEnv,
  to: string,
  twiml: string,
  statusCallback?: string,
): Promise<TwilioOutcome> {
  return create(env, 'Calls', {
    To: to,
    From: env.TWILIO_FROM ?? '',
    Twiml: twiml,
    ...(statusCallback ? { StatusCallback: statusCallback, StatusCallbackMethod: 'POST' } : {}),
  });
}

async function create(
  env: TwilioEnv,
  resource: 'Messages' | 'Calls',
  params: Record<string, string>,
): Promise<TwilioOutcome> {
  const sid = env.TWILIO_ACCOUNT_SID ?? '';
  const base = (env.TWILIO_API_BASE || TWILIO_API_BASE).replace(/\/+$/, '');
  const url = `${base}/2010-04-01/Accounts/${encodeURIComponent(sid)}/${resource}.json`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: {
        authorization: `Basic ${btoa(`${sid}:${env.TWILIO_AUTH_TOKEN ?? ''}`)}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: new URLSearchParams(params).toString(),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (err) {
    return { kind: 'retry', reply: `no answer from Twilio (${(err as Error).message})` };
  }
  const body = (await res.json().catch(() => ({}))) as {
    sid?: string;
    code?: number;
    message?: string;
  };
  if (res.ok && body.sid) return { kind: 'accepted', sid: body.sid };
  // Twilio's errors are JSON: {code, message, more_info, status}.
  const reply = `${res.status} ${body.message ?? res.statusText ?? 'error'}${body.code ? ` (${body.code})` : ''}`;
  return res.status >= 500 || res.status === 429 || res.ok
    ? { kind: 'retry', reply }
    : { kind: 'refused', reply };
}

/**
 * Twilio's request signature: base64 of HMAC-SHA1, keyed by the auth token, over the full URL Twilio
 * called followed by each POST parameter, sorted by name, as name then value with no separator.
 */
export async function twilioSignature(
  authToken: string,
  url: string,
  params: Record<string, string>,
): Promise<string> {
  const data = Object.keys(params)
    .sort()
    .reduce((s, name) => s + name + params[name], url);
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(authToken),
    { name: 'HMAC', hash: 'SHA-1' },
    false,
    ['sign'],
  );
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(data)));
  return btoa(String.fromCharCode(...mac));
}

/** Whether `signature` is Twilio's for this URL and these parameters; compared in constant time. */
export async function validTwilioRequest(
  env: TwilioEnv,
  signature: string | undefined,
  url: string,
  params: Record<string, string>,
): Promise<boolean> {
  if (!signature || !env.TWILIO_AUTH_TOKEN) return false;
  const expected = new TextEncoder().encode(
    await twilioSignature(env.TWILIO_AUTH_TOKEN, url, params),
  );
  const given = new TextEncoder().encode(signature);
  if (given.length !== expected.length) return false;
  let diff = 0;
  for (let i = 0; i < given.length; i++) diff |= given[i]! ^ expected[i]!;
  return diff === 0;
}

export function xml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c,
  );
}

/** A TwiML reply to an inbound text: one message back, or nothing. */
export function messageTwiml(text: string | null): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Response>${text === null ? '' : `<Message>${xml(text)}</Message>`}</Response>`;
}

/** A TwiML reply during a call: say this, then hang up. */
export function sayTwiml(text: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Response><Say>${xml(text)}</Say><Hangup/></Response>`;
}
