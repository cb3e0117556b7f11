/**
 * Web Push to a person's devices (web-push.ts wraps it as a notifier): send to each of them, keep the
 * subscription rows honest (gone devices removed, last success/failure recorded), and return one
 * attempt per device for the timeline. Retries are the caller's (the incident alarm) to schedule.
 */
import {
  getSubscription,
  markSubscriptionFailure,
  markSubscriptionSuccess,
  removeSubscription,
  subscriptionsForUser,
  type PushSubscriptionRecord,
} from '../directory/push-subscriptions';
import type { Env } from '../env';
import { ACTION_TOKEN_LIFETIME_MS, signActionToken } from '../push/action-token';
import {
  buildPagePayload,
  testIncident,
  TEST_INCIDENT_ID,
  type PagedIncident,
} from '../push/payload';
import {
  describeOutcome,
  pageOptions,
  sendPage,
  type PushOutcome,
  type Transport,
} from '../push/sender';

export type { PagedIncident } from '../push/payload';

/** One push to one device, as the timeline records it: "paged Ana on Pixel: sent". */
export interface PageAttempt {
  subscriptionId: string;
  deviceLabel: string;
  outcome: PushOutcome;
}

type NotifierEnv = Pick<
  Env,
  | 'DB'
  | 'SESSION_SECRET'
  | 'VAPID_PUBLIC_KEY'
  | 'VAPID_PRIVATE_KEY'
  | 'VAPID_SUBJECT'
  | 'ALLOW_INSECURE_OUTBOUND'
  | 'ALLOW_INSECURE_PUSH'
>;

/** Page `user` about `incident` on every device they registered; [] when they have none. */
export async function pageUser(
  env: NotifierEnv,
  user: { id: string; name: string },
  incident: PagedIncident,
  now: number,
  transport?: Transport,
  /** The devices as the paging snapshot holds them; read from D1 when absent. */
  known?: PushSubscriptionRecord[],
): Promise<PageAttempt[]> {
  const devices = known ?? (await subscriptionsForUser(env.DB, user.id));
  return Promise.all(
    devices.map((device) => attempt(env, device, incident, 'page', now, transport)),
  );
}

/** Page one device again (the incident alarm's backoff retry); null when the device is gone or no longer the user's. */
export async function retryPage(
  env: NotifierEnv,
  userId: string,
  subscriptionId: string,
  incident: PagedIncident,
  now: number,
  transport?: Transport,
): Promise<PageAttempt | null> {
  const device = await getSubscription(env.DB, userId, subscriptionId);
  return device ? attempt(env, device, incident, 'page', now, transport) : null;
}

/** Send a test page to one of the user's devices; null when they have no such device. */
export async function sendTestPage(
  env: NotifierEnv,
  userId: string,
  subscriptionId: string,
  now: number,
  transport?: Transport,
): Promise<PageAttempt | null> {
  const device = await getSubscription(env.DB, userId, subscriptionId);
  return device ? attempt(env, device, testIncident(), 'test', now, transport) : null;
}

async function attempt(
  env: NotifierEnv,
  device: PushSubscriptionRecord,
  incident: PagedIncident,
  kind: 'page' | 'test',
  now: number,
  transport?: Transport,
): Promise<PageAttempt> {
  const actionToken = await signActionToken(env.SESSION_SECRET, {
    userId: device.userId,
    incidentId: incident.id,
    subscriptionId: device.id,
    exp: now + ACTION_TOKEN_LIFETIME_MS,
  });
  const payload = buildPagePayload({ kind, incident, actionToken, sentAt: now });
  const opts =
    kind === 'test'
      ? { ttlSeconds: 60, urgency: 'high' as const, topic: `firebell-${TEST_INCIDENT_ID}` }
      : await pageOptions(incident.id);
  const outcome = await sendPage(env, device, payload, opts, transport);
  await record(env.DB, device.id, outcome, now);
  return { subscriptionId: device.id, deviceLabel: device.label, outcome };
}

/** Bookkeeping must not lose the attempt: the caller still needs it for the timeline and retries. */
async function record(db: D1Database, id: string, outcome: PushOutcome, at: number): Promise<void> {
  try {
    if (outcome.kind === 'sent') await markSubscriptionSuccess(db, id, at);
    else if (outcome.kind === 'gone') await removeSubscription(db, id);
    else await markSubscriptionFailure(db, id, at, describeOutcome(outcome));
  } catch (err) {
    console.error(`could not record push outcome ${outcome.kind} for subscription ${id}`, err);
  }
}
