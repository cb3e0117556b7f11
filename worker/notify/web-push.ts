/**
 * Web Push, the first notifier: a page to every device the person registered, one timeline entry per
 * device, and retries with backoff where the push service asks for them.
 */
import type { EntryDraft } from '../incident/reducer';
import { describeOutcome } from '../push/sender';
import { pageUser, retryPage, type PageAttempt } from './push-devices';
import type { Delivery, Notifier, Recipient } from './types';

const PUSH_RETRY = 'push-retry';

export const MAX_PUSH_ATTEMPTS = 5;

/** Backoff for a push service that asked us to retry: honour Retry-After, else 5 s, 10 s, 20 s … capped at 5 min. */
export function pushRetryDelayMs(attempt: number, retryAfterMs?: number): number {
  const backoff = Math.min(300_000, 5_000 * 2 ** Math.max(0, attempt - 1));
  return Math.max(backoff, retryAfterMs ?? 0);
}

export const webPush: Notifier = {
  retryKind: PUSH_RETRY,
  channel: 'push',

  async notify(env, { recipient, incident, now, known }) {
    let attempts: PageAttempt[] = [];
    try {
      attempts = await pageUser(env, recipient, incident, now, undefined, known?.devices);
    } catch (err) {
      // A push failure must never stop escalation: it reads as a person Firebell could not page.
      console.error(`paging ${recipient.id} failed`, err);
    }
    if (!attempts.length)
      return [
        {
          status: 'skipped',
          entry: {
            kind: 'notification_failed',
            text: `Could not page ${recipient.name}: no device registered for push`,
            data: { userId: recipient.id },
          },
        },
      ];
    return attempts.map((attempt) => delivery(recipient, attempt, 1, now));
  },

  async retry(env, data, incident, now) {
    const recipient = { id: String(data.userId), name: String(data.userName) };
    const attempt = await retryPage(env, recipient.id, String(data.subscriptionId), incident, now);
    return attempt ? [delivery(recipient, attempt, Number(data.attempt), now)] : [];
  },
};

function delivery(user: Recipient, attempt: PageAttempt, attemptNo: number, now: number): Delivery {
  const { outcome } = attempt;
  const result: Delivery = {
    status: outcome.kind === 'sent' ? 'delivered' : 'failed',
    entry: attemptEntry(user, attempt, attemptNo),
  };
  if (outcome.kind === 'sent') result.address = attempt.subscriptionId;
  if (outcome.kind === 'retry' && attemptNo < MAX_PUSH_ATTEMPTS)
    result.retry = {
      id: `${PUSH_RETRY}:${attempt.subscriptionId}`,
      kind: PUSH_RETRY,
      at: now + pushRetryDelayMs(attemptNo, outcome.retryAfterMs),
      data: {
        userId: user.id,
        userName: user.name,
        subscriptionId: attempt.subscriptionId,
        attempt: attemptNo + 1,
      },
    };
  return result;
}

/**
 * One attempt as a timeline entry. Retries of one page to one device carry the same subscriptionId and
 * the next attempt number, which is how the PWA and the review fold them into one line (schema/timeline.ts).
 */
function attemptEntry(user: Recipient, attempt: PageAttempt, attemptNo: number): EntryDraft {
  const sent = attempt.outcome.kind === 'sent';
  const retry = attemptNo > 1 ? ` (attempt ${attemptNo})` : '';
  return {
    kind: sent ? 'notification_sent' : 'notification_failed',
    text: `Paged ${user.name} on ${attempt.deviceLabel}: ${describeOutcome(attempt.outcome, attemptNo < MAX_PUSH_ATTEMPTS)}${retry}`,
    data: {
      userId: user.id,
      subscriptionId: attempt.subscriptionId,
      outcome: attempt.outcome.kind,
      status: attempt.outcome.status,
      attempt: attemptNo,
    },
  };
}
