/**
 * Change events (deploys, config pushes, builds) as the API answers them, shared by worker and PWA.
 * They page no one; they are context for whoever opens the next incident on the service.
 */
export type { ChangeEvent } from './change-schemas';

/** An incident shows the changes to its service in this window before it opened, as PagerDuty does. */
export const CHANGE_WINDOW_MS = 60 * 60 * 1000;
