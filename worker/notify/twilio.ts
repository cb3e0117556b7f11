/**
 * SMS and voice, through Twilio: a text (reply "ACK 42") or a call ("press 1 to acknowledge") to each of
 * the person's verified numbers, one timeline entry per attempt ("Texted Ana at +447700900123: accepted
 * by Twilio (SM…)"); a 4xx is final and shown, a 5xx, 429 or no answer is retried with the email backoff.
 * The path around Do Not Disturb: phones let chosen callers and repeated calls through (docs/sms-voice.md).
 */
import type { MethodKind } from '../../schema/contact-schemas';
import { getMethod, verifiedMethods, type ContactMethodRecord } from '../directory/contact-methods';
import type { Env } from '../env';
import type { EntryDraft } from '../incident/reducer';
import type { PagedIncident } from '../push/payload';
import { settleAttempt } from './email';
import { placeCall, sendSms, twilioConfigured, xml, type TwilioOutcome } from './twilio-api';
import type { Delivery, Notifier, Recipient } from './types';

type PhoneKind = Extract<MethodKind, 'sms' | 'voice'>;

const VERB: Record<PhoneKind, { done: string; could: string; name: string }> = {
  sms: { done: 'Texted', could: 'text', name: 'SMS' },
  voice: { done: 'Called', could: 'call', name: 'Voice calls' },
};

/** What a text page says: short enough for one or two segments, and how to answer it. */
export function smsText(incident: PagedIncident): string {
  const service = incident.serviceName ? ` (${incident.serviceName})` : '';
  const title = incident.title.length > 100 ? `${incident.title.slice(0, 99)}…` : incident.title;
  return `Firebell #${incident.number} ${incident.severity}: ${title}${service}. Reply ACK ${incident.number} to acknowledge, RES ${incident.number} to resolve.`;
}

/** What a call says, inside a one-key Gather whose answer comes back to /hooks/twilio/voice. */
export function callTwiml(incident: PagedIncident, origin: string): string {
  const title = incident.title.length > 200 ? incident.title.slice(0, 200) : incident.title;
  const service = incident.serviceName ? ` on ${incident.serviceName}` : '';
  const say = `Firebell page. Incident ${incident.number}, ${incident.severity}${service}: ${title}. Press 1 to acknowledge.`;
  const action = `${origin}/hooks/twilio/voice?incident=${encodeURIComponent(incident.id)}`;
  return `<?xml version="1.0" encoding="UTF-8"?><Response><Gather numDigits="1" action="${xml(action)}" method="POST" timeout="8"><Say>${xml(say)}</Say><Pause length="1"/><Say>${xml(say)}</Say></Gather><Say>No key was pressed. Goodbye.</Say></Response>`;
}

function phoneNotifier(kind: PhoneKind): Notifier {
  const retryKind = `${kind}-retry`;
  const verb = VERB[kind];
  const skipped = (user: Recipient, text: string): Delivery => ({
    status: 'skipped',
    entry: { kind: 'notification_failed', text, data: { userId: user.id, channel: kind } },
  });

  async function attempt(
    env: Env,
    user: Recipient,
    method: ContactMethodRecord,
    incident: PagedIncident,
    attemptNo: number,
    now: number,
  ): Promise<Delivery> {
    const origin = (env.PUBLIC_URL ?? '').replace(/\/+$/, '');
    const outcome =
      kind === 'sms'
        ? await sendSms(env, method.address, smsText(incident))
        : await placeCall(env, method.address, callTwiml(incident, origin));
    return settleAttempt(env, retryKind, user, method, outcome, attemptNo, now, (retrying) =>
      entry(user, method, outcome, attemptNo, retrying),
    );
  }

  function entry(
    user: Recipient,
    method: ContactMethodRecord,
    outcome: TwilioOutcome,
    attemptNo: number,
    retrying: boolean,
  ): EntryDraft {
    const how =
      outcome.kind === 'accepted'
        ? `accepted by Twilio (${outcome.sid})`
        : outcome.kind === 'refused'
          ? `refused by Twilio: ${outcome.reply}`
          : `not delivered: ${outcome.reply}${retrying ? '; will retry' : '; gave up'}`;
    return {
      kind: outcome.kind === 'accepted' ? 'notification_sent' : 'notification_failed',
      text: `${verb.done} ${user.name} at ${method.address}: ${how}${attemptNo > 1 ? ` (attempt ${attemptNo})` : ''}`,
      data: {
        userId: user.id,
        channel: kind,
        methodId: method.id,
        outcome: outcome.kind,
        attempt: attemptNo,
        ...(outcome.kind === 'accepted' ? { twilioSid: outcome.sid } : {}),
      },
    };
  }

  return {
    retryKind,
    channel: kind,

    async notify(env, { recipient, incident, now, known }) {
      const methods =
        known?.methods.filter((m) => m.kind === kind) ??
        (await verifiedMethods(env.DB, recipient.id, kind));
      if (!methods.length)
        return [
          skipped(
            recipient,
            `Could not ${verb.could} ${recipient.name}: no verified phone number for ${kind === 'sms' ? 'SMS' : 'calls'}`,
          ),
        ];
      if (!twilioConfigured(env))
        return [
          skipped(
            recipient,
            `Could not ${verb.could} ${recipient.name}: ${verb.name} are not configured on this server (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM)`,
          ),
        ];
      return Promise.all(methods.map((m) => attempt(env, recipient, m, incident, 1, now)));
    },

    async retry(env, data, incident, now) {
      const recipient = { id: String(data.userId), name: String(data.userName) };
      const method = await getMethod(env.DB, recipient.id, String(data.methodId));
      if (!method?.verified || !twilioConfigured(env)) return [];
      return [await attempt(env, recipient, method, incident, Number(data.attempt), now)];
    },
  };
}

export const sms = phoneNotifier('sms');
export const voice = phoneNotifier('voice');
