/**
 * The page as the phone's service worker receives it (decrypted push message body). Types only: the
 * worker builds it (worker/push/payload.ts), pwa/src/sw reads it.
 */
import type { Severity } from './alert';

/** The incident facts a page carries. */
export interface PagedIncident {
  id: string;
  number: number;
  title: string;
  serviceName: string | null;
  severity: Severity;
  alertCount: number;
}

/** The decrypted push message body, as pwa/src/sw reads it. */
export interface PagePayload {
  kind: 'page' | 'test';
  incidentId: string;
  number: number;
  title: string;
  /** One line for the notification body: "#42 · critical · checkout · 3 alerts". */
  body: string;
  service: string;
  severity: Severity;
  alertCount: number;
  /** Same-origin path the notification opens. */
  url: string;
  /** Capability for the notification's Acknowledge action and the delivery receipt; see action-token.ts. */
  actionToken: string;
  /** When Firebell sent it, epoch ms. */
  sentAt: number;
}
