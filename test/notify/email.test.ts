/**
 * Email pages against a real SMTP server on 127.0.0.1 (test/setup/smtp-server.mjs), and notification
 * rules timed with the injected clock and the incident's alarm (never a sleep).
 */
import { SELF } from 'cloudflare:test';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Incident, TimelineEntry } from '../../schema/incident';
import { ADMIN, BASE, api, command, createUser, json, type TestUser } from '../helpers';
import {
  controlClock,
  fireAlarm,
  openOn,
  serviceWithPolicy,
  texts,
  untilEscalated,
} from '../escalation/setup';
import { mailbox, newAddress, setRules, verifiedMethod } from './fixtures';

const emailNow = [{ afterMinutes: 0, channel: 'email' }];

/** Add and verify an address the way a person does: the code is read from the email that arrived. */
async function addVerified(user: TestUser, to: string): Promise<string> {
  const added = await json<{ method: { id: string }; code: { sent: boolean } }>(
    api('/api/contact-methods', { body: { address: to }, headers: user.auth }),
    201,
  );
  expect(added.code.sent).toBe(true);
  const [mail] = await mailbox(to);
  const code = /\b(\d{6})\b/.exec(mail!.text)![1]!;
  await json(
    api(`/api/contact-methods/${added.method.id}/verify`, { body: { code }, headers: user.auth }),
    200,
  );
  return added.method.id;
}

const emailEntries = (entries: TimelineEntry[]) =>
  texts(entries).filter((t) => t.startsWith('Emailed'));

let ana: TestUser;
let clock: ReturnType<typeof controlClock>;

beforeAll(async () => {
  ana = await createUser('Ana');
});
beforeEach(() => {
  clock = controlClock();
});
afterEach(() => clock.restore());

describe('email contact methods', () => {
  it('verifies an address with the code the mail server delivered, and refuses a wrong code', async () => {
    const bea = await createUser('Bea');
    const to = newAddress('bea');
    const added = await json<{ method: { id: string; verified: boolean } }>(
      api('/api/contact-methods', { body: { address: to }, headers: bea.auth }),
      201,
    );
    expect(added.method.verified).toBe(false);
    const [mail] = await mailbox(to);
    expect(mail!.subject).toMatch(/^Firebell verification code: \d{6}$/);
    const code = /\b(\d{6})\b/.exec(mail!.text)![1]!;
    const wrong = code === '000000' ? '000001' : '000000';
    const refused = await api(`/api/contact-methods/${added.method.id}/verify`, {
      body: { code: wrong },
      headers: bea.auth,
    });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect((await refused.json<{ detail: string }>()).detail).toMatch(/4 tries left/);
    // Unverified, it never pages.
    const svc = await serviceWithPolicy([
      { delayMinutes: 5, targets: [{ type: 'user', id: bea.id }] },
    ]);
    await setRules(bea, emailNow);
    const first = await openOn(svc);
    expect(texts(await untilEscalated(first.id, /cannot be reached/))).toContain(
      'Bea cannot be reached: no push device and no verified email or phone',
    );
    await json(
      api(`/api/contact-methods/${added.method.id}/verify`, { body: { code }, headers: bea.auth }),
      200,
    );
    const { methods } = await json<{ methods: { address: string; verified: boolean }[] }>(
      api('/api/contact-methods', { headers: bea.auth }),
      200,
    );
    expect(methods).toEqual([expect.objectContaining({ address: to, verified: true })]);
    const bad = await api('/api/contact-methods', {
      body: { address: 'not an address' },
      headers: bea.auth,
    });
    expect(bad.status).toBe(400);
    expect((await bad.json<{ detail: string }>()).detail).toMatch(/address/);
    const removed = await api(`/api/contact-methods/${added.method.id}`, {
      method: 'DELETE',
      headers: bea.auth,
    });
    expect(removed.status).toBe(204);
    expect(
      (
        await api(`/api/contact-methods/${added.method.id}`, {
          method: 'DELETE',
          headers: bea.auth,
        })
      ).status,
    ).toBe(404);
  });

  it('refuses notification rules that would tell nobody, with a useful detail', async () => {
    const res = await api('/api/notification-rules', {
      method: 'PUT',
      body: { high: [], low: emailNow, workingHours: null },
      headers: ana.auth,
    });
    expect(res.status).toBe(400);
    expect((await res.json<{ detail: string }>()).detail).toMatch(
      /high urgency needs at least one/,
    );
    const rules = await json<{ rules: { high: unknown[] } }>(
      api('/api/notification-rules', { headers: (await createUser('New')).auth }),
      200,
    );
    expect(rules.rules.high).toEqual([
      { afterMinutes: 0, channel: 'push' },
      { afterMinutes: 3, channel: 'email' },
    ]);
  });
});

describe('email pages', () => {
  it('emails a multipart page naming the incident whose link acknowledges exactly once, without a session', async () => {
    const cara = await createUser('Cara');
    const to = newAddress('cara');
    await addVerified(cara, to);
    await setRules(cara, emailNow);
    const svc = await serviceWithPolicy([
      { delayMinutes: 5, targets: [{ type: 'user', id: cara.id }] },
    ]);
    const inc = await openOn(svc, 'Checkout is down');
    const entries = await untilEscalated(inc.id, /Emailed/);
    expect(emailEntries(entries)).toEqual([`Emailed Cara at ${to}: accepted by the mail server`]);

    const [, page] = await mailbox(to); // the first message was the code
    expect(page!.subject).toBe(`[Firebell] #${inc.number} critical: Checkout is down`);
    expect(page!.from).toContain('pager@firebell.test');
    expect(page!.headers['auto-submitted']).toBe('auto-generated');
    expect(page!.text).toContain(`Incident #${inc.number} needs you: Checkout is down`);
    expect(page!.html).toContain('Checkout is down');
    const link = /(http:\/\/127\.0\.0\.1:8787\/api\/email\/ack\?token=\S+)/.exec(page!.text)![1]!;
    expect(page!.html).toContain(link.replace(/&/g, '&amp;'));

    // Opening the link (a mail scanner does too) only shows the button.
    const shown = await SELF.fetch(link);
    expect(shown.status).toBe(200);
    // Its one form posts back to Firebell; nothing else may load or frame it.
    const csp = shown.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/form-action 'self'/);
    expect(csp).toMatch(/default-src 'none'/);
    const form = await shown.text();
    expect(form).toContain(`Acknowledge #${inc.number}`);
    expect(texts(await fireAlarm(inc.id))).not.toContain('Acknowledged by Cara');

    const token = decodeURIComponent(new URL(link).searchParams.get('token')!);
    const tap = () =>
      SELF.fetch(`${BASE}/api/email/ack`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token }).toString(),
      });
    const first = await tap();
    expect(first.status).toBe(200);
    expect(await first.text()).toContain(`You acknowledged #${inc.number}`);
    const again = await tap();
    expect(again.status).toBe(200);
    const after = await json<{ incident: Incident; timeline: TimelineEntry[] }>(
      api(`/api/incidents/${inc.id}`, { headers: ADMIN }),
      200,
    );
    expect(after.incident.status).toBe('acknowledged');
    expect(after.timeline.filter((e) => e.kind === 'acknowledged').map((e) => e.text)).toEqual([
      'Acknowledged by Cara',
    ]);
    // A forged token is refused, as a page, not a stack trace.
    const forged = await SELF.fetch(`${BASE}/api/email/ack?token=${token.slice(0, -2)}xx`);
    expect(forged.status).toBe(401);
    expect(await forged.text()).toContain('invalid or has expired');
  });

  it('shows a 550 refusal on the timeline as final, and does not retry it', async () => {
    const dan = await createUser('Dan');
    const to = newAddress('refuse-dan');
    await verifiedMethod(dan, 'email', to);
    await setRules(dan, emailNow);
    const inc = await openOn(
      await serviceWithPolicy([{ delayMinutes: 30, targets: [{ type: 'user', id: dan.id }] }]),
    );
    const entries = await untilEscalated(inc.id, /Emailed/);
    expect(emailEntries(entries)).toEqual([
      `Emailed Dan at ${to}: refused by the mail server: 550 5.1.1 Mailbox does not exist`,
    ]);
    clock.advanceMinutes(10);
    expect(emailEntries(await fireAlarm(inc.id))).toHaveLength(1);
    expect(await mailbox(to)).toEqual([]);
  });

  it('retries a 451 with backoff and delivers on the next attempt', async () => {
    const eve = await createUser('Eve');
    const to = newAddress('greylist-eve');
    await verifiedMethod(eve, 'email', to);
    await setRules(eve, emailNow);
    const inc = await openOn(
      await serviceWithPolicy([{ delayMinutes: 30, targets: [{ type: 'user', id: eve.id }] }]),
    );
    const entries = await untilEscalated(inc.id, /Emailed/);
    expect(emailEntries(entries)).toEqual([
      `Emailed Eve at ${to}: not delivered: 451 4.7.1 Greylisted, try again later; will retry`,
    ]);
    clock.advanceMinutes(0.25); // before the 30 s backoff: nothing yet
    expect(emailEntries(await fireAlarm(inc.id))).toHaveLength(1);
    clock.advanceMinutes(0.25);
    expect(emailEntries(await fireAlarm(inc.id))).toEqual([
      `Emailed Eve at ${to}: not delivered: 451 4.7.1 Greylisted, try again later; will retry`,
      `Emailed Eve at ${to}: accepted by the mail server (attempt 2)`,
    ]);
    expect(await mailbox(to)).toHaveLength(1);
  });

  it('retries after the mail server drops the connection', async () => {
    const fay = await createUser('Fay');
    const to = newAddress('drop-fay');
    await verifiedMethod(fay, 'email', to);
    await setRules(fay, emailNow);
    const inc = await openOn(
      await serviceWithPolicy([{ delayMinutes: 30, targets: [{ type: 'user', id: fay.id }] }]),
    );
    const entries = await untilEscalated(inc.id, /Emailed/);
    expect(emailEntries(entries)[0]).toMatch(
      new RegExp(`^Emailed Fay at ${to}: not delivered: .*; will retry$`),
    );
    clock.advanceMinutes(1);
    expect(emailEntries(await fireAlarm(inc.id))[1]).toBe(
      `Emailed Fay at ${to}: accepted by the mail server (attempt 2)`,
    );
    expect(await mailbox(to)).toHaveLength(1);
  });
});

describe('notification rules', () => {
  it('by default pushes at once and emails at minute 3 only if nobody acknowledged', async () => {
    const gus = await createUser('Gus');
    const to = newAddress('gus');
    await addVerified(gus, to);
    const svc = await serviceWithPolicy([
      { delayMinutes: 30, targets: [{ type: 'user', id: gus.id }] },
    ]);
    const quiet = await openOn(svc, 'Acknowledged in time');
    const loud = await openOn(svc, 'Nobody answers');
    for (const inc of [quiet, loud]) {
      const entries = await untilEscalated(inc.id, /Escalated to level 1/);
      expect(texts(entries)).toContain('Could not page Gus: no device registered for push');
      expect(emailEntries(entries)).toEqual([]);
    }
    clock.advanceMinutes(2);
    await command(gus, quiet.id, 'acknowledge');
    clock.advanceMinutes(1);
    expect(emailEntries(await fireAlarm(quiet.id))).toEqual([]);
    expect(emailEntries(await fireAlarm(loud.id))).toEqual([
      `Emailed Gus at ${to}: accepted by the mail server`,
    ]);
    const subjects = (await mailbox(to)).map((m) => m.subject);
    expect(subjects.filter((s) => s.startsWith('[Firebell]'))).toEqual([
      `[Firebell] #${loud.number} critical: Nobody answers`,
    ]);
  });

  it('keeps a paged person’s rules running after the next level is paged, and stops them when reassigned away', async () => {
    const hal = await createUser('Hal');
    const ivy = await createUser('Ivy');
    const to = newAddress('hal');
    await addVerified(hal, to);
    await setRules(hal, [
      { afterMinutes: 0, channel: 'push' },
      { afterMinutes: 3, channel: 'email' },
      { afterMinutes: 6, channel: 'email' },
    ]);
    const inc = await openOn(
      await serviceWithPolicy([
        { delayMinutes: 1, targets: [{ type: 'user', id: hal.id }] },
        { delayMinutes: 30, targets: [{ type: 'user', id: ivy.id }] },
      ]),
    );
    await untilEscalated(inc.id, /level 1/);
    clock.advanceMinutes(1);
    expect(texts(await fireAlarm(inc.id))).toContain('Escalated to level 2: Ivy');
    clock.advanceMinutes(2);
    expect(emailEntries(await fireAlarm(inc.id))).toEqual([
      `Emailed Hal at ${to}: accepted by the mail server`,
    ]);
    await json(
      api(`/api/incidents/${inc.id}/reassign`, {
        body: { assignees: [ivy.id] },
        headers: ADMIN,
      }),
      200,
    );
    clock.advanceMinutes(3);
    expect(emailEntries(await fireAlarm(inc.id))).toHaveLength(1);
  });

  it('defers a low-urgency page outside working hours to the next start, then emails it', async () => {
    const jo = await createUser('Jo');
    const to = newAddress('jo');
    await addVerified(jo, to);
    await json(
      api('/api/notification-rules', {
        method: 'PUT',
        body: {
          high: emailNow,
          low: emailNow,
          workingHours: {
            timeZone: 'UTC',
            days: [1, 2, 3, 4, 5, 6, 7],
            start: '05:00',
            end: '06:00',
          },
        },
        headers: jo.auth,
      }),
      200,
    );
    // Move the clock to the next 03:00 UTC: two hours before Jo's working day starts.
    const minute = Math.floor((clock.now() % 86_400_000) / 60_000);
    clock.advanceMinutes((180 - minute + 1440) % 1440 || 1440);
    const svc = await serviceWithPolicy([
      { delayMinutes: 600, targets: [{ type: 'user', id: jo.id }] },
    ]);
    const res = await api('/api/incidents', {
      body: { title: 'Disk 80% full', serviceId: svc, severity: 'warning' },
      headers: ADMIN,
    });
    const inc = (await json<{ incident: Incident }>(res, 201)).incident;
    const entries = await untilEscalated(inc.id, /outside working hours/);
    expect(texts(entries).find((t) => t.includes('outside working hours'))).toMatch(
      /^Jo is outside working hours: low-urgency notifications wait until \d{4}-\d\d-\d\d 05:00 UTC$/,
    );
    expect(emailEntries(entries)).toEqual([]);
    clock.advanceMinutes(119);
    expect(emailEntries(await fireAlarm(inc.id))).toEqual([]);
    clock.advanceMinutes(1);
    expect(emailEntries(await fireAlarm(inc.id))).toEqual([
      `Emailed Jo at ${to}: accepted by the mail server`,
    ]);
  });
});
