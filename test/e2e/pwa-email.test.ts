/**
 * A responder on a phone adds an email address in Settings, verifies it with the code a real SMTP server
 * on 127.0.0.1 received, and sets email at minute 0 in their notification rules. Their phone has no push
 * device, so a page reaches them only by email; the emailed link opens a page whose one button
 * acknowledges the incident, once. Firebell runs with SMTP_HOST/SMTP_PORT in its environment (scripts/start.mjs).
 */
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
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
import { freePort, until } from './harness';

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
    await page.goto(`${fb.origin}/settings`);
    const email = page.getByRole('region', { name: 'Email' });
    await email.getByText('No email address yet.').waitFor();
    await email.getByLabel('New email address').fill('ana@example.test');
    await email.getByRole('button', { name: 'Add' }).click();
    await email.getByText('A code is on its way to ana@example.test.').waitFor();
    const codeMail = await until(
      () => inbox.find((m) => m.subject.startsWith('Firebell verification code')),
      'the code email',
    );
    const code = /\b(\d{6})\b/.exec(codeMail.text)![1]!;
    await email.getByLabel('Code from the email').fill(code);
    await email.getByRole('button', { name: 'Verify' }).click();
    await email.getByText('ana@example.test is verified', { exact: false }).waitFor();
    await email.getByText('· verified').waitFor();

    const rules = page.getByRole('region', { name: 'When to reach me' });
    const high = rules.getByRole('group', { name: 'High urgency (critical, error)' });
    expect(await high.getByLabel('Minute', { exact: true }).nth(1).inputValue()).toBe('3');
    await high.getByLabel('Minute', { exact: true }).nth(1).fill('0');
    await rules.getByRole('button', { name: 'Save rules' }).click();
    await rules.getByText('Saved: your next page follows these rules.').waitFor();
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
});
