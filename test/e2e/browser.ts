/**
 * Headless Chromium for end-to-end tests: Debian's /usr/bin/chromium through playwright-core, a fresh
 * phone-sized context per user, sign-in through a real invite link, and the CDP handles a test needs
 * to play the push service (deliverPushMessage) and the network coming back (dispatchSyncEvent).
 */
import {
  chromium,
  type Browser,
  type BrowserContext,
  type CDPSession,
  type Page,
  type Worker,
} from 'playwright-core';
import { afterAll, beforeAll, onTestFailed } from 'vitest';
import type { Incident, TimelineEntry } from '../../schema/incident';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '../../scripts/chromium.mjs';
import { Firebell, until } from './harness';

/**
 * A test file's own Firebell (started as `npm start` starts it) and Chromium, up before its tests and gone after.
 * Read `fb` and `browser` inside the tests: they exist once beforeAll has run.
 */
export function firebellInChromium(vars?: Record<string, string>): {
  readonly fb: Firebell;
  readonly browser: Browser;
} {
  const stand = {} as { fb: Firebell; browser: Browser };
  beforeAll(async () => {
    [stand.fb, stand.browser] = await Promise.all([Firebell.start(vars), launchBrowser()]);
  });
  afterAll(async () => {
    await stand.browser?.close();
    await stand.fb?.dispose();
  });
  return stand;
}

/** playwright-core launches with a fresh temporary user-data-dir each time. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS });
}

/** A phone: 390×844, touch, mobile viewport, notifications and background sync granted for Firebell's origin. */
export async function phoneContext(browser: Browser, origin: string): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    colorScheme: 'dark',
    reducedMotion: 'reduce',
  });
  // With notifications alone, SyncManager.register fails silently (TOOLCHAIN.md).
  await context.grantPermissions(['notifications', 'background-sync'], { origin });
  printPagesOnFailure(context);
  return context;
}

/** CI keeps only the log: when the test fails, print what each of this phone's pages was showing. */
function printPagesOnFailure(context: BrowserContext): void {
  try {
    onTestFailed(async () => {
      for (const page of context.pages()) {
        const text = await page
          .evaluate(() => document.body.innerText)
          .catch((err: Error) => `(unreadable: ${err.message})`);
        console.log(`--- ${page.url()} when the test failed:\n${text.slice(0, 3000)}`);
      }
    });
  } catch {
    // Called outside a test (a beforeAll): there is no failure to attach to.
  }
}

export interface SignedIn {
  context: BrowserContext;
  page: Page;
  user: { id: string; name: string; role: string };
}

/** The admin invites someone; they open /join/<token> on their phone, type their name and join. */
export async function signInThroughInvite(
  fb: Firebell,
  browser: Browser,
  name: string,
  role: 'responder' | 'admin' | 'viewer' = 'responder',
): Promise<SignedIn> {
  const invite = await fb.api<{ url: string; token: string }>('/api/auth/invites', {
    body: { role },
  });
  if (invite.status !== 201)
    throw new Error(`invite failed: ${invite.status} ${JSON.stringify(invite.body)}`);
  const context = await phoneContext(browser, fb.origin);
  const page = await context.newPage();
  await page.goto(`${fb.origin}/join/${invite.body.token}`);
  await page.getByLabel('Your name').fill(name);
  await page.getByRole('button', { name: 'Join' }).click();
  await page.waitForURL(`${fb.origin}/`);
  const user = await page.evaluate(
    async () =>
      (
        (await (await fetch('/api/me')).json()) as {
          user: { id: string; name: string; role: string };
        }
      ).user,
  );
  return { context, page, user };
}

/** Resolves once the page's service worker has reached `activated` (`ready` resolves earlier) and controls the page. */
export async function serviceWorkerActivated(page: Page): Promise<Worker> {
  await page.waitForFunction(
    async () =>
      (await navigator.serviceWorker.getRegistration())?.active?.state === 'activated' &&
      navigator.serviceWorker.controller !== null,
    undefined,
    { timeout: 20_000, polling: 50 },
  );
  return until(
    () =>
      page
        .context()
        .serviceWorkers()
        .find((w) => w.url().endsWith('/sw.js')),
    'the service worker to attach',
    10_000,
  );
}

/**
 * From now on, log every state the browser reports for this page's service workers (DevTools' view: running
 * status and lifecycle, with the time), and print the log if the test fails: what the worker was doing when a
 * navigation it should have answered went to the network instead.
 */
export async function logServiceWorkerStates(page: Page): Promise<void> {
  const session = await page.context().newCDPSession(page);
  const started = Date.now();
  const log: string[] = [];
  session.on('ServiceWorker.workerVersionUpdated', (e) => {
    for (const v of e.versions)
      log.push(
        `+${Date.now() - started} ms version ${v.versionId}: ${v.runningStatus}, ${v.status}` +
          (v.controlledClients?.length ? `, controls ${v.controlledClients.length}` : ''),
      );
  });
  session.on('ServiceWorker.workerErrorReported', (e) =>
    log.push(`+${Date.now() - started} ms error: ${e.errorMessage.errorMessage}`),
  );
  await session.send('ServiceWorker.enable');
  onTestFailed(() => console.log(`--- service worker states:\n${log.join('\n')}`));
}

/** The CDP ServiceWorker domain for one page: the registration's id, push delivery, sync dispatch. */
export class ServiceWorkerDevtools {
  private constructor(
    private readonly session: CDPSession,
    readonly origin: string,
    readonly registrationId: string,
  ) {}

  static async attach(page: Page, origin: string): Promise<ServiceWorkerDevtools> {
    const session = await page.context().newCDPSession(page);
    const registrations: { registrationId: string; scopeURL: string; isDeleted: boolean }[] = [];
    const status = new Map<string, { registrationId: string; status: string }>();
    session.on('ServiceWorker.workerRegistrationUpdated', (e) =>
      registrations.push(...e.registrations),
    );
    session.on('ServiceWorker.workerVersionUpdated', (e) => {
      for (const v of e.versions) status.set(v.versionId, v);
    });
    await session.send('ServiceWorker.enable');
    const reg = await until(
      () => registrations.find((r) => r.scopeURL === `${origin}/` && !r.isDeleted),
      'the service worker registration id',
      10_000,
    );
    // The page can see its worker `activated` while the browser's DevTools side still reports it installing.
    // A push delivered in that window is dropped without an error (seen under load), so wait for DevTools to agree.
    await until(
      () =>
        [...status.values()].some(
          (v) => v.registrationId === reg.registrationId && v.status === 'activated',
        ),
      'DevTools to see the service worker activated',
      10_000,
    );
    return new ServiceWorkerDevtools(session, origin, reg.registrationId);
  }

  /** What a push service does when a message arrives: wake the worker with a `push` event carrying `data`. */
  async deliverPushMessage(data: string): Promise<void> {
    await this.session.send('ServiceWorker.deliverPushMessage', {
      origin: this.origin,
      registrationId: this.registrationId,
      data,
    });
  }

  /** Fire a background-sync event now, as the browser does when the network returns. */
  async dispatchSyncEvent(tag: string, lastChance = false): Promise<void> {
    await this.session.send('ServiceWorker.dispatchSyncEvent', {
      origin: this.origin,
      registrationId: this.registrationId,
      tag,
      lastChance,
    });
  }

  async detach(): Promise<void> {
    await this.session.detach().catch(() => undefined);
  }
}

/** A notification as the worker's `registration.getNotifications()` reports it. */
export interface ShownNotification {
  title: string;
  body: string;
  tag: string;
  silent: boolean | null;
  requireInteraction: boolean;
  actions: string[];
}

/** The notifications the worker is showing now, optionally only those with `tag`. */
export function shownNotifications(sw: Worker, tag?: string): Promise<ShownNotification[]> {
  return sw.evaluate(async (t) => {
    const scope = self as unknown as ServiceWorkerGlobalScope;
    const list = await scope.registration.getNotifications(t ? { tag: t } : undefined);
    return list.map((n) => {
      const extra = n as Notification & { actions?: { action: string }[] };
      return {
        title: n.title,
        body: n.body,
        tag: n.tag,
        silent: n.silent,
        requireInteraction: n.requireInteraction,
        actions: (extra.actions ?? []).map((a) => a.action),
      };
    });
  }, tag);
}

/**
 * Tap a notification's action. No CDP command clicks a notification, so this is the closest honest
 * stand-in (TOOLCHAIN.md): take the real notification the worker shows and dispatch `notificationclick` at it.
 */
export async function clickNotification(sw: Worker, tag: string, action: string): Promise<void> {
  const found = await sw.evaluate(
    async ({ t, a }) => {
      const scope = self as unknown as ServiceWorkerGlobalScope;
      const [notification] = await scope.registration.getNotifications({ tag: t });
      if (!notification) return false;
      scope.dispatchEvent(new NotificationEvent('notificationclick', { notification, action: a }));
      return true;
    },
    { t: tag, a: action },
  );
  if (!found) throw new Error(`no notification with tag ${tag} to click`);
}

/** Requests waiting in a workbox-background-sync queue (its IndexedDB store), e.g. 'firebell-acks'. */
export function queuedRequests(sw: Worker, queueName: string): Promise<number> {
  return sw.evaluate(
    (name) =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('workbox-background-sync');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('requests')) {
            db.close();
            resolve(0);
            return;
          }
          const count = db
            .transaction('requests')
            .objectStore('requests')
            .index('queueName')
            .count(name);
          count.onsuccess = () => {
            db.close();
            resolve(count.result);
          };
          count.onerror = () => reject(count.error);
        };
      }),
    queueName,
  );
}

// Scenario set-up through the API, shared by the browser tests.

/** A policy paging `userId` first, a service using it, and an integration (generic unless said): returns the webhook URL. */
export async function serviceFor(
  fb: Firebell,
  userId: string,
  opts: { name?: string; type?: 'generic' | 'alertmanager' } = {},
): Promise<string> {
  const name = opts.name ?? 'checkout';
  const policy = await fb.api<{ policy: { id: string } }>('/api/policies', {
    body: {
      name: `${name} on-call`,
      levels: [{ delayMinutes: 5, targets: [{ type: 'user', id: userId }] }],
    },
  });
  if (policy.status !== 201)
    throw new Error(`policy: ${policy.status} ${JSON.stringify(policy.body)}`);
  const service = await fb.api<{ service: { id: string } }>('/api/services', {
    body: { name, policyId: policy.body.policy.id },
  });
  if (service.status !== 201)
    throw new Error(`service: ${service.status} ${JSON.stringify(service.body)}`);
  const integration = await fb.api<{ url: string }>(
    `/api/services/${service.body.service.id}/integrations`,
    { body: { type: opts.type ?? 'generic' } },
  );
  if (integration.status !== 201)
    throw new Error(`integration: ${integration.status} ${JSON.stringify(integration.body)}`);
  return integration.body.url;
}

/** Fire a monitor's generic webhook; resolves with the time Firebell accepted it. */
export async function fireWebhook(
  url: string,
  summary: string,
  dedupKey: string,
  severity: 'critical' | 'error' | 'warning' | 'info' = 'critical',
): Promise<number> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ summary, severity, dedup_key: dedupKey }),
  });
  const acceptedAt = Date.now();
  if (!res.ok) throw new Error(`webhook answered ${res.status}: ${await res.text()}`);
  await res.body?.cancel();
  return acceptedAt;
}

/** The incident and its timeline, read as admin. */
export async function incidentView(
  fb: Firebell,
  id: string,
): Promise<{ incident: Incident; timeline: TimelineEntry[] }> {
  const res = await fb.api<{ incident: Incident; timeline: TimelineEntry[] }>(
    `/api/incidents/${id}`,
  );
  if (res.status !== 200) throw new Error(`GET incident ${id}: ${res.status}`);
  return res.body;
}

/** The newest incident whose title is `title`, once the index has it. */
export function incidentTitled(fb: Firebell, title: string, timeoutMs = 10_000): Promise<Incident> {
  return until(
    async () => {
      const res = await fb.api<{ incidents: Incident[] }>('/api/incidents?limit=20');
      return res.body.incidents.find((i) => i.title === title);
    },
    `an incident titled "${title}"`,
    timeoutMs,
  );
}

/** README screenshots are refreshed only on request (UPDATE_SCREENSHOTS=1), so a test run leaves the tree clean. */
export async function screenshotFor(
  page: { screenshot(opts: { path: string }): Promise<unknown> },
  name: string,
): Promise<void> {
  if (process.env.UPDATE_SCREENSHOTS === '1') await page.screenshot({ path: `docs/${name}.png` });
}
