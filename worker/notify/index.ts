/**
 * Every way Firebell reaches a person. Adding one (chat, outgoing webhook, email) is a new file that
 * implements Notifier (types.ts) and one line in NOTIFIERS.
 */
import type { Channel } from '../../schema/contact-schemas';
import type { Env } from '../env';
import { email } from './email';
import { sms, voice } from './twilio';
import type { Delivery, Notifier, NotifyRequest } from './types';
import { webPush } from './web-push';

export type { Delivery, Notifier, NotifyRequest, PagedIncident, Recipient } from './types';

export const NOTIFIERS: readonly Notifier[] = [webPush, email, sms, voice];

/**
 * Hand one person's page to every notifier on these channels (all when omitted); one that throws must not
 * stop the others, or paging.
 */
export async function notifyAll(
  env: Env,
  request: NotifyRequest,
  channels?: readonly Channel[],
): Promise<Delivery[]> {
  const outcomes = await Promise.all(
    NOTIFIERS.filter((n) => !channels || channels.includes(n.channel)).map((notifier) =>
      notifier.notify(env, request).catch((err: unknown) => {
        console.error(`notifier ${notifier.retryKind} failed for ${request.recipient.id}`, err);
        return [];
      }),
    ),
  );
  return outcomes.flat();
}

/** The notifier whose retry runs under this scheduler task kind, if any. */
export function notifierFor(taskKind: string): Notifier | undefined {
  return NOTIFIERS.find((n) => n.retryKind === taskKind);
}
