/**
 * Email, the second notifier: one message to each of the person's verified addresses, one timeline entry
 * per attempt ("Emailed Ana at ana@example.com: accepted by the mail server"), a 5xx refusal final and
 * shown, a 4xx or lost connection retried with backoff through the incident's scheduler.
 */
import {
  getMethod,
  markOutcome,
  verifiedMethods,
  type ContactMethodRecord,
} from '../directory/contact-methods';
import type { Env } from '../env';
import type { EntryDraft } from '../incident/reducer';
import { ACTION_TOKEN_LIFETIME_MS, signActionToken } from '../push/action-token';
import type { PagedIncident } from '../push/payload';
import { pageMail } from './email-message';
import { sendMail, smtpConfigured, type SmtpOutcome } from './smtp';
import type { Delivery, Notifier, Recipient } from './types';

const EMAIL_RETRY = 'email-retry';

export const MAX_EMAIL_ATTEMPTS = 5;

/** 30 s, 1 min, 2 min, 4 min: a greylisting server (451) usually lets the second or third try through. */
export function emailRetryDelayMs(attempt: number): number {
  return Math.min(600_000, 30_000 * 2 ** Math.max(0, attempt - 1));
}

export const email: Notifier = {
  retryKind: EMAIL_RETRY,
  channel: 'email',

  async notify(env, { recipient, incident, now, known }) {
    const methods =
      known?.methods.filter((m) => m.kind === 'email') ??
      (await verifiedMethods(env.DB, recipient.id, 'email'));
    if (!methods.length)
      return [skipped(recipient, `Could not email ${recipient.name}: no verified email address`)];
    if (!smtpConfigured(env))
      return [
        skipped(
          recipient,
          `Could not email ${recipient.name}: email is not configured on this server (SMTP_HOST, MAIL_FROM)`,
        ),
      ];
    return Promise.all(methods.map((m) => attempt(env, recipient, m, incident, 1, now)));
  },

  async retry(env, data, incident, now) {
    const recipient = { id: String(data.userId), name: String(data.userName) };
    const method = await getMethod(env.DB, recipient.id, String(data.methodId));
    if (!method?.verified || !smtpConfigured(env)) return [];
    return [await attempt(env, recipient, method, incident, Number(data.attempt), now)];
  },
};

async function attempt(
  env: Env,
  user: Recipient,
  method: ContactMethodRecord,
  incident: PagedIncident,
  attemptNo: number,
  now: number,
): Promise<Delivery> {
  // The same signing and expiry as a push page's token; the method id revokes it when the address is removed.
  const token = await signActionToken(env.SESSION_SECRET, {
    userId: user.id,
    incidentId: incident.id,
    subscriptionId: method.id,
    exp: now + ACTION_TOKEN_LIFETIME_MS,
  });
  const origin = (env.PUBLIC_URL ?? '').replace(/\/+$/, '');
  const outcome = await sendMail(env, pageMail({ to: method.address, incident, origin, token }));
  return settleAttempt(env, EMAIL_RETRY, user, method, outcome, attemptNo, now, (retrying) =>
    entry(user, method, outcome, attemptNo, retrying),
  );
}

/** What every contact method's send answers: accepted, refused for good, or worth another try. */
export type ContactOutcome = { kind: 'accepted' } | { kind: 'refused' | 'retry'; reply: string };

/**
 * One attempt on a contact method (email, SMS, voice), settled: the outcome recorded on the method, and a
 * Delivery whose retry task follows the email backoff while a `retry` outcome has attempts left.
 */
export async function settleAttempt(
  env: Env,
  retryKind: string,
  user: Recipient,
  method: ContactMethodRecord,
  outcome: ContactOutcome,
  attemptNo: number,
  now: number,
  entryFor: (retrying: boolean) => EntryDraft,
): Promise<Delivery> {
  try {
    await markOutcome(env.DB, method.id, now, outcome.kind === 'accepted' ? null : outcome.reply);
  } catch (err) {
    console.error(`could not record the ${retryKind} outcome for ${method.id}`, err);
  }
  const retrying = outcome.kind === 'retry' && attemptNo < MAX_EMAIL_ATTEMPTS;
  const result: Delivery = {
    status: outcome.kind === 'accepted' ? 'delivered' : 'failed',
    entry: entryFor(retrying),
  };
  if (retrying)
    result.retry = {
      id: `${retryKind}:${method.id}`,
      kind: retryKind,
      at: now + emailRetryDelayMs(attemptNo),
      data: { userId: user.id, userName: user.name, methodId: method.id, attempt: attemptNo + 1 },
    };
  return result;
}

function entry(
  user: Recipient,
  method: ContactMethodRecord,
  outcome: SmtpOutcome,
  attemptNo: number,
  retrying: boolean,
): EntryDraft {
  const how =
    outcome.kind === 'accepted'
      ? 'accepted by the mail server'
      : outcome.kind === 'refused'
        ? `refused by the mail server: ${outcome.reply}`
        : `not delivered: ${outcome.reply}${retrying ? '; will retry' : '; gave up'}`;
  const retry = attemptNo > 1 ? ` (attempt ${attemptNo})` : '';
  return {
    kind: outcome.kind === 'accepted' ? 'notification_sent' : 'notification_failed',
    text: `Emailed ${user.name} at ${method.address}: ${how}${retry}`,
    data: {
      userId: user.id,
      channel: 'email',
      methodId: method.id,
      outcome: outcome.kind,
      attempt: attemptNo,
    },
  };
}

function skipped(user: Recipient, text: string): Delivery {
  return {
    status: 'skipped',
    entry: { kind: 'notification_failed', text, data: { userId: user.id, channel: 'email' } },
  };
}
