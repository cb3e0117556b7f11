/**
 * Set-up shared by the email, SMS/voice and drill tests: contact methods verified straight in D1, a
 * person's notification rules, what the SMTP server (test/setup/smtp-server.mjs) received for an address,
 * and the Twilio stand-in (test/setup/twilio-stand-in.mjs). Both receivers are shared by test files that run
 * at once, so every address and number made here is unique, and everything read back is keyed by it.
 */
import { SELF, env } from 'cloudflare:test';
import { inject } from 'vitest';
import type { MethodKind } from '../../schema/contact-schemas';
import { newId } from '../../worker/ids';
import { api, json, type TestUser } from '../helpers';

/** An email address no other test uses. */
export const newAddress = (prefix = 'ana') =>
  `${prefix}-${crypto.randomUUID().slice(0, 12)}@example.test`;

/** A UK mobile number (E.164) no other test uses. */
export const newNumber = () =>
  `+4477${Array.from(crypto.getRandomValues(new Uint8Array(9)), (b) => b % 10).join('')}`;

/**
 * A contact method verified straight in D1, for tests about paging or drills rather than verifying (and for
 * a refusing mail server or number, whose code could never arrive). Returns the address.
 */
export async function verifiedMethod(
  user: TestUser,
  kind: MethodKind,
  address: string = kind === 'email' ? newAddress(user.name.toLowerCase()) : newNumber(),
): Promise<string> {
  await env.DB.prepare(
    'INSERT INTO contact_methods (id, user_id, kind, address, verified_at, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  )
    .bind(newId('cm'), user.id, kind, address, Date.now(), Date.now())
    .run();
  return address;
}

/** The person's rules, the same steps for high and low urgency, any hour. */
export async function setRules(user: TestUser, high: { afterMinutes: number; channel: string }[]) {
  await json(
    api('/api/notification-rules', {
      method: 'PUT',
      body: { high, low: high, workingHours: null },
      headers: user.auth,
    }),
    200,
  );
}

export interface Mail {
  subject: string;
  text: string;
  html: string;
  from: string;
  headers: Record<string, string>;
}

/** What the SMTP server received for `to`, oldest first. */
export async function mailbox(to: string): Promise<Mail[]> {
  return (await fetch(`${inject('mailbox')}/received/${encodeURIComponent(to)}`)).json<Mail[]>();
}

export interface Sent {
  resource: 'Messages' | 'Calls';
  params: Record<string, string>;
  sid: string;
}

/** A request to the Twilio stand-in's own control routes. */
export const twilioStandIn = (path: string, init?: RequestInit) =>
  fetch(`${inject('twilioApi')}${path}`, init);

/** The texts and calls the Twilio stand-in accepted for `to`, oldest first. */
export const sentTo = async (to: string) =>
  (await twilioStandIn(`/sent/${encodeURIComponent(to)}`)).json<Sent[]>();

/** The next requests to `to` answer these statuses in turn (then 201). */
export const scriptTwilio = (to: string, statuses: number[]) =>
  twilioStandIn(`/script/${encodeURIComponent(to)}`, {
    method: 'PUT',
    body: JSON.stringify(statuses),
  });

/** X-Twilio-Signature for a callback to `url`, computed by the stand-in (node:crypto, as Twilio documents). */
export const signedBy = async (url: string, params: Record<string, string>) =>
  (
    await (
      await twilioStandIn('/sign', { method: 'POST', body: JSON.stringify({ url, params }) })
    ).json<{ signature: string }>()
  ).signature;

/** A callback from Twilio, posted to the Worker: signed as Twilio signs unless a signature is given. */
export async function fromTwilio(
  url: string,
  params: Record<string, string>,
  signature?: string,
): Promise<Response> {
  const signed = signature ?? (await signedBy(url, params));
  return SELF.fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(signed ? { 'x-twilio-signature': signed } : {}),
    },
    body: new URLSearchParams(params).toString(),
  });
}
