/**
 * Change events (deploys, config pushes, builds) as the API answers them, shared by worker and PWA.
 * They page no one; they are context for whoever opens the next incident on the service.
 */
import type { AlertLink } from './alert';

/** An incident shows the changes to its service in this window before it opened, as PagerDuty does. */
export const CHANGE_WINDOW_MS = 60 * 60 * 1000;

export interface ChangeEvent {
  id: string;
  serviceId: string;
  /** The integration that sent it, and its name at the time. */
  integrationId: string;
  integrationName: string;
  summary: string;
  source: string | null;
  /** When the change happened: the sender's timestamp, never later than when it arrived. */
  at: number;
  receivedAt: number;
  details: Record<string, unknown> | null;
  links: AlertLink[];
}
