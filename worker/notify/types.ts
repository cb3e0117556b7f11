/**
 * The seam between paging and the ways a person can be reached. A paging effect hands each notifier
 * one person and what the page says; the notifier answers with what happened, as timeline entries.
 */
import type { Channel } from '../../schema/contact-schemas';
import type { ContactMethodRecord } from '../directory/contact-methods';
import type { PushSubscriptionRecord } from '../directory/push-subscriptions';
import type { Env } from '../env';
import type { EntryDraft } from '../incident/reducer';
import type { PagedIncident } from '../push/payload';

export type { PagedIncident } from '../push/payload';

export interface Recipient {
  id: string;
  name: string;
}

/** What a paging effect hands a notifier. */
export interface NotifyRequest {
  recipient: Recipient;
  incident: PagedIncident;
  now: number;
  /** The person's devices and verified methods from the paging snapshot; absent, each notifier reads D1. */
  known?: { devices: PushSubscriptionRecord[]; methods: ContactMethodRecord[] };
}

/** One outcome on one channel (one device, one address). */
export interface Delivery {
  /** delivered: the channel took it; failed: it refused or errored; skipped: the person has no address on this channel. */
  status: 'delivered' | 'failed' | 'skipped';
  /** How the timeline says it. */
  entry: EntryDraft;
  /** Delivered to this address, whose delivery receipt is now news (Web Push: the subscription id). */
  address?: string;
  /** Try again later: the incident's scheduler runs this task, which comes back to the notifier's `retry`. */
  retry?: { id: string; kind: string; at: number; data: Record<string, unknown> };
}

export interface Notifier {
  /** The scheduler task kind this notifier's retries run under. */
  readonly retryKind: string;
  /** The channel a notification rule names to reach people through this notifier. */
  readonly channel: Channel;
  /** Reach one person. A failure is a Delivery, never a throw: paging goes on. */
  notify(env: Env, request: NotifyRequest): Promise<Delivery[]>;
  /** Run a retry this notifier scheduled; [] when there is nothing left to retry. */
  retry(
    env: Env,
    data: Record<string, unknown>,
    incident: PagedIncident,
    now: number,
  ): Promise<Delivery[]>;
}
