/** Outgoing webhook subscriptions (admin): loaded with the Admin page only. Types only from schema/, so no zod. */
import type {
  WebhookDelivery,
  WebhookEventType,
  WebhookInput,
  WebhookPatch,
  WebhookSubscription,
} from '../../../schema/webhook-schemas';
import { del, get, patch, post, type RequestOptions } from './api';

export type { WebhookDelivery, WebhookEventType, WebhookSubscription };

/** An event still in the subscription's queue: not yet delivered, maybe retrying. */
export interface PendingEvent {
  id: string;
  type: string;
  attempts: number;
  nextAt: number;
}

const hook = (id: string) => `/api/webhooks/${encodeURIComponent(id)}`;

export const listWebhooks = (opts?: RequestOptions) =>
  get<{ webhooks: WebhookSubscription[] }>('/api/webhooks', opts);
/** The answer holds the `whsec_` secret: the only time it is ever shown. */
export const createWebhook = (body: Omit<WebhookInput, 'enabled'> & { enabled?: boolean }) =>
  post<{ webhook: WebhookSubscription; secret: string }>('/api/webhooks', body);
/** With `rotateSecret`, the answer holds the new secret (once); the old ones keep signing for 24 h. */
export const updateWebhook = (id: string, body: WebhookPatch) =>
  patch<{ webhook: WebhookSubscription; secret?: string }>(hook(id), body);
export const deleteWebhook = (id: string) => del(hook(id));
export const webhookDeliveries = (id: string, opts?: RequestOptions) =>
  get<{ deliveries: WebhookDelivery[]; pending: PendingEvent[] }>(`${hook(id)}/deliveries`, opts);
export const sendTestEvent = (id: string) =>
  post<{ event: { id: string } }>(`${hook(id)}/test`, {});
export const redeliver = (id: string, deliveryId: string) =>
  post<{ queued: true }>(`${hook(id)}/deliveries/${encodeURIComponent(deliveryId)}/redeliver`, {});

/** The subscribable events, grouped as a responder thinks of them; the Record keeps it in step with schema/. */
const LABELS: Record<WebhookEventType, string> = {
  'incident.triggered': 'Triggered',
  'incident.acknowledged': 'Acknowledged',
  'incident.resolved': 'Resolved',
  'incident.reopened': 'Reopened',
  'incident.escalated': 'Escalated',
  'incident.reassigned': 'Reassigned',
  'incident.severity_changed': 'Severity changed',
  'incident.role_assigned': 'Role assigned',
  'incident.note_added': 'Note added',
  'incident.status_update': 'Status update',
  'incident.review_published': 'Review published',
};
export const eventLabel = (type: string): string =>
  LABELS[type as WebhookEventType] ?? (type === 'webhook.test' ? 'Test event' : type);

export const EVENT_GROUPS: { legend: string; types: WebhookEventType[] }[] = [
  {
    legend: 'Lifecycle',
    types: [
      'incident.triggered',
      'incident.acknowledged',
      'incident.resolved',
      'incident.reopened',
    ],
  },
  { legend: 'Paging', types: ['incident.escalated', 'incident.reassigned'] },
  { legend: 'Changes', types: ['incident.severity_changed', 'incident.role_assigned'] },
  {
    legend: 'Updates',
    types: ['incident.note_added', 'incident.status_update', 'incident.review_published'],
  },
];
export const ALL_EVENTS = EVENT_GROUPS.flatMap((g) => g.types);
