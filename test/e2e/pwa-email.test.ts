/**
 * A responder on a phone adds an email address in Settings, verifies it with the code a real SMTP server
 * on 127.0.0.1 received, and sets email at minute 0 in their notification rules. Their phone has no push
 * device, so a page reaches them only by email; the emailed link opens a page whose one button
 * acknowledges the incident, once. Firebell runs with SMTP_HOST/SMTP_PORT in its environment (scripts/start.mjs).
 * A second responder keeps the default rules' shape (push at once, then email) with email at minute 2: the test
 * moves Firebell's clock with TEST_CLOCK (worker/routes/test-clock.ts), never by waiting two minutes.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import type { Page, Route } from 'playwright-core';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  firebellInChromium,
  fireWebhook,
  incidentTitled,
  incidentView,
  screenshotFor,
  serviceFor,
  signInThroughInvite,
} from './browser';
import { type Firebell, freePort, until } from './harness';

interface Received {
  to: string;
  subject: string;
  text: string;
}

const inbox: Received[] = [];
const smtpPort = await freePort();
const smtp = new SMTPServer({
  logger: false,
  disabledCommands: ['AUTH', 'STARTTLS'],
  onData(stream, session, cb) {
    simpleParser(stream)
      .then((mail) => {
        for (const rcpt of session.envelope.rcptTo)
          inbox.push({ to: rcpt.address, subject: mail.subject ?? '', text: mail.text ?? '' });
        cb();
      })
      .catch(cb);
  },
});

const stand = firebellInChromium({
  SMTP_HOST: '127.0.0.1',
  SMTP_PORT: String(smtpPort),
  SMTP_STARTTLS: 'false',
  MAIL_FROM: 'Firebell <pager@localhost>',
  TEST_CLOCK: 'true',
});
beforeAll(async () => {
  await new Promise<void>((resolve) => smtp.listen(smtpPort, '127.0.0.1', resolve));
  expect((smtp.server.address() as AddressInfo).port).toBe(smtpPort);
});
afterAll(async () => {
  await new Promise<void>((resolve) => smtp.close(resolve));
});

describe('email from the phone’s Settings', () => {
  it('adds and verifies an address, sets email at minute 0, and acknowledges a page from the emailed link', async () => {
    const { fb, browser } = stand;
    const { page, context, user } = await signInThroughInvite(fb, browser, 'Ana');
    const email = await addVerifiedEmail(page, fb.origin, 'ana@example.test');
    await emailAtMinute(page, 0);
    await email.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await screenshotFor(page, 'settings-email');

    const url = await serviceFor(fb, user.id, { name: 'payments' });
    await fireWebhook(url, 'Payments API 5xx', 'pay-5xx');
    const incident = await incidentTitled(fb, 'Payments API 5xx');
    const pageMail = await until(
      () => inbox.find((m) => m.subject.includes('Payments API 5xx')),
      'the email page',
    );
    expect(pageMail.subject).toBe(`[Firebell] #${incident.number} critical: Payments API 5xx`);
    const link = /(http:\/\/127\.0\.0\.1:\d+\/api\/email\/ack\?token=\S+)/.exec(pageMail.text)![1]!;

    const mailApp = await context.newPage();
    await mailApp.goto(link);
    await mailApp.getByRole('button', { name: `Acknowledge #${incident.number}` }).click();
    await mailApp.getByText(`You acknowledged #${incident.number}`, { exact: false }).waitFor();
    await mailApp.goBack();
    await mailApp.reload();
    await mailApp.getByText(`is already acknowledged by Ana`, { exact: false }).waitFor();

    const { incident: after, timeline } = await incidentView(fb, incident.id);
    expect(after.status).toBe('acknowledged');
    expect(timeline.filter((e) => e.kind === 'acknowledged').map((e) => e.text)).toEqual([
      'Acknowledged by Ana',
    ]);
    expect(timeline.map((e) => e.text)).toContain(
      'Emailed Ana at ana@example.test: accepted by the mail server',
    );
    await context.close();
  });

  it('reaches a phone with push blocked by email at minute 2 of the test clock, and the emailed link acknowledges', async () => {
    const { fb, browser } = stand;
    // Ben's phone refused notifications, so he has no push device: his rules' push at minute 0 reaches nobody.
    const { page, context, user } = await signInThroughInvite(fb, browser, 'Ben');
    await addVerifiedEmail(page, fb.origin, 'ben@example.test');
    await emailAtMinute(page, 2);

    const url = await serviceFor(fb, user.id, { name: 'ledger' });
    await fireWebhook(url, 'Ledger replication lag', 'ledger-lag');
    const incident = await incidentTitled(fb, 'Ledger replication lag');
    await until(
      async () =>
        (await incidentView(fb, incident.id)).timeline.some(
          (e) => e.text === 'Could not page Ben: no device registered for push',
        ),
      'the push at minute 0 to find no device',
    );
    const pageFor = (m: Received) => m.to === 'ben@example.test' && m.subject.includes('Ledger');

    // Minute 1 on the test clock: the email step is not due yet. The clock route answers once the due work ran.
    expect((await advanceClock(fb, 1)).incidentsWoken).toBeGreaterThanOrEqual(1);
    expect(inbox.filter(pageFor)).toEqual([]);

    await advanceClock(fb, 1);
    const pageMail = await until(() => inbox.find(pageFor), 'the email page at minute 2');
    expect(pageMail.subject).toBe(
      `[Firebell] #${incident.number} critical: Ledger replication lag`,
    );
    const link = /(http:\/\/127\.0\.0\.1:\d+\/api\/email\/ack\?token=\S+)/.exec(pageMail.text)![1]!;
    const mailApp = await context.newPage();
    await mailApp.goto(link);
    await mailApp.getByRole('button', { name: `Acknowledge #${incident.number}` }).click();
    await mailApp.getByText(`You acknowledged #${incident.number}`, { exact: false }).waitFor();

    const { incident: after, timeline } = await incidentView(fb, incident.id);
    expect(after.status).toBe('acknowledged');
    expect(after.acknowledgedBy).toMatchObject({ id: user.id, name: 'Ben' });
    expect(timeline.map((e) => e.text)).toContain(
      'Emailed Ben at ben@example.test: accepted by the mail server',
    );
    expect(inbox.filter(pageFor)).toHaveLength(1);
    await context.close();
  });
});

describe('Settings opening on a phone', () => {
  it('never moves a control once shown while its sections load, whatever order their reads come back in', async () => {
    const { fb, browser } = stand;
    const { page, context } = await signInThroughInvite(fb, browser, 'Cy');
    // Something in the lists, so each section's settled height differs from its loading one.
    await page.evaluate(async () => {
      for (const name of ['deploy script', 'backup job'])
        await fetch('/api/tokens', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name }),
        });
    });
    await page.addInitScript(watchLayout);
    // Hold each section's read, then let them come back bottom section first: the worst order for the page.
    const reads = [
      '/api/push/subscriptions',
      '/api/contact-methods',
      '/api/notification-rules',
      '/api/tokens',
      '/api/slack/links',
    ];
    const held = new Map<string, Route>();
    await page.route(
      (url) => reads.includes(url.pathname),
      (route) => void held.set(new URL(route.request().url()).pathname, route),
    );
    await page.goto(`${fb.origin}/settings`);
    await until(() => held.size === reads.length, 'Settings to ask for all its sections');
    // Still loading: where sections will appear says so (asserted below, after the layout).
    const busy = await page.locator('[aria-busy="true"]').count();
    const signOutWhileLoading = await page.getByRole('button', { name: 'Sign out' }).isVisible();
    for (const path of [...reads].reverse()) {
      const answered = page.waitForResponse((res) => new URL(res.url()).pathname === path);
      await held.get(path)!.continue();
      await answered;
      // Two frames: the page has had one to show what came back before the next read does.
      await page.evaluate(
        () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))),
      );
    }
    await page.getByRole('button', { name: 'Save rules' }).waitFor();
    await page.getByText('backup job').waitFor();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    const { shifts, moved } = await page.evaluate(() => (window as unknown as Watched).layout());
    console.info(`Settings opening: CLS ${shifts.toFixed(4)}, controls moved: ${moved.length}`);
    expect(moved).toEqual([]);
    expect(shifts).toBe(0);
    expect(busy).toBeGreaterThan(0);
    // Nothing above Sign out is left to load once it shows, so no late section can push it under a tap.
    expect(signOutWhileLoading).toBe(false);
    await context.close();
  });
});

interface Watched {
  layout(): { shifts: number; moved: string[] };
}

/**
 * In the page before its scripts: sum the layout shifts Chromium reports (none caused by input), and note each
 * button, link or field that moves once it has been laid out, frame by frame.
 */
function watchLayout() {
  let shifts = 0;
  const moved: string[] = [];
  const add = (entries: PerformanceEntryList) => {
    for (const e of entries as (PerformanceEntry & { value: number; hadRecentInput: boolean })[])
      if (!e.hadRecentInput) shifts += e.value;
  };
  const observer = new PerformanceObserver((list) => add(list.getEntries()));
  observer.observe({ type: 'layout-shift', buffered: true });
  const at = new WeakMap<Element, string>();
  const look = () => {
    for (const el of Array.from(
      document.querySelectorAll('button, a[href], input, select, textarea'),
    )) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue; // not shown
      const where = `${Math.round(r.left + scrollX)},${Math.round(r.top + scrollY)}`;
      const was = at.get(el);
      if (was && was !== where)
        moved.push(
          `${el.textContent?.trim() || el.getAttribute('aria-label') || el.tagName}: ${was} → ${where}`,
        );
      at.set(el, where);
    }
    requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
  (window as unknown as Watched).layout = () => {
    add(observer.takeRecords());
    return { shifts, moved };
  };
}

/** In Settings: add `address`, read the code the SMTP server received, and verify it. Returns the Email region. */
async function addVerifiedEmail(page: Page, origin: string, address: string) {
  await page.goto(`${origin}/settings`);
  const email = page.getByRole('region', { name: 'Email' });
  await email.getByText('No email address yet.').waitFor();
  await email.getByLabel('New email address').fill(address);
  await email.getByRole('button', { name: 'Add' }).click();
  await email.getByText(`A code is on its way to ${address}.`).waitFor();
  const codeMail = await until(
    () => inbox.find((m) => m.to === address && m.subject.startsWith('Firebell verification code')),
    'the code email',
  );
  const code = /\b(\d{6})\b/.exec(codeMail.text)![1]!;
  await email.getByLabel('Code from the email').fill(code);
  await email.getByRole('button', { name: 'Verify' }).click();
  await email.getByText(`${address} is verified`, { exact: false }).waitFor();
  await email.getByText('· verified').waitFor();
  return email;
}

/** In Settings: high-urgency pages email at `minute` (the default rules say 3). */
async function emailAtMinute(page: Page, minute: number): Promise<void> {
  const rules = page.getByRole('region', { name: 'When to reach me' });
  const high = rules.getByRole('group', { name: 'High urgency (critical, error)' });
  expect(await high.getByLabel('Minute', { exact: true }).nth(1).inputValue()).toBe('3');
  await high.getByLabel('Minute', { exact: true }).nth(1).fill(String(minute));
  await rules.getByRole('button', { name: 'Save rules' }).click();
  await rules.getByText('Saved: your next page follows these rules.').waitFor();
}

/** The test clock (worker/routes/test-clock.ts, on because this Firebell started with TEST_CLOCK=true). */
async function advanceClock(fb: Firebell, minutes: number): Promise<{ incidentsWoken: number }> {
  const res = await fb.api<{ incidentsWoken: number }>('/api/test/clock', {
    body: { advanceMinutes: minutes },
  });
  if (res.status !== 200) throw new Error(`test clock: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
