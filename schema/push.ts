/**
 * The page as the phone's service worker receives it (decrypted push message body). Types only, derived
 * from ./push-schemas: the worker builds it (worker/push/payload.ts), pwa/src/sw reads it.
 */
export type { PagedIncident, PagePayload } from './push-schemas';
