/**
 * The page side of the service worker: registration, the update prompt and the kill switch.
 * The page never reloads on its own: a waiting worker is offered to the user, and only
 * their "Reload" posts SKIP_WAITING and reloads once the new worker has taken control.
 */
import { useEffect, useState } from 'preact/hooks';
import { Workbox } from 'workbox-window';

/** Prefix of every cache this app owns; sw.ts puts its version right after it. */
export const CACHE_PREFIX = 'firebell-';

let wb: Workbox | null = null;
let waiting = false;
let lastCheck = 0;
const listeners = new Set<(waiting: boolean) => void>();

function setWaiting(value: boolean): void {
  waiting = value;
  for (const fn of listeners) fn(value);
}

/** Register /sw.js (production builds only) and start watching for updates. */
export function registerServiceWorker(): void {
  if (import.meta.env.DEV || !('serviceWorker' in navigator)) return;
  wb = new Workbox('/sw.js', { scope: '/' });
  wb.addEventListener('waiting', () => setWaiting(true));
  void wb.register().then(() => checkKillSwitch());
  // Paging apps stay open for days; look for a new version whenever the user comes back.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && Date.now() - lastCheck > 60_000)
      void checkForUpdate();
  });
}

/** Ask the browser to re-fetch sw.js now. */
export async function checkForUpdate(): Promise<void> {
  lastCheck = Date.now();
  await wb?.update().catch(() => undefined);
}

/** The user accepted the update: activate the waiting worker, then reload into it. */
export function acceptUpdate(): void {
  if (!wb) return;
  wb.addEventListener('controlling', () => location.reload());
  wb.messageSkipWaiting();
}

/** Hide the prompt for this page load; the worker stays waiting and is offered again next time. */
export function dismissUpdate(): void {
  setWaiting(false);
}

/** True while a new version is waiting for the user's go-ahead. */
export function useUpdateAvailable(): boolean {
  const [value, setValue] = useState(waiting);
  useEffect(() => {
    listeners.add(setValue);
    setValue(waiting);
    return () => void listeners.delete(setValue);
  }, []);
  return value;
}

/** Drop cached API responses (on sign-out, so the next person on this phone sees nothing). */
export async function clearApiCache(): Promise<void> {
  if (!('caches' in globalThis)) return;
  const names = await caches.keys();
  await Promise.all(
    names
      .filter((n) => n.startsWith(CACHE_PREFIX) && n.endsWith('-api'))
      .map((n) => caches.delete(n)),
  );
}

/**
 * Kill switch, second line: deploying pwa/public/sw-kill.txt containing the word `kill` makes every
 * page that loads unregister the worker, delete its caches and reload once from the network.
 * The first line is deploying a sw.ts that unregisters itself (see the comment at the top of sw.ts);
 * this one also reaches pages whose worker is wedged but whose bridge still runs.
 */
async function checkKillSwitch(): Promise<void> {
  try {
    const res = await fetch('/sw-kill.txt', { cache: 'no-store' });
    // The assets fallback may answer a missing file with index.html, so require the exact word.
    if (!res.ok || (await res.text()).trim() !== 'kill') return;
  } catch {
    return;
  }
  const regs = await navigator.serviceWorker.getRegistrations();
  await Promise.all(regs.map((r) => r.unregister()));
  const names = await caches.keys();
  await Promise.all(names.filter((n) => n.startsWith(CACHE_PREFIX)).map((n) => caches.delete(n)));
  if (navigator.serviceWorker.controller) location.reload();
}
