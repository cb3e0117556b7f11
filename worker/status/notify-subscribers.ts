/** Hand a public update to the subscribers' fan-out (worker/status/push-queue.ts): one queued job, no sending here. */
import type { Publication } from '../../schema/status-page-schemas';
import type { Env } from '../env';
import { smtpConfigured } from '../notify/smtp';
import { vapidConfigured } from '../push/sender';
import { updateLabel } from './labels';
import { statusPushQueue } from './push-queue';

/** Queue the publication's newest update for every subscriber. A failure to queue never fails the publish. */
export async function tellSubscribers(
  env: Env,
  origin: string,
  publication: Publication,
  at: number,
): Promise<void> {
  const update = publication.updates.at(-1);
  if (!update || (!vapidConfigured(env) && !smtpConfigured(env))) return;
  const base = env.PUBLIC_URL ? new URL(env.PUBLIC_URL).origin : origin;
  try {
    await statusPushQueue(env).enqueue({
      publicationId: publication.id,
      title: publication.title,
      body: `${updateLabel(update.status)}: ${update.body}`,
      origin: base,
      sentAt: at,
    });
  } catch (err) {
    console.error('could not queue the status update for subscribers', err);
  }
}

/**
 * A maintenance window shown on the page was created, changed, ended or deleted: the fan-out queue plans its
 * start and end messages again (and sends any due now). A failure never fails the write; the queue's next
 * alarm looks again.
 */
export async function watchMaintenance(env: Env, origin: string): Promise<void> {
  try {
    await statusPushQueue(env).planMaintenance(
      env.PUBLIC_URL ? new URL(env.PUBLIC_URL).origin : origin,
    );
  } catch (err) {
    console.error('could not plan the status page maintenance messages', err);
  }
}
