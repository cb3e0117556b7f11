/**
 * How the status page's fan-out (push-queue.ts) reaches one kind of subscriber. Each channel pages through its
 * own table (only confirmed addresses for email), loads the subscribers a retry is owed to, sends one update, and says what happened in one vocabulary:
 * sent, gone (the subscriber no longer exists there: remove it), failed (final), or retry (maybe after a delay).
 */
import type { StatusPushPayload } from '../../schema/status-subscriber-schemas';
import {
  deleteSubscribers,
  subscribersAfter,
  subscribersByIds,
  type StatusSubscriber,
} from '../directory/status-subscribers';
import {
  confirmedAfter,
  confirmedByIds,
  deleteEmailSubscribers,
  type EmailSubscriber,
} from '../directory/status-email-subscribers';
import type { Env } from '../env';
import { sendMail, smtpConfigured } from '../notify/smtp';
import { sendPage, topicFor, vapidConfigured } from '../push/sender';
import { pageName } from './email-subscribers';
import { updateMail } from './status-mail';
import { unsubscribeToken, unsubscribeUrl } from './subscribers';

/** One public update to tell every subscriber. */
export interface StatusPushJob {
  /** The publication: the notification's tag and the push Topic, so a later update replaces an unseen one. */
  publicationId: string;
  title: string;
  body: string;
  /** Absolute origin the links in the message point to. */
  origin: string;
  sentAt: number;
}

export type FanOutOutcome =
  { kind: 'sent' | 'gone' | 'failed' } | { kind: 'retry'; retryAfterMs?: number };

export interface FanOutChannel {
  name: string;
  /** Whether this deployment can send on the channel at all (keys, a mail server). */
  ready(env: Env): boolean;
  after(db: D1Database, afterId: string, limit: number): Promise<{ id: string }[]>;
  byIds(db: D1Database, ids: readonly string[]): Promise<{ id: string }[]>;
  send(env: Env, subscriber: { id: string }, job: StatusPushJob): Promise<FanOutOutcome>;
  remove(db: D1Database, ids: readonly string[]): Promise<void>;
}

/** A status update is news for a few hours; after that the page says it better. */
export const STATUS_TTL_SECONDS = 6 * 3600;

const clip = (text: string, max: number) =>
  [...text].length <= max ? text : `${[...text].slice(0, max - 1).join('')}…`;

export const pushChannel: FanOutChannel = {
  name: 'push',
  ready: vapidConfigured,
  after: subscribersAfter,
  byIds: subscribersByIds,
  remove: deleteSubscribers,
  async send(env, s, job) {
    const token = await unsubscribeToken(env.SESSION_SECRET, s.id);
    const payload: StatusPushPayload = {
      kind: 'status',
      tag: `status-${job.publicationId}`,
      title: clip(job.title, 160),
      body: clip(job.body, 400),
      url: '/status',
      unsubscribeUrl: unsubscribeUrl(job.origin, token),
      sentAt: job.sentAt,
    };
    const outcome = await sendPage(env, s as StatusSubscriber, payload, {
      ttlSeconds: STATUS_TTL_SECONDS,
      urgency: 'normal',
      topic: await topicFor(`status:${job.publicationId}`),
    });
    switch (outcome.kind) {
      case 'sent':
      case 'gone':
        return { kind: outcome.kind };
      case 'retry':
        return outcome.retryAfterMs === undefined
          ? { kind: 'retry' }
          : { kind: 'retry', retryAfterMs: outcome.retryAfterMs };
      case 'rejected':
        return { kind: 'failed' };
    }
  },
};

export const emailChannel: FanOutChannel = {
  name: 'email',
  ready: smtpConfigured,
  after: confirmedAfter,
  byIds: confirmedByIds,
  remove: deleteEmailSubscribers,
  async send(env, s, job) {
    const token = await unsubscribeToken(env.SESSION_SECRET, s.id);
    const outcome = await sendMail(
      env,
      updateMail({
        to: (s as EmailSubscriber).email,
        pageName: pageName(env),
        pageUrl: `${job.origin}/status`,
        title: job.title,
        body: job.body,
        unsubscribeUrl: unsubscribeUrl(job.origin, token),
      }),
    );
    // A 5xx is final for this update (the address stays: one bounce is not a reason to forget it).
    if (outcome.kind === 'accepted') return { kind: 'sent' };
    return outcome.kind === 'refused' ? { kind: 'failed' } : { kind: 'retry' };
  },
};
