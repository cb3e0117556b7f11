/**
 * Web Push in the service worker: show the page, report that it was shown, and act on the tap.
 *
 * Acknowledge works from a locked phone with no app session: it posts the page's action token to
 * /api/push/ack. Fetches the worker makes itself bypass its own routes, so an acknowledgement that
 * cannot reach the network goes into a workbox-background-sync Queue directly and is replayed with
 * the same Idempotency-Key when the network returns: it lands exactly once.
 */
import { Queue } from 'workbox-background-sync';
import type { PagePayload } from '../../../schema/push';
import { ackKey } from '../lib/ack-key';
import {
  acknowledgedText,
  notificationTitle,
  tapUrl,
  type NotificationData,
} from './notification-content';
import { sendTwice } from './send-twice';
import { isStatusNotification, showStatusUpdate, statusClick, statusPayload } from './status-push';

export type { PagePayload };

/** Background-sync queue names; the browser's sync tag is `workbox-background-sync:<name>`. */
export const ACK_QUEUE = 'firebell-acks';
export const RECEIPT_QUEUE = 'firebell-receipts';

/** Action tokens live 24 h (worker/push/action-token.ts); a queued request is useless after that. */
const RETENTION_MINUTES = 24 * 60;

// lib.webworker.d.ts leaves out the notification fields Chromium supports and we rely on.
interface NotificationActionOption {
  action: string;
  title: string;
}
type PageNotificationOptions = NotificationOptions & {
  actions?: NotificationActionOption[];
  renotify?: boolean;
  timestamp?: number;
};

const ACTIONS: NotificationActionOption[] = [
  { action: 'ack', title: 'Acknowledge' },
  { action: 'open', title: 'Open' },
];

/** How many action buttons this browser shows on a notification; 0 (or absent, as on iOS) means none. */
const maxActions = () =>
  (globalThis as { Notification?: { maxActions?: number } }).Notification?.maxActions ?? 0;

/** Install the push, notificationclick and queue-replay handlers on the worker. */
export function registerPushHandlers(sw: ServiceWorkerGlobalScope): void {
  const acks = new Queue(ACK_QUEUE, {
    maxRetentionTime: RETENTION_MINUTES,
    onSync: ({ queue }) => replayAcks(sw, queue),
  });
  const receipts = new Queue(RECEIPT_QUEUE, { maxRetentionTime: RETENTION_MINUTES });

  sw.addEventListener('push', (event) => {
    // A status page update (subscribers without an account) is not a page: no receipt, no acknowledge.
    const status = statusPayload(event.data);
    if (status) return keepAlive(event, showStatusUpdate(sw, status));
    keepAlive(event, showPage(sw, receipts, parsePayload(event.data)));
  });

  sw.addEventListener('notificationclick', (event) => {
    const notification = event.notification;
    notification.close();
    if (isStatusNotification(notification.data))
      return keepAlive(
        event,
        statusClick(sw, event.action, notification.data, (url) => openOrFocus(sw, url)),
      );
    const data = (notification.data ?? {}) as NotificationData;
    const work =
      event.action === 'ack' && data.actionToken && data.state === 'paged'
        ? acknowledge(sw, acks, data)
        : openOrFocus(sw, tapUrl(data, sw.location.origin, maxActions()));
    keepAlive(event, work);
  });
}

async function showPage(
  sw: ServiceWorkerGlobalScope,
  receipts: Queue,
  page: PagePayload,
): Promise<void> {
  const options: PageNotificationOptions = {
    body: page.body,
    // One notification per incident: a re-page replaces the last one and rings again.
    tag: page.incidentId || undefined,
    renotify: Boolean(page.incidentId),
    requireInteraction: true,
    icon: '/icons/icon-192.png',
    badge: '/icons/icon-192.png',
    timestamp: page.sentAt || Date.now(),
    data: { ...page, state: 'paged' } satisfies NotificationData,
    actions: page.kind === 'page' ? ACTIONS : [],
  };
  await sw.registration.showNotification(notificationTitle(page), options);
  // The receipt is how the team learns the page reached a phone and not just a push service.
  if (page.actionToken)
    await postOrQueue(
      receipts,
      jsonRequest('/api/push/receipts', { token: page.actionToken, shownAt: Date.now() }),
    );
}

/** The Acknowledge action: post now, or queue for when the network is back. */
async function acknowledge(
  sw: ServiceWorkerGlobalScope,
  acks: Queue,
  data: NotificationData,
): Promise<void> {
  const request = jsonRequest(
    '/api/push/ack',
    { token: data.actionToken, incidentId: data.incidentId },
    await ackKey(data.actionToken!),
  );
  let response: Response;
  try {
    response = await sendTwice(request);
  } catch {
    await acks.pushRequest({
      request,
      metadata: {
        incidentId: data.incidentId ?? '',
        number: data.number ?? 0,
        title: data.title ?? '',
      },
    });
    await replaceNotification(sw, data, 'queued', 'Acknowledgement queued: waiting for network');
    return;
  }
  await settle(sw, data, response);
}

/** Replay queued acknowledgements in order; stop at the first that still cannot reach the network. */
async function replayAcks(sw: ServiceWorkerGlobalScope, queue: Queue): Promise<void> {
  for (let entry = await queue.shiftRequest(); entry; entry = await queue.shiftRequest()) {
    let response: Response;
    try {
      response = await fetch(entry.request.clone());
    } catch {
      await queue.unshiftRequest(entry);
      // Throwing tells the browser the sync failed, so it schedules another attempt.
      throw new Error('Acknowledgement replay failed: still offline');
    }
    const queued = (entry.metadata ?? {}) as Pick<
      NotificationData,
      'incidentId' | 'number' | 'title'
    >;
    const [shown] = queued.incidentId
      ? await sw.registration.getNotifications({ tag: queued.incidentId })
      : [];
    await settle(sw, (shown?.data ?? { ...queued, kind: 'page' }) as NotificationData, response);
  }
}

/** Turn the server's answer into the notification the responder is left with. */
async function settle(
  sw: ServiceWorkerGlobalScope,
  data: NotificationData,
  response: Response,
): Promise<void> {
  if (response.ok) {
    const answer = (await response.json().catch(() => null)) as {
      incident?: { acknowledgedBy?: { id: string; name: string } | null };
    } | null;
    await replaceNotification(
      sw,
      data,
      'acknowledged',
      acknowledgedText(answer?.incident?.acknowledgedBy ?? null, data.actionToken ?? ''),
    );
    return;
  }
  const detail = await problemDetail(response);
  await replaceNotification(
    sw,
    data,
    'failed',
    `Not acknowledged: ${detail} Tap to open the incident.`,
  );
}

async function problemDetail(response: Response): Promise<string> {
  try {
    const problem = (await response.json()) as { detail?: unknown };
    if (typeof problem.detail === 'string' && problem.detail) return problem.detail;
  } catch {
    // Not problem+json: fall through to the status line.
  }
  return `the server answered ${response.status}.`;
}

/** Same tag, so it replaces the page; quiet, and without actions, since there is nothing left to do. */
async function replaceNotification(
  sw: ServiceWorkerGlobalScope,
  data: NotificationData,
  state: NonNullable<NotificationData['state']>,
  body: string,
): Promise<void> {
  const options: PageNotificationOptions = {
    body,
    tag: data.incidentId || undefined,
    silent: true,
    renotify: false,
    requireInteraction: false,
    icon: '/icons/icon-192.png',
    badge: '/icons/icon-192.png',
    data: { ...data, state } satisfies NotificationData,
    actions: [],
  };
  await sw.registration.showNotification(
    data.title
      ? notificationTitle({
          kind: data.kind ?? 'page',
          number: data.number ?? 0,
          title: data.title,
        })
      : 'Firebell',
    options,
  );
}

function jsonRequest(path: string, body: unknown, idempotencyKey?: string): Request {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json, application/problem+json',
  };
  if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
  return new Request(path, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
    credentials: 'omit',
  });
}

/** Send now; if the network is not there, queue it for background sync. Never throws. */
async function postOrQueue(queue: Queue, request: Request): Promise<void> {
  try {
    await fetch(request.clone());
  } catch {
    await queue.pushRequest({ request }).catch(() => undefined);
  }
}

/** Focus a window already showing `url`, else steer an existing window there, else open one. */
async function openOrFocus(sw: ServiceWorkerGlobalScope, url: string): Promise<void> {
  const windows = await sw.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const exact = windows.find((w) => w.url === url);
  if (exact) {
    await exact.focus();
    return;
  }
  for (const w of windows) {
    try {
      const moved = await w.navigate(url); // only works for windows this worker controls
      if (moved) {
        await moved.focus();
        return;
      }
    } catch {
      // Uncontrolled or cross-origin window: try the next, then open a new one.
    }
  }
  // Refused outside a real user tap (e.g. a test's script-made click); there is nothing better to do then.
  await sw.clients.openWindow(url).catch(() => null);
}

function parsePayload(data: PushMessageData | null): PagePayload {
  const fallback: PagePayload = {
    kind: 'page',
    incidentId: '',
    number: 0,
    title: 'Firebell',
    body: 'You have been paged.',
    service: '',
    severity: 'critical',
    alertCount: 0,
    url: '/',
    actionToken: '',
    sentAt: 0,
  };
  try {
    const raw = (data?.json() ?? {}) as Partial<PagePayload>;
    return { ...fallback, ...raw, title: raw.title || fallback.title };
  } catch {
    return { ...fallback, body: data?.text() || fallback.body };
  }
}

/** waitUntil throws on script-constructed events (how tests dispatch notificationclick); the work still runs. */
function keepAlive(event: ExtendableEvent, work: Promise<unknown>): void {
  const guarded = work.catch((err: unknown) => console.error('Firebell service worker:', err));
  try {
    event.waitUntil(guarded);
  } catch {
    void guarded;
  }
}
