/**
 * What a page's notification says and where a tap on it goes: pure functions of the payload,
 * kept apart from the service worker's globals so they can be tested anywhere.
 */
import type { PagePayload } from '../../../schema/push';

/** What a notification carries in `data`: the page, and whether it has been acted on. */
export interface NotificationData extends Partial<PagePayload> {
  state?: 'paged' | 'acknowledged' | 'queued' | 'failed';
}

/** "#42 Checkout is down"; a test page keeps its own title. */
export function notificationTitle(page: Pick<PagePayload, 'kind' | 'number' | 'title'>): string {
  return page.kind === 'page' && page.number ? `#${page.number} ${page.title}` : page.title;
}

/**
 * Where a tap goes. Where the browser shows no action buttons (`maxActions` 0), the body tap is the
 * only way in, so it carries the token for a one-tap acknowledge on the incident page.
 */
export function tapUrl(data: NotificationData, origin: string, maxActions: number): string {
  const path =
    data.url ?? (data.incidentId ? `/incidents/${encodeURIComponent(data.incidentId)}` : '/');
  const url = new URL(sameOrigin(path, origin));
  if (data.state === 'paged' && data.kind === 'page' && data.actionToken && maxActions === 0)
    url.searchParams.set('ack', data.actionToken);
  return url.href;
}

/** Only ever open our own origin, whatever the payload says. */
function sameOrigin(url: string, origin: string): string {
  try {
    const u = new URL(url, origin);
    return u.origin === origin ? u.href : `${origin}/`;
  } catch {
    return `${origin}/`;
  }
}

/**
 * The quiet line that replaces a page once acknowledged: "Acknowledged by you", or who beat you to it
 * (acknowledging an acknowledged incident succeeds and changes nothing). The token names its user.
 */
export function acknowledgedText(
  by: { id: string; name: string } | null,
  actionToken: string,
): string {
  return !by || by.id === tokenUser(actionToken)
    ? 'Acknowledged by you'
    : `Already acknowledged by ${by.name}`;
}

/** The user an action token was issued to (its payload is base64url JSON with `u`), or null. Unverified: display only. */
export function tokenUser(token: string): string | null {
  try {
    const payload = token.split('.')[0] ?? '';
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const claims = JSON.parse(json) as { u?: unknown };
    return typeof claims.u === 'string' ? claims.u : null;
  } catch {
    return null;
  }
}
