/**
 * Will this device ring when Firebell pages me, and the one tap that makes it so.
 * The permission prompt is only ever raised from `turnOnPaging`, which callers run from a tap.
 */
import { ApiError, UserFacingError, listDevices, registerDevice, vapidPublicKey } from './api';
import type { PushDevice } from './types';

/** What stands between this device and a page, in the order a user has to fix it. */
export type DeviceState =
  /** iPhone/iPad in a browser tab: push exists only for apps added to the Home Screen (iOS 16.4+). */
  | { kind: 'install-first' }
  /** No service worker, Push API or Notification API here. */
  | { kind: 'unsupported' }
  /** The user (or a policy) blocked notifications for this site; only browser settings can undo it. */
  | { kind: 'blocked' }
  /** Never turned on here. */
  | { kind: 'off' }
  /** The browser is subscribed but Firebell no longer knows this device (removed, or the push service dropped it). */
  | { kind: 'lost' }
  | { kind: 'on'; device: PushDevice }
  /** Could not ask the server (offline); says nothing either way. */
  | { kind: 'unknown' };

/** PushManager.subscribe never settles where there is no push service (headless Chromium); never wait forever. */
export const SUBSCRIBE_TIMEOUT_MS = 15_000;

export function isIos(nav: Pick<Navigator, 'userAgent' | 'maxTouchPoints'> = navigator): boolean {
  // iPadOS reports itself as a Mac; a touch screen gives it away.
  return (
    /iPhone|iPad|iPod/.test(nav.userAgent) ||
    (/Macintosh/.test(nav.userAgent) && nav.maxTouchPoints > 1)
  );
}

/** Opened from the Home Screen rather than a browser tab. */
export function isStandalone(): boolean {
  return (
    (navigator as Navigator & { standalone?: boolean }).standalone === true ||
    matchMedia('(display-mode: standalone)').matches
  );
}

function pushSupported(): boolean {
  return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

/** Where this device stands; never prompts. */
export async function checkDevice(): Promise<DeviceState> {
  if (isIos() && !isStandalone()) return { kind: 'install-first' };
  if (!pushSupported()) return { kind: 'unsupported' };
  if (Notification.permission === 'denied') return { kind: 'blocked' };
  const registration = await navigator.serviceWorker.getRegistration();
  const subscription = await registration?.pushManager.getSubscription();
  if (!subscription || Notification.permission !== 'granted') return { kind: 'off' };
  try {
    const { subscriptions } = await listDevices();
    const device = subscriptions.find((d) => d.endpoint === subscription.endpoint);
    return device ? { kind: 'on', device } : { kind: 'lost' };
  } catch {
    return { kind: 'unknown' };
  }
}

/** A label people recognise in their device list: "Android phone · Chrome". */
export function deviceLabel(ua: string = navigator.userAgent): string {
  const os = /iPhone/.test(ua)
    ? 'iPhone'
    : /iPad/.test(ua)
      ? 'iPad'
      : /Android/.test(ua)
        ? /Mobile/.test(ua)
          ? 'Android phone'
          : 'Android tablet'
        : /Mac OS X|Macintosh/.test(ua)
          ? 'Mac'
          : /Windows/.test(ua)
            ? 'Windows PC'
            : /CrOS/.test(ua)
              ? 'Chromebook'
              : /Linux/.test(ua)
                ? 'Linux PC'
                : 'This device';
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /Firefox\//.test(ua)
      ? 'Firefox'
      : /Chrome\/|Chromium\//.test(ua)
        ? 'Chrome'
        : /Safari\//.test(ua)
          ? 'Safari'
          : '';
  return browser ? `${os} · ${browser}` : os;
}

/**
 * Ask for permission, subscribe with Firebell's VAPID key and register the subscription.
 * Must run from a user's tap: browsers ignore (or penalise) permission prompts that come from nowhere.
 */
export async function turnOnPaging(label: string = deviceLabel()): Promise<RegisteredDevice> {
  if (isIos() && !isStandalone()) {
    throw new UserFacingError(
      'On iPhone and iPad, add Firebell to your Home Screen first (Share → Add to Home Screen), open it from there, then turn notifications on.',
    );
  }
  if (!pushSupported())
    throw new UserFacingError(
      'This browser cannot receive push notifications. Use Chrome, Edge, Firefox, or Safari from the Home Screen.',
    );
  const permission =
    Notification.permission === 'granted' ? 'granted' : await Notification.requestPermission();
  if (permission !== 'granted') {
    throw new UserFacingError(
      permission === 'denied'
        ? 'Notifications are blocked for Firebell. Allow them in your browser’s site settings, then try again.'
        : 'Firebell needs permission to show notifications, or it cannot page you.',
    );
  }
  const registration = await withTimeout(
    navigator.serviceWorker.ready,
    10_000,
    'The app is still installing; try again in a moment.',
  );
  const { publicKey } = await vapidPublicKey();
  const applicationServerKey = fromBase64url(publicKey);
  let subscription = await registration.pushManager.getSubscription();
  if (subscription && !sameKey(subscription.options.applicationServerKey, applicationServerKey)) {
    // Subscribed for another server key (a redeploy with new VAPID keys): that subscription can never be used.
    await subscription.unsubscribe();
    subscription = null;
  }
  const subscribe = () =>
    withTimeout(
      registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey }),
      SUBSCRIBE_TIMEOUT_MS,
      'The browser’s push service did not answer. Check your connection and try again.',
    );
  subscription ??= await subscribe();
  try {
    return await register(subscription, label);
  } catch (err) {
    // Someone else signed in on this browser before and registered its endpoint; the server never moves a
    // device between accounts, so this browser gets a fresh endpoint of its own (theirs stops working here).
    if (!(err instanceof ApiError && err.extensions.endpointTaken === true)) throw err;
    await subscription.unsubscribe();
    return register(await subscribe(), label);
  }
}

/** A registered device; `testPageSent` when the server sent it a test page (a new device) to verify it. */
export type RegisteredDevice = PushDevice & { testPageSent?: true };

async function register(subscription: PushSubscription, label: string): Promise<RegisteredDevice> {
  const { endpoint, keys } = subscription.toJSON();
  if (!endpoint || !keys?.p256dh || !keys.auth)
    throw new UserFacingError('The browser returned an incomplete push subscription; try again.');
  const res = await registerDevice({
    endpoint,
    keys: { p256dh: keys.p256dh, auth: keys.auth },
    label,
  });
  return res.testPage ? { ...res.subscription, testPageSent: true } : res.subscription;
}

/** The endpoint this browser is subscribed at, if any (to mark "this device" in a list). */
export async function currentEndpoint(): Promise<string | null> {
  if (!pushSupported()) return null;
  const registration = await navigator.serviceWorker.getRegistration();
  return (await registration?.pushManager.getSubscription())?.endpoint ?? null;
}

export function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new UserFacingError(message)), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(
          err instanceof Error && err.name === 'NotAllowedError'
            ? new UserFacingError('Notifications are not allowed for Firebell on this device.')
            : err,
        );
      },
    );
  });
}

function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  return Uint8Array.from(atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4)), (c) =>
    c.charCodeAt(0),
  );
}

function sameKey(a: ArrayBuffer | null, b: Uint8Array): boolean {
  if (!a) return false;
  const bytes = new Uint8Array(a);
  return bytes.length === b.length && bytes.every((v, i) => v === b[i]);
}
