/**
 * What a drill sends: a low-urgency test page to each of a person's push devices (its action token names
 * the drill, so the service worker's receipt settles the check), a test message to each verified email
 * address (the mail server accepting it settles it), and a test text or call to each verified phone (Twilio's
 * status callback settles it: /hooks/twilio/drill-status); and the notice a failed drill sends to people.
 */
import { verifiedMethods } from '../directory/contact-methods';
import {
  markSubscriptionFailure,
  markSubscriptionSuccess,
  removeSubscription,
  subscriptionsForUser,
  type PushSubscriptionRecord,
} from '../directory/push-subscriptions';
import type { Env } from '../env';
import { sendMail, smtpConfigured, type Mail } from '../notify/smtp';
import { placeCall, sendSms, twilioConfigured, xml } from '../notify/twilio-api';
import { ACTION_TOKEN_LIFETIME_MS, signActionToken } from '../push/action-token';
import { buildPagePayload, drillPageId } from '../push/payload';
import { describeOutcome, sendPage, topicFor } from '../push/sender';
import type { NewCheck } from './store';

/** A drilled method's first outcome: waiting for the receipt (push sent), or settled already. */
export type SendResult =
  | { methodId: string; status: 'waiting' }
  | { methodId: string; status: 'passed'; at: number }
  | { methodId: string; status: 'failed'; detail: string };

/** A person's methods a drill covers: every device that pages them, and every verified address and phone. */
export async function drillMethods(
  env: Env,
  userId: string,
): Promise<{ check: NewCheck; device?: PushSubscriptionRecord; address?: string }[]> {
  const phones = twilioConfigured(env);
  const [devices, emails, texts, calls] = await Promise.all([
    subscriptionsForUser(env.DB, userId),
    smtpConfigured(env) ? verifiedMethods(env.DB, userId, 'email') : Promise.resolve([]),
    phones ? verifiedMethods(env.DB, userId, 'sms') : Promise.resolve([]),
    phones ? verifiedMethods(env.DB, userId, 'voice') : Promise.resolve([]),
  ]);
  return [
    ...devices.map((d) => ({
      check: { userId, channel: 'push' as const, methodId: d.id, label: d.label },
      device: d,
    })),
    ...emails.map((m) => ({
      check: { userId, channel: 'email' as const, methodId: m.id, label: m.address },
      address: m.address,
    })),
    ...(['sms', 'voice'] as const).flatMap((channel) =>
      (channel === 'sms' ? texts : calls).map((m) => ({
        check: { userId, channel, methodId: m.id, label: m.address },
        address: m.address,
      })),
    ),
  ];
}

/** Send the drill page to one device. */
export async function drillPush(
  env: Env,
  drillId: string,
  device: PushSubscriptionRecord,
  receiptMinutes: number,
  now: number,
): Promise<SendResult> {
  const incidentId = drillPageId(drillId);
  const actionToken = await signActionToken(env.SESSION_SECRET, {
    userId: device.userId,
    incidentId,
    subscriptionId: device.id,
    exp: now + ACTION_TOKEN_LIFETIME_MS,
  });
  const payload = buildPagePayload({
    kind: 'test',
    incident: {
      id: incidentId,
      number: 0,
      title: 'Firebell drill',
      serviceName: 'Firebell',
      severity: 'info',
      alertCount: 0,
    },
    actionToken,
    sentAt: now,
  });
  // Normal, not low, Urgency: a push service may hold a "low" message until the phone charges, which
  // would fail a drill the real (high urgency) page would pass. Low urgency here means no Acknowledge, no wake-up.
  const outcome = await sendPage(env, device, payload, {
    ttlSeconds: receiptMinutes * 60,
    urgency: 'normal',
    topic: await topicFor(incidentId),
  });
  try {
    if (outcome.kind === 'sent') await markSubscriptionSuccess(env.DB, device.id, now);
    else if (outcome.kind === 'gone') await removeSubscription(env.DB, device.id);
    else await markSubscriptionFailure(env.DB, device.id, now, describeOutcome(outcome, false));
  } catch (err) {
    console.error(`could not record drill outcome for ${device.id}`, err);
  }
  return outcome.kind === 'sent'
    ? { methodId: device.id, status: 'waiting' }
    : { methodId: device.id, status: 'failed', detail: describeOutcome(outcome, false) };
}

/** Send the drill message to one address: passed once the mail server accepts it. */
export async function drillEmail(
  env: Env,
  methodId: string,
  address: string,
  clock: () => number,
): Promise<SendResult> {
  const outcome = await sendMail(env, {
    to: address,
    subject: 'Firebell drill: this address gets your pages',
    text: 'This is a Firebell page drill before your on-call shift. Nothing to do: the mail server accepting it is the test.\r\n',
    html: '<!doctype html><html><body style="font-family:system-ui,sans-serif"><p>This is a Firebell page drill before your on-call shift.</p><p>Nothing to do: the mail server accepting it is the test.</p></body></html>',
    headers: { 'Auto-Submitted': 'auto-generated' },
  });
  if (outcome.kind === 'accepted') return { methodId, status: 'passed', at: clock() };
  return {
    methodId,
    status: 'failed',
    detail:
      outcome.kind === 'refused'
        ? `refused by the mail server: ${outcome.reply}`
        : `not accepted by the mail server: ${outcome.reply}`,
  };
}

/** Where Twilio reports a drill text's or call's status: signed by Twilio, naming the drill and the method. */
export function drillStatusUrl(env: Env, drillId: string, methodId: string): string {
  const origin = (env.PUBLIC_URL ?? '').replace(/\/+$/, '');
  return `${origin}/hooks/twilio/drill-status?drill=${encodeURIComponent(drillId)}&method=${encodeURIComponent(methodId)}`;
}

export const DRILL_TEXT =
  'Firebell page drill before your on-call shift: this number gets your texts. Nothing to do, no reply needed.';
const DRILL_SAY =
  'This is a Firebell page drill before your on-call shift. This number gets your page calls. Nothing to do. Goodbye.';

/**
 * Text or call one number. Twilio accepting it is not the test: the check waits for its status callback
 * (a text delivered, a call answered and completed); Twilio refusing it (a 4xx, 5xx or no answer) fails it now.
 */
export async function drillPhone(
  env: Env,
  drillId: string,
  kind: 'sms' | 'voice',
  methodId: string,
  number: string,
): Promise<SendResult> {
  const callback = drillStatusUrl(env, drillId, methodId);
  const outcome =
    kind === 'sms'
      ? await sendSms(env, number, DRILL_TEXT, callback)
      : await placeCall(
          env,
          number,
          `<?xml version="1.0" encoding="UTF-8"?><Response><Say>${xml(DRILL_SAY)}</Say></Response>`,
          callback,
        );
  if (outcome.kind === 'accepted') return { methodId, status: 'waiting' };
  return {
    methodId,
    status: 'failed',
    detail:
      outcome.kind === 'refused'
        ? `refused by Twilio: ${outcome.reply}`
        : `not accepted by Twilio: ${outcome.reply}`,
  };
}

/** Tell one person something over the given devices and addresses; failures are logged, never thrown. */
export async function sendNotice(
  env: Env,
  to: {
    devices: readonly PushSubscriptionRecord[];
    addresses: readonly string[];
    texts?: readonly string[];
  },
  notice: { title: string; text: string },
  now: number,
): Promise<void> {
  const payload = buildPagePayload({
    kind: 'test',
    incident: {
      id: 'drill-notice',
      number: 0,
      title: notice.title,
      serviceName: 'Firebell',
      severity: 'info',
      alertCount: 0,
    },
    actionToken: '',
    sentAt: now,
  });
  const pushed = { ...payload, body: notice.text.slice(0, 300), url: '/oncall' };
  const mail = (address: string): Mail => ({
    to: address,
    subject: notice.title,
    text: `${notice.text}\r\n`,
    html: `<!doctype html><html><body style="font-family:system-ui,sans-serif"><p>${esc(notice.text)}</p></body></html>`,
    headers: { 'Auto-Submitted': 'auto-generated' },
  });
  const sends: Promise<unknown>[] = [
    ...to.devices.map((d) =>
      sendPage(env, d, pushed, { ttlSeconds: 3600, urgency: 'normal', topic: 'firebell-drill' }),
    ),
    ...(smtpConfigured(env) ? to.addresses.map((a) => sendMail(env, mail(a))) : []),
    ...(twilioConfigured(env)
      ? (to.texts ?? []).map((n) =>
          sendSms(env, n, `${notice.title}. ${notice.text}`.slice(0, 600)),
        )
      : []),
  ];
  const results = await Promise.allSettled(sends);
  for (const r of results)
    if (r.status === 'rejected') console.error('drill notice failed', r.reason);
}

function esc(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}
