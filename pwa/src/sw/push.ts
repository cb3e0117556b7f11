/**
 * Web Push extension point: show the page, and open the incident when it is tapped.
 * Acknowledging straight from the notification (POST with `actionToken`, queued with a
 * workbox-background-sync Queue when offline) plugs into `onAction` below.
 */

/** What the Worker's push sender puts in each encrypted payload. */
export interface PagePayload {
  title: string;
  body: string;
  /** Same-origin path to open, normally /incidents/:id. */
  url: string;
  incidentId: string;
  /** Single-use capability to acknowledge without a session (used by the ack action, later). */
  actionToken: string;
}

// lib.webworker.d.ts leaves out the Chromium-only notification fields we rely on.
interface NotificationActionOption {
  action: string;
  title: string;
}
type PageNotificationOptions = NotificationOptions & { actions?: NotificationActionOption[]; renotify?: boolean };

const ACTIONS: NotificationActionOption[] = [
  { action: 'ack', title: 'Acknowledge' },
  { action: 'open', title: 'Open' },
];

/** Install the push and notificationclick listeners on the worker. */
export function registerPushHandlers(sw: ServiceWorkerGlobalScope): void {
  sw.addEventListener('push', (event) => {
    const page = parsePayload(event.data);
    const options: PageNotificationOptions = {
      body: page.body,
      // One notification per incident: a re-page replaces it and alerts again.
      tag: page.incidentId || undefined,
      renotify: Boolean(page.incidentId),
      requireInteraction: true,
      icon: '/icons/icon-192.png',
      badge: '/icons/icon-192.png',
      data: page,
      actions: ACTIONS,
    };
    keepAlive(event, sw.registration.showNotification(page.title, options));
  });

  sw.addEventListener('notificationclick', (event) => {
    event.notification.close();
    const page = (event.notification.data ?? {}) as Partial<PagePayload>;
    keepAlive(event, onAction(sw, event.action, page));
  });
}

/** What a tap does. 'ack' opens the incident for now; posting the acknowledgement comes later. */
async function onAction(sw: ServiceWorkerGlobalScope, _action: string, page: Partial<PagePayload>): Promise<void> {
  await openOrFocus(sw, safeUrl(sw, page.url ?? (page.incidentId ? `/incidents/${encodeURIComponent(page.incidentId)}` : '/')));
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
  await sw.clients.openWindow(url);
}

/** Only ever open our own origin, whatever the payload says. */
function safeUrl(sw: ServiceWorkerGlobalScope, url: string): string {
  try {
    const u = new URL(url, sw.location.origin);
    return u.origin === sw.location.origin ? u.href : sw.location.origin + '/';
  } catch {
    return sw.location.origin + '/';
  }
}

function parsePayload(data: PushMessageData | null): PagePayload {
  const fallback: PagePayload = { title: 'Firebell', body: 'You have been paged.', url: '/', incidentId: '', actionToken: '' };
  try {
    const raw = (data?.json() ?? {}) as Partial<PagePayload>;
    return { ...fallback, ...raw, title: raw.title || fallback.title };
  } catch {
    return { ...fallback, body: data?.text() || fallback.body };
  }
}

/** waitUntil throws on script-constructed events (how tests dispatch notificationclick); the work still runs. */
function keepAlive(event: ExtendableEvent, work: Promise<unknown>): void {
  try {
    event.waitUntil(work);
  } catch {
    void work;
  }
}
