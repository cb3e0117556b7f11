/**
 * Status page updates in the service worker (worker/status/push-queue.ts sends them): show the update, open
 * /status on a tap, and unsubscribe in one tap from the notification's action. Kept apart from the page
 * handling in push.ts, which only hands these messages over.
 */
import type { StatusPushPayload } from '../../../schema/status-subscriber-schemas';

export type { StatusPushPayload };

/** The status update in a push message, or null when it is something else (a page). */
export function statusPayload(data: PushMessageData | null): StatusPushPayload | null {
  try {
    const raw = data?.json() as Partial<StatusPushPayload> | null;
    return raw?.kind === 'status' && typeof raw.title === 'string'
      ? ({
          url: '/status',
          body: '',
          tag: 'status',
          unsubscribeUrl: '',
          sentAt: 0,
          ...raw,
        } as StatusPushPayload)
      : null;
  } catch {
    return null;
  }
}

export function isStatusNotification(data: unknown): data is StatusPushPayload {
  return (data as { kind?: unknown } | null)?.kind === 'status';
}

export async function showStatusUpdate(
  sw: ServiceWorkerGlobalScope,
  update: StatusPushPayload,
): Promise<void> {
  await sw.registration.showNotification(update.title, {
    body: update.body,
    // One notification per publication: the next update replaces it.
    tag: update.tag,
    icon: '/icons/icon-192.png',
    badge: '/icons/icon-192.png',
    data: update,
    actions: update.unsubscribeUrl ? [{ action: 'unsubscribe', title: 'Unsubscribe' }] : [],
  } as NotificationOptions);
}

/** A tap: Unsubscribe posts the notification's own link (no page, no session needed); anything else opens /status. */
export async function statusClick(
  sw: ServiceWorkerGlobalScope,
  action: string,
  update: StatusPushPayload,
  open: (url: string) => Promise<void>,
): Promise<void> {
  const origin = sw.location.origin;
  if (action === 'unsubscribe' && update.unsubscribeUrl) {
    const url = new URL(update.unsubscribeUrl, origin);
    if (url.origin !== origin) return;
    await fetch(url.href, { method: 'POST', headers: { accept: 'application/json' } });
    return;
  }
  const target = new URL(update.url || '/status', origin);
  await open(target.origin === origin ? target.href : `${origin}/status`);
}
