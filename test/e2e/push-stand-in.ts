/**
 * Paging in end-to-end tests: a Firebell in Chromium with insecure push allowed, next to the loopback
 * push service stand-in (scripts/push-stand-in.mjs, shared with `npm run demo`), and responders whose
 * phones are subscribed at it.
 */
import type { Browser, Worker } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { PushStandIn, type StandInSubscription } from '../../scripts/push-stand-in.mjs';
import {
  ServiceWorkerDevtools,
  firebellInChromium,
  serviceWorkerActivated,
  signInThroughInvite,
  type SignedIn,
} from './browser';
import type { Firebell } from './harness';

export {
  PushStandIn,
  type ReceivedPush,
  type StandInSubscription,
} from '../../scripts/push-stand-in.mjs';

/**
 * firebellInChromium with insecure push allowed (and any other `vars`), plus a push-service stand-in that checks
 * this Firebell's VAPID key.
 */
export function pagingStand(vars: Record<string, string> = {}): {
  readonly fb: Firebell;
  readonly browser: Browser;
  readonly standIn: PushStandIn;
} {
  const stand = firebellInChromium({ ALLOW_INSECURE_PUSH: 'true', ...vars }) as {
    fb: Firebell;
    browser: Browser;
    standIn: PushStandIn;
  };
  // Hooks run in order: Firebell is up (and its VAPID key known) by now.
  beforeAll(async () => {
    stand.standIn = await PushStandIn.start(PushStandIn.vapidKeyOf(stand.fb.devVars));
  });
  afterAll(async () => {
    await stand.standIn?.close();
  });
  return stand;
}

/** A signed-in responder whose phone is subscribed at the stand-in, with CDP access to its service worker. */
export interface PagedResponder extends SignedIn {
  devtools: ServiceWorkerDevtools;
  subscription: StandInSubscription;
  sw: Worker;
}

/** Sign `name` in on a phone and register a stand-in subscription for them through the API, with the app's own session. */
export async function pagedResponder(
  fb: Firebell,
  browser: Browser,
  standIn: PushStandIn,
  name: string,
): Promise<PagedResponder> {
  const signedIn = await signInThroughInvite(fb, browser, name);
  const sw = await serviceWorkerActivated(signedIn.page);
  const devtools = await ServiceWorkerDevtools.attach(signedIn.page, fb.origin);
  // The browser's own PushManager.subscribe never settles headless, so the test subscribes at the stand-in
  // (it holds the private key) and registers that subscription exactly as the Settings page would.
  const subscription = standIn.subscribe();
  const status = await signedIn.page.evaluate(
    async (body) =>
      (
        await fetch('/api/push/subscriptions', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        })
      ).status,
    { endpoint: subscription.endpoint, keys: subscription.keys, label: `${name}'s phone` },
  );
  if (status !== 201) throw new Error(`registering the stand-in subscription answered ${status}`);
  return { ...signedIn, sw, devtools, subscription };
}
