/** Hand a public update to the subscribers' fan-out (worker/status/push-queue.ts): one queued job, no sending here. */
import type { Publication } from '../../schema/status-page-schemas';
import type { Env } from '../env';
import { vapidConfigured } from '../push/sender';
import { statusPushQueue } from './push-queue';

const LABEL: Record<string, string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
  scheduled: 'Scheduled',
  in_progress: 'In progress',
  verifying: 'Verifying',
  completed: 'Completed',
};

/** Queue the publication's newest update for every subscriber. A failure to queue never fails the publish. */
export async function tellSubscribers(
  env: Env,
  origin: string,
  publication: Publication,
  at: number,
): Promise<void> {
  const update = publication.updates.at(-1);
  if (!update || !vapidConfigured(env)) return;
  const base = env.PUBLIC_URL ? new URL(env.PUBLIC_URL).origin : origin;
  try {
    await statusPushQueue(env).enqueue({
      publicationId: publication.id,
      title: publication.title,
      body: `${LABEL[update.status] ?? update.status}: ${update.body}`,
      origin: base,
      sentAt: at,
    });
  } catch (err) {
    console.error('could not queue the status update for subscribers', err);
  }
}
