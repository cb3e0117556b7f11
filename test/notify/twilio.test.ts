/**
 * SMS and voice pages through a stand-in of Twilio's REST API (test/setup/twilio-stand-in.mjs), which
 * checks the documented request format and signs callbacks as Twilio does; and people whose notification
 * rules reach nobody, flagged by name. Timing uses the injected clock and the incident's alarm, never a sleep.
 */
import { env } from 'cloudflare:test';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Incident, TimelineEntry } from '../../schema/incident';
import { newId } from '../../worker/ids';
import { twilioSignature } from '../../worker/notify/twilio-api';
import { ADMIN, BASE, api, command, createUser, json } from '../helpers';
import {
  controlClock,
  fireAlarm,
  openOn,
  serviceWithPolicy,
  texts,
  untilEscalated,
} from '../escalation/setup';
import {
  fromTwilio,
  newNumber,
  scriptTwilio,
  sentTo,
  setRules,
  signedBy,
  twilioStandIn,
  verifiedMethod,
} from './fixtures';

const TWILIO_NUMBER = '+15005550006';

const inboundText = (from: string, body: string, sid = newId('SM')) => ({
  AccountSid: env.TWILIO_ACCOUNT_SID!,
  MessageSid: sid,
  From: from,
  To: TWILIO_NUMBER,
  Body: body,
  NumMedia: '0',
});

async function incident(id: string): Promise<Incident> {
  return (await json<{ incident: Incident }>(api(`/api/incidents/${id}`, { headers: ADMIN }), 200))
    .incident;
}

const phoneEntries = (entries: TimelineEntry[]) =>
  texts(entries).filter((t) => t.startsWith('Texted') || t.startsWith('Called'));
const acks = (entries: TimelineEntry[]) => entries.filter((e) => e.kind === 'acknowledged');

/** Someone paged by SMS at minute 0 about a fresh incident on their own service. */
async function textedPage(name: string) {
  const user = await createUser(name);
  const number = await verifiedMethod(user, 'sms');
  await setRules(user, [{ afterMinutes: 0, channel: 'sms' }]);
  const inc = await openOn(
    await serviceWithPolicy([{ delayMinutes: 30, targets: [{ type: 'user', id: user.id }] }]),
    'Checkout is down',
  );
  await untilEscalated(inc.id, /^Texted/);
  return { user, number, inc };
}

let clock: ReturnType<typeof controlClock>;
beforeEach(() => {
  clock = controlClock();
});
afterEach(() => clock.restore());

describe('people nobody can reach', () => {
  it('names a paged person whose rules reach nobody, flags them on call and in Admin, and clears once a method their rules use is verified', async () => {
    const una = await createUser('Una');
    const svc = await serviceWithPolicy([
      { delayMinutes: 30, targets: [{ type: 'user', id: una.id }] },
    ]);
    const first = await openOn(svc);
    const entries = await untilEscalated(first.id, /cannot be reached/);
    expect(texts(entries)).toContain(
      'Una cannot be reached: no push device and no verified email or phone',
    );
    const flagged = async () => ({
      me: (await json<{ reachable: boolean }>(api('/api/oncall/me', { headers: una.auth }), 200))
        .reachable,
      admin: (
        await json<{ users: { id: string; reachable?: boolean }[] }>(
          api('/api/users', { headers: ADMIN }),
          200,
        )
      ).users.find((u) => u.id === una.id)?.reachable,
    });
    expect(await flagged()).toEqual({ me: false, admin: false });

    // A phone verified by the code Twilio delivered (written loosely; stored as E.164).
    const number = newNumber();
    const loose = `${number.slice(0, 3)} ${number.slice(3, 7)} ${number.slice(7)}`;
    const added = await json<{ method: { id: string; kind: string; address: string } }>(
      api('/api/contact-methods', { body: { kind: 'sms', address: loose }, headers: una.auth }),
      201,
    );
    expect(added.method).toMatchObject({ kind: 'sms', address: number });
    const [codeText] = await sentTo(number);
    expect(codeText!.resource).toBe('Messages');
    const code = /\b(\d{6})\b/.exec(codeText!.params.Body!)![1]!;
    await json(
      api(`/api/contact-methods/${added.method.id}/verify`, { body: { code }, headers: una.auth }),
      200,
    );
    // Verified, but her rules (the default: push, then email) never text: still nobody reaches her.
    expect(await flagged()).toEqual({ me: false, admin: false });
    await setRules(una, [{ afterMinutes: 0, channel: 'sms' }]);
    expect(await flagged()).toEqual({ me: true, admin: true });

    const second = await openOn(svc);
    const after = await untilEscalated(second.id, /^Texted/);
    expect(texts(after).some((t) => t.includes('cannot be reached'))).toBe(false);
    expect(phoneEntries(after)).toEqual([
      expect.stringMatching(
        new RegExp(`^Texted Una at \\${number}: accepted by Twilio \\(SM\\w+\\)$`),
      ),
    ]);
  });

  it('refuses a phone number that is not E.164, with a useful detail', async () => {
    const res = await api('/api/contact-methods', {
      body: { kind: 'voice', address: '07700 900123' },
      headers: (await createUser('Vic')).auth,
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect((await res.json<{ detail: string }>()).detail).toMatch(/E\.164/);
  });
});

describe('SMS and voice pages', () => {
  it('texts at minute 5 only if nobody acknowledged, in the request format Twilio documents', async () => {
    const ana = await createUser('Ana');
    const number = await verifiedMethod(ana, 'sms');
    await setRules(ana, [
      { afterMinutes: 0, channel: 'push' },
      { afterMinutes: 5, channel: 'sms' },
    ]);
    const svc = await serviceWithPolicy([
      { delayMinutes: 30, targets: [{ type: 'user', id: ana.id }] },
    ]);
    const quiet = await openOn(svc, 'Acknowledged in time');
    const loud = await openOn(svc, 'Nobody answers');
    for (const inc of [quiet, loud]) {
      const entries = await untilEscalated(inc.id, /Escalated to level 1/);
      expect(phoneEntries(entries)).toEqual([]);
    }
    clock.advanceMinutes(2);
    await command(ana, quiet.id, 'acknowledge');
    clock.advanceMinutes(2.9);
    expect(phoneEntries(await fireAlarm(loud.id))).toEqual([]);
    clock.advanceMinutes(0.1);
    expect(phoneEntries(await fireAlarm(quiet.id))).toEqual([]);
    const texted = phoneEntries(await fireAlarm(loud.id));
    const sent = await sentTo(number);
    expect(sent).toHaveLength(1);
    expect(texted).toEqual([`Texted Ana at ${number}: accepted by Twilio (${sent[0]!.sid})`]);
    expect(sent[0]!.resource).toBe('Messages');
    expect(sent[0]!.params).toMatchObject({ To: number, From: TWILIO_NUMBER });
    expect(sent[0]!.params.Body).toBe(
      `Firebell #${loud.number} critical: Nobody answers (Service ${svc}). Reply ACK ${loud.number} to acknowledge, RES ${loud.number} to resolve.`,
    );
    expect(await (await twilioStandIn('/violations')).json()).toEqual([]);
  });

  it('acknowledges once when the paged person texts back "ACK 42"', async () => {
    const { number, inc } = await textedPage('Bo');
    const url = `${BASE}/hooks/twilio/sms`;
    const reply = await fromTwilio(url, inboundText(number, `ack ${inc.number}`));
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toContain('text/xml');
    expect(await reply.text()).toBe(
      `<?xml version="1.0" encoding="UTF-8"?><Response><Message>You acknowledged #${inc.number} Checkout is down. The others can see you are on it.</Message></Response>`,
    );
    // Twilio redelivering the same message, and a second text, acknowledge nothing more.
    const sid = newId('SM');
    await fromTwilio(url, inboundText(number, `ACK ${inc.number}`, sid));
    await fromTwilio(url, inboundText(number, `ACK ${inc.number}`, sid));
    expect(acks(await fireAlarm(inc.id)).map((e) => e.text)).toEqual(['Acknowledged by Bo']);
    expect((await incident(inc.id)).status).toBe('acknowledged');

    const help = await fromTwilio(url, inboundText(number, 'what?'));
    expect(await help.text()).toContain('Reply ACK 42 to acknowledge incident #42');
    const resolved = await fromTwilio(url, inboundText(number, `RES ${inc.number}`));
    expect(await resolved.text()).toContain(`You resolved #${inc.number}`);
    expect((await incident(inc.id)).status).toBe('resolved');
  });

  it('acknowledges when the person presses 1 on the page call', async () => {
    const cy = await createUser('Cy');
    const number = await verifiedMethod(cy, 'voice');
    await setRules(cy, [{ afterMinutes: 0, channel: 'voice' }]);
    const inc = await openOn(
      await serviceWithPolicy([{ delayMinutes: 30, targets: [{ type: 'user', id: cy.id }] }]),
      'Database is on fire',
    );
    const entries = await untilEscalated(inc.id, /^Called/);
    const [call] = await sentTo(number);
    expect(call!.resource).toBe('Calls');
    expect(phoneEntries(entries)).toEqual([
      `Called Cy at ${number}: accepted by Twilio (${call!.sid})`,
    ]);
    const twiml = call!.params.Twiml!;
    expect(twiml).toContain('<Gather numDigits="1"');
    expect(twiml).toContain(`Incident ${inc.number}, critical`);
    expect(twiml).toContain('Database is on fire. Press 1 to acknowledge.');
    const action = /action="([^"]+)"/.exec(twiml)![1]!.replace(/&amp;/g, '&');
    expect(action).toBe(`${BASE}/hooks/twilio/voice?incident=${inc.id}`);

    const gather = (digits: string) =>
      fromTwilio(action, {
        AccountSid: env.TWILIO_ACCOUNT_SID!,
        CallSid: call!.sid,
        CallStatus: 'in-progress',
        Direction: 'outbound-api',
        From: TWILIO_NUMBER,
        To: number,
        Digits: digits,
      });
    const other = await gather('9');
    expect(await other.text()).toContain('<Say>Not acknowledged.');
    expect((await incident(inc.id)).status).toBe('triggered');
    const pressed = await gather('1');
    expect(pressed.status).toBe(200);
    expect(await pressed.text()).toContain(
      `<Say>You acknowledged #${inc.number} Database is on fire.`,
    );
    expect(acks(await fireAlarm(inc.id)).map((e) => e.text)).toEqual(['Acknowledged by Cy']);
  });

  it('computes X-Twilio-Signature as in Twilio’s published example', async () => {
    const params = {
      CallSid: 'CA1234567890ABCDE',
      Caller: '+12349013030',
      Digits: '1234',
      From: '+12349013030',
      To: '+18005551212',
    };
    const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    expect(await twilioSignature('12345', url, params)).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
    expect(await signedBy(url, params)).not.toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ='); // another token
  });

  it('refuses a forged or unsigned callback with 403 and changes nothing', async () => {
    const { number, inc } = await textedPage('Di');
    const url = `${BASE}/hooks/twilio/sms`;
    const params = inboundText(number, `ACK ${inc.number}`);
    const unsigned = await fromTwilio(url, params, '');
    expect(unsigned.status).toBe(403);
    expect(unsigned.headers.get('content-type')).toContain('application/problem+json');
    expect((await unsigned.json<{ detail: string }>()).detail).toMatch(/X-Twilio-Signature/);
    // Signed for other words, for another URL, or made up: all refused.
    const otherWords = await signedBy(url, { ...params, Body: 'hello' });
    const otherUrl = await signedBy(`${BASE}/hooks/twilio/voice`, params);
    for (const signature of [otherWords, otherUrl, 'bm90IGEgc2lnbmF0dXJlIGF0IGFsbA=='])
      expect((await fromTwilio(url, params, signature)).status).toBe(403);
    const call = await fromTwilio(
      `${BASE}/hooks/twilio/voice?incident=${inc.id}`,
      { CallSid: 'CA1', Digits: '1', To: number, From: TWILIO_NUMBER, Direction: 'outbound-api' },
      otherWords,
    );
    expect(call.status).toBe(403);
    expect((await incident(inc.id)).status).toBe('triggered');
    expect(acks(await fireAlarm(inc.id))).toEqual([]);
  });

  it('refuses a genuine text from a number no Firebell user verified', async () => {
    const { inc } = await textedPage('Ed');
    const reply = await fromTwilio(
      `${BASE}/hooks/twilio/sms`,
      inboundText(newNumber(), `ACK ${inc.number}`),
    );
    expect(reply.status).toBe(200);
    expect(await reply.text()).toContain('This number is not a verified phone in Firebell');
    expect((await incident(inc.id)).status).toBe('triggered');
  });

  it('shows a 400 from Twilio on the timeline as final, and does not retry it', async () => {
    const fi = await createUser('Fi');
    const number = await verifiedMethod(fi, 'sms');
    await scriptTwilio(number, [400]);
    await setRules(fi, [{ afterMinutes: 0, channel: 'sms' }]);
    const inc = await openOn(
      await serviceWithPolicy([{ delayMinutes: 30, targets: [{ type: 'user', id: fi.id }] }]),
    );
    const entries = await untilEscalated(inc.id, /^Texted/);
    expect(phoneEntries(entries)).toEqual([
      `Texted Fi at ${number}: refused by Twilio: 400 The 'To' number ${number} is not a valid phone number. (21211)`,
    ]);
    expect(entries.find((e) => e.text.startsWith('Texted'))?.kind).toBe('notification_failed');
    clock.advanceMinutes(10);
    expect(phoneEntries(await fireAlarm(inc.id))).toHaveLength(1);
    expect(await sentTo(number)).toEqual([]);
  });

  it('retries a 503 from Twilio with backoff and texts on the next attempt', async () => {
    const gil = await createUser('Gil');
    const number = await verifiedMethod(gil, 'sms');
    await scriptTwilio(number, [503]);
    await setRules(gil, [{ afterMinutes: 0, channel: 'sms' }]);
    const inc = await openOn(
      await serviceWithPolicy([{ delayMinutes: 30, targets: [{ type: 'user', id: gil.id }] }]),
    );
    const entries = await untilEscalated(inc.id, /^Texted/);
    expect(phoneEntries(entries)).toEqual([
      `Texted Gil at ${number}: not delivered: 503 Service unavailable (20500); will retry`,
    ]);
    clock.advanceMinutes(0.25); // before the 30 s backoff: nothing yet
    expect(phoneEntries(await fireAlarm(inc.id))).toHaveLength(1);
    clock.advanceMinutes(0.25);
    const after = phoneEntries(await fireAlarm(inc.id));
    const sent = await sentTo(number);
    expect(sent).toHaveLength(1);
    expect(after).toEqual([
      `Texted Gil at ${number}: not delivered: 503 Service unavailable (20500); will retry`,
      `Texted Gil at ${number}: accepted by Twilio (${sent[0]!.sid}) (attempt 2)`,
    ]);
  });
});
