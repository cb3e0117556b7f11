/**
 * Where a push subscription may point before we store it or send to it. Shared by the subscription
 * routes and the sender, so both enforce the same rules; the keys' format is part of the body's shape
 * (schema/device-schemas.ts).
 */
import { MAX_ENDPOINT_LENGTH } from '../../schema/device-schemas';
import { checkOutboundUrl, type OutboundEnv, type OutboundRule } from '../net/outbound';

/**
 * The browsers' push services: a subscription endpoint is always on one of these. Anything else is a
 * server somebody wants Firebell to send requests to, which is not what a push subscription is for.
 */
export const PUSH_SERVICES: OutboundRule = {
  hosts: [
    'fcm.googleapis.com', // Chrome, Edge on Android, Opera, Samsung Internet, Brave
    'android.googleapis.com', // older Chrome subscriptions (GCM-era endpoints)
    '*.push.services.mozilla.com', // Firefox (autopush)
    '*.push.apple.com', // Safari on macOS and iOS
    '*.notify.windows.com', // Edge on Windows (WNS)
  ],
  hostsLabel:
    "a browser push service's URL (Google FCM, Mozilla, Apple or Windows) as PushManager.subscribe returned it",
};

/** Why `endpoint` is not acceptable, or null when it is. */
export function endpointProblem(endpoint: string, env: OutboundEnv): string | null {
  if (endpoint.length > MAX_ENDPOINT_LENGTH)
    return `must be at most ${MAX_ENDPOINT_LENGTH} characters`;
  const check = checkOutboundUrl(endpoint, env, PUSH_SERVICES);
  if (check.ok) return null;
  return check.problem === 'must be an https URL'
    ? 'must be an https URL (the push service URL your browser returned from PushManager.subscribe)'
    : check.problem;
}
