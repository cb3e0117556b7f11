/**
 * Page drills: a team's drill fires before each handoff (or on demand), pages the incoming person on every
 * method, and waits for the service worker's receipt (push), the mail server's acceptance (email) or Twilio's
 * status callback (SMS, voice). Push goes to a real HTTP stand-in (test/setup/webhook-receiver.mjs, one path
 * per device), email to the real SMTP server (test/setup/smtp-server.mjs), texts and calls to the Twilio
 * stand-in (test/setup/twilio-stand-in.mjs), which also writes and signs the status callbacks; time moves
 * with the injected clock and the drill object's alarm.
 */
import { env, runDurableObjectAlarm } from 'cloudflare:test';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, inject } from 'vitest';
import type { Drill, FailingMethod } from '../../schema/drill-schemas';
import { addSubscription } from '../../worker/directory/push-subscriptions';
import { drillsStub } from '../../worker/drills/object';
import { newId } from '../../worker/ids';
import { ACTION_TOKEN_LIFETIME_MS, signActionToken } from '../../worker/push/action-token';
import { ADMIN, api, createUser, json, type TestUser } from '../helpers';
import { controlClock, schedule } from '../escalation/setup';
import { subscriber } from '../push/fixtures';
import {
  fromTwilio,
  mailbox,
  newAddress,
  sentTo,
  scriptTwilio,
  twilioStandIn,
  verifiedMethod,
} from './fixtures';

const MIN = 60_000;
let seq = 0;
const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}${(seq++).toString(36)}`;

/** What one device's push service stand-in received. */
const pushes = async (key: string) =>
  (await fetch(`${inject('webhookReceiver')}/received/${key}`)).json<unknown[]>();

/** A device whose push service is the stand-in at /hook/<key>, answering `answers` in turn (then 200). */
async function device(user: TestUser, label: string, answers: { status: number }[] = []) {
  const key = unique('drill-push');
  if (answers.length)
    await fetch(`${inject('webhookReceiver')}/script/${key}`, {
      method: 'PUT',
      body: JSON.stringify(answers),
    });
  const keys = await subscriber();
  const added = await addSubscription(env.DB, {
    id: newId('psb'),
    userId: user.id,
    label,
    endpoint: `${inject('webhookReceiver')}/hook/${key}`,
    p256dh: keys.p256dh,
    auth: keys.auth,
    now: Date.now(),
  });
  return { id: added!.subscription.id, key };
}

/**
 * Twilio's status callback for a text or call, as the stand-in writes and signs it, posted to the URL the
 * Worker gave as StatusCallback; `signature` overrides Twilio's.
 */
async function statusCallback(sid: string, status: string, errorCode?: number, signature?: string) {
  const cb = await (
    await twilioStandIn(`/status/${sid}`, {
      method: 'POST',
      body: JSON.stringify({ status, errorCode }),
    })
  ).json<{ url: string; params: Record<string, string>; signature: string }>();
  return fromTwilio(cb.url, cb.params, signature ?? cb.signature);
}

/** A team whose one schedule has `users` in daily turns, the first handing over to the second at `handoff`. */
async function team(users: TestUser[], handoff: number, members: TestUser[] = users) {
  const { team } = await json<{ team: { id: string } }>(
    api('/api/teams', {
      body: { name: unique('Team'), userIds: members.map((u) => u.id) },
      headers: ADMIN,
    }),
    201,
  );
  const start = new Date(handoff - 24 * 60 * MIN).toISOString().slice(0, 16);
  const scheduleId = await schedule('Primary', [
    {
      id: 'l1',
      name: 'Primary',
      users: users.map((u) => u.id),
      rotation: { type: 'daily' },
      start,
    },
  ]);
  await env.DB.prepare('UPDATE schedules SET team_id = ? WHERE id = ?')
    .bind(team.id, scheduleId)
    .run();
  return team.id;
}

/** The receipt the service worker posts when it shows the drill page (its token, as the payload carries it). */
async function receipt(user: TestUser, drillId: string, subscriptionId: string, at: number) {
  const token = await signActionToken(env.SESSION_SECRET, {
    userId: user.id,
    incidentId: `drill:${drillId}`,
    subscriptionId,
    exp: at + ACTION_TOKEN_LIFETIME_MS,
  });
  return { token, post: () => api('/api/push/receipts', { body: { token } }) };
}

const report = async (teamId: string) =>
  (await json<{ drills: Drill[] }>(api(`/api/teams/${teamId}/drills`, { headers: ADMIN }), 200))
    .drills;
const runNow = async (teamId: string) =>
  (
    await json<{ drill: Drill }>(
      api(`/api/teams/${teamId}/drills`, { method: 'POST', headers: ADMIN }),
      201,
    )
  ).drill;
const failing = async () =>
  (await json<{ failing: FailingMethod[] }>(api('/api/drills/failing', { headers: ADMIN }), 200))
    .failing;
const fireDrillAlarm = (teamId: string) => runDurableObjectAlarm(drillsStub(env, teamId));

let clock: ReturnType<typeof controlClock>;
beforeAll(() => {
  // The push service stand-in listens on http://127.0.0.1.
  env.ALLOW_INSECURE_OUTBOUND = 'true';
});
afterAll(() => {
  env.ALLOW_INSECURE_OUTBOUND = undefined;
});
beforeEach(() => {
  clock = controlClock();
});
afterEach(() => clock.restore());

describe('scheduled drills', () => {
  it('drills the incoming person 30 minutes before the handoff, not before, and passes the device whose receipt arrives with its time to receipt', async () => {
    const ana = await createUser('Ana');
    const bea = await createUser('Bea');
    const handoff = Math.ceil((clock.now() + 2 * 60 * MIN) / MIN) * MIN;
    const teamId = await team([ana, bea], handoff);
    const anaPhone = await device(ana, 'Ana’s Pixel');
    const beaPhone = await device(bea, 'Bea’s iPhone');

    const saved = await json<{ nextDrillAt: number }>(
      api(`/api/teams/${teamId}/drill-settings`, {
        method: 'PUT',
        body: { minutesBefore: 30, receiptMinutes: 10 },
        headers: ADMIN,
      }),
      200,
    );
    expect(saved.nextDrillAt).toBe(handoff - 30 * MIN);

    clock.advanceMinutes((handoff - 31 * MIN - clock.now()) / MIN);
    await fireDrillAlarm(teamId);
    expect(await report(teamId)).toEqual([]);
    expect(await pushes(beaPhone.key)).toEqual([]);

    clock.advanceMinutes(1);
    await fireDrillAlarm(teamId);
    const [drill] = await report(teamId);
    expect(drill).toMatchObject({
      trigger: 'scheduled',
      handoffAt: handoff,
      status: 'running',
      people: [
        {
          userId: bea.id,
          checks: [{ channel: 'push', label: 'Bea’s iPhone', status: 'waiting' }],
        },
      ],
    });
    expect(await pushes(beaPhone.key)).toHaveLength(1);
    expect(await pushes(anaPhone.key)).toEqual([]);

    // The phone shows it 95 s later; the service worker posts the receipt.
    clock.advanceMinutes(95 / 60);
    const { post } = await receipt(bea, drill!.id, beaPhone.id, clock.now());
    expect((await post()).status).toBe(204);
    const [passed] = await report(teamId);
    expect(passed!.status).toBe('passed');
    expect(passed!.people[0]!.checks[0]).toMatchObject({ status: 'passed', msToReceipt: 95_000 });
    // A drill page is a test page too: the device now counts as verified.
    const mine = await json<{ subscriptions: { id: string; verifiedAt: number | null }[] }>(
      api('/api/push/subscriptions', { headers: bea.auth }),
      200,
    );
    expect(mine.subscriptions.find((s) => s.id === beaPhone.id)?.verifiedAt).toBe(clock.now());

    // The same handoff is never drilled twice; the next one is planned a day later.
    const settings = await json<{ nextDrillAt: number }>(
      api(`/api/teams/${teamId}/drill-settings`, { headers: ADMIN }),
      200,
    );
    expect(settings.nextDrillAt).toBe(handoff + 24 * 60 * MIN - 30 * MIN);
  });

  it('plans again when an override moves the next handoff closer, and back when the override is removed', async () => {
    const ana = await createUser('Ana');
    const bea = await createUser('Bea');
    const cy = await createUser('Cy');
    const handoff = Math.ceil((clock.now() + 10 * 60 * MIN) / MIN) * MIN;
    const teamId = await team([ana, bea], handoff, [ana, bea, cy]);
    const nextDrillAt = async () =>
      (
        await json<{ nextDrillAt: number | null }>(
          api(`/api/teams/${teamId}/drill-settings`, { headers: ADMIN }),
        )
      ).nextDrillAt;
    await json(
      api(`/api/teams/${teamId}/drill-settings`, {
        method: 'PUT',
        body: { minutesBefore: 30, receiptMinutes: 10 },
        headers: ADMIN,
      }),
      200,
    );
    expect(await nextDrillAt()).toBe(handoff - 30 * MIN);

    // Cy covers from three hours from now: a handoff sooner than the plan's next periodic look (six hours).
    const scheduleId = (await env.DB.prepare('SELECT id FROM schedules WHERE team_id = ?')
      .bind(teamId)
      .first<string>('id'))!;
    const start = Math.ceil((clock.now() + 3 * 60 * MIN) / MIN) * MIN;
    const { override } = await json<{ override: { id: string } }>(
      api(`/api/schedules/${scheduleId}/overrides`, {
        body: { userId: cy.id, start, end: start + 60 * MIN },
        headers: ADMIN,
      }),
      201,
    );
    expect(await nextDrillAt()).toBe(start - 30 * MIN);

    const removed = await api(`/api/schedules/${scheduleId}/overrides/${override.id}`, {
      method: 'DELETE',
      headers: ADMIN,
    });
    expect(removed.status).toBe(204);
    expect(await nextDrillAt()).toBe(handoff - 30 * MIN);
  });

  it('fails a push device whose receipt never comes within the bound', async () => {
    const cai = await createUser('Cai');
    const teamId = await team([cai], clock.now() + 60 * MIN);
    const phone = await device(cai, 'Cai’s Pixel');
    const drill = await runNow(teamId);
    expect(drill.people[0]!.checks).toMatchObject([{ status: 'waiting' }]);
    clock.advanceMinutes(9);
    await fireDrillAlarm(teamId);
    expect((await report(teamId))[0]!.status).toBe('running');
    clock.advanceMinutes(1);
    await fireDrillAlarm(teamId);
    const [done] = await report(teamId);
    expect(done!.status).toBe('failed');
    expect(done!.people[0]!.checks[0]).toMatchObject({
      status: 'failed',
      detail: 'no receipt within 10 min: the phone never showed it',
      msToReceipt: null,
    });
    // A receipt after the deadline is noted, but does not pass the drill.
    const { post } = await receipt(cai, drill.id, phone.id, clock.now());
    expect((await post()).status).toBe(204);
    expect((await report(teamId))[0]!.people[0]!.checks[0]!.status).toBe('failed');
  });
});

describe('drills that find a broken method', () => {
  it('flags a dead device (its push service answers 410) and tells the person over email and the team admin', async () => {
    const ada = await createUser('Ada', 'admin');
    const dev = await createUser('Dev');
    const teamId = await team([dev], clock.now() + 60 * MIN, [dev, ada]);
    const phone = await device(dev, 'Dev’s old phone', [{ status: 410 }]);
    const devMail = await verifiedMethod(dev, 'email', newAddress('dev'));
    const adaMail = await verifiedMethod(ada, 'email', newAddress('ada'));

    const drill = await runNow(teamId);
    expect(drill.status).toBe('failed'); // nothing left to wait for: email accepted, push gone
    const checks = Object.fromEntries(drill.people[0]!.checks.map((c) => [c.channel, c]));
    expect(checks.push).toMatchObject({
      status: 'failed',
      label: 'Dev’s old phone',
      detail: 'device gone (410), subscription removed',
    });
    expect(checks.email).toMatchObject({ status: 'passed', label: devMail });
    expect(await pushes(phone.key)).toHaveLength(1);

    expect(await failing()).toContainEqual(
      expect.objectContaining({
        teamId,
        userId: dev.id,
        channel: 'push',
        label: 'Dev’s old phone',
        detail: 'device gone (410), subscription removed',
      }),
    );
    const toDev = await mailbox(devMail);
    expect(toDev.map((m) => m.subject)).toEqual([
      'Firebell drill: this address gets your pages',
      'Firebell drill failed: fix it before your shift',
    ]);
    expect(toDev[1]!.text).toContain('Dev’s old phone (device gone (410)');
    const toAda = await mailbox(adaMail);
    expect(toAda.map((m) => m.subject)).toEqual(['Firebell drill failed for Dev']);
    expect(toAda[0]!.text).toContain('could not reach Dev on: Dev’s old phone');

    // Fixed (a new phone registered) and drilled again: the flag clears.
    const newPhone = await device(dev, 'Dev’s new phone');
    const again = await runNow(teamId);
    const { post } = await receipt(dev, again.id, newPhone.id, clock.now());
    expect((await post()).status).toBe(204);
    expect((await failing()).filter((f) => f.userId === dev.id)).toEqual([]);
  });

  it('flags an address the mail server refuses (550), and tells the person over the device that passed', async () => {
    const eli = await createUser('Eli');
    const teamId = await team([eli], clock.now() + 60 * MIN);
    const phone = await device(eli, 'Eli’s Pixel');
    const refused = await verifiedMethod(eli, 'email', newAddress('refuse-eli'));

    const drill = await runNow(teamId);
    expect(drill.status).toBe('running');
    expect(drill.people[0]!.checks.find((c) => c.channel === 'email')).toMatchObject({
      status: 'failed',
      label: refused,
      detail: 'refused by the mail server: 550 5.1.1 Mailbox does not exist',
    });
    clock.advanceMinutes(0.5);
    const { post } = await receipt(eli, drill.id, phone.id, clock.now());
    expect((await post()).status).toBe(204);
    const [done] = await report(teamId);
    expect(done!.status).toBe('failed');
    expect(done!.people[0]!.checks.find((c) => c.channel === 'push')).toMatchObject({
      status: 'passed',
      msToReceipt: 30_000,
    });
    expect(await failing()).toContainEqual(
      expect.objectContaining({ userId: eli.id, channel: 'email', label: refused }),
    );
    // Addresses are personal: a teammate sees only their shape.
    const teammate = await createUser('Ivo');
    const seen = await json<{ failing: FailingMethod[] }>(
      api('/api/drills/failing', { headers: teammate.auth }),
      200,
    );
    expect(seen.failing.find((f) => f.userId === eli.id)?.label).toBe('r…@example.test');
    // The drill page, then the notice about the refused address, on the phone that works.
    expect(await pushes(phone.key)).toHaveLength(2);
  });

  it('flags an incoming person with no device and no verified address at all', async () => {
    const hal = await createUser('Hal');
    const teamId = await team([hal], clock.now() + 60 * MIN);
    const drill = await runNow(teamId);
    expect(drill).toMatchObject({
      status: 'failed',
      people: [
        {
          userId: hal.id,
          checks: [{ status: 'failed', label: 'no device, verified email or phone' }],
        },
      ],
    });
    expect(await failing()).toContainEqual(
      expect.objectContaining({
        userId: hal.id,
        detail: expect.stringMatching(/^nothing to page/),
      }),
    );
  });
});

describe('drills of SMS and voice numbers', () => {
  it('texts and calls each verified number, and passes them on Twilio’s signed status callback (delivered, completed) with the time to it', async () => {
    const jo = await createUser('Jo');
    const teamId = await team([jo], clock.now() + 60 * MIN);
    const text = await verifiedMethod(jo, 'sms');
    const call = await verifiedMethod(jo, 'voice');

    const drill = await runNow(teamId);
    const checks = () =>
      report(teamId).then((d) =>
        Object.fromEntries(d[0]!.people[0]!.checks.map((c) => [c.channel, c])),
      );
    // Twilio accepting the request is not the test: both wait for the status callback.
    expect(drill.status).toBe('running');
    expect(await checks()).toMatchObject({
      sms: { label: text, status: 'waiting' },
      voice: { label: call, status: 'waiting' },
    });
    const [sms] = await sentTo(text);
    const [voice] = await sentTo(call);
    const callbackUrl = (methodId: string) =>
      `http://127.0.0.1:8787/hooks/twilio/drill-status?drill=${drill.id}&method=${methodId}`;
    expect(sms).toMatchObject({
      resource: 'Messages',
      params: {
        Body: expect.stringContaining('Firebell page drill'),
        StatusCallback: callbackUrl((await checks()).sms!.methodId),
      },
    });
    expect(voice).toMatchObject({
      resource: 'Calls',
      params: {
        Twiml: expect.stringContaining('Firebell page drill'),
        StatusCallback: callbackUrl((await checks()).voice!.methodId),
        StatusCallbackMethod: 'POST',
      },
    });

    // Sent (handed to the carrier) is progress, not a pass; a forged callback changes nothing.
    expect((await statusCallback(sms!.sid, 'sent')).status).toBe(204);
    const forged = await statusCallback(
      sms!.sid,
      'delivered',
      undefined,
      'AAAAAAAAAAAAAAAAAAAAAAAAAAA=',
    );
    expect(forged.status).toBe(403);
    expect(forged.headers.get('content-type')).toContain('application/problem+json');
    expect((await checks()).sms!.status).toBe('waiting');

    clock.advanceMinutes(0.5);
    expect((await statusCallback(sms!.sid, 'delivered')).status).toBe(204);
    clock.advanceMinutes(0.25);
    expect((await statusCallback(voice!.sid, 'completed')).status).toBe(204);
    expect(await checks()).toMatchObject({
      sms: { status: 'passed', msToReceipt: 30_000 },
      voice: { status: 'passed', msToReceipt: 45_000 },
    });
    // Nothing left to wait for: the drill finished at the last callback, and a repeat changes nothing.
    expect((await report(teamId))[0]!.status).toBe('passed');
    clock.advanceMinutes(1);
    expect((await statusCallback(sms!.sid, 'delivered')).status).toBe(204);
    expect((await checks()).sms!.msToReceipt).toBe(30_000);
    expect((await failing()).filter((f) => f.userId === jo.id)).toEqual([]);
  });

  it('fails a text Twilio reports undelivered, a number it refuses, a text stuck at sent and an unanswered call; flags them and tells the person by the text that passed and the admin', async () => {
    const ada = await createUser('Ada', 'admin');
    const kit = await createUser('Kit');
    const teamId = await team([kit], clock.now() + 60 * MIN, [kit, ada]);
    const good = await verifiedMethod(kit, 'sms');
    const undelivered = await verifiedMethod(kit, 'sms');
    const refused = await verifiedMethod(kit, 'sms');
    const stuck = await verifiedMethod(kit, 'sms');
    const call = await verifiedMethod(kit, 'voice');
    const adaMail = await verifiedMethod(ada, 'email', newAddress('ada-phones'));
    await scriptTwilio(refused, [400]);

    const drill = await runNow(teamId);
    const byLabel = async () =>
      Object.fromEntries((await report(teamId))[0]!.people[0]!.checks.map((c) => [c.label, c]));
    expect(drill.people[0]!.checks.find((c) => c.label === refused)).toMatchObject({
      status: 'failed',
      detail: `refused by Twilio: 400 The 'To' number ${refused} is not a valid phone number. (21211)`,
    });
    const sid = async (n: string) => (await sentTo(n))[0]!.sid;
    await statusCallback(await sid(good), 'delivered');
    await statusCallback(await sid(undelivered), 'undelivered', 30003);
    await statusCallback(await sid(stuck), 'sent');
    await statusCallback(await sid(call), 'ringing');
    expect((await byLabel())[undelivered]).toMatchObject({
      status: 'failed',
      detail: 'Twilio reports the text undelivered (error 30003)',
    });

    clock.advanceMinutes(10);
    await fireDrillAlarm(teamId);
    const checks = await byLabel();
    expect((await report(teamId))[0]!.status).toBe('failed');
    expect(checks[good]).toMatchObject({ status: 'passed' });
    expect(checks[stuck]).toMatchObject({
      status: 'failed',
      detail: 'no delivery report from Twilio within 10 min (last status: sent)',
    });
    expect(checks[call]).toMatchObject({
      status: 'failed',
      detail: 'the call was not answered within 10 min (last status: ringing)',
    });
    // A busy line reported after the deadline leaves the check as the deadline settled it.
    await statusCallback(await sid(call), 'busy');
    expect((await byLabel())[call]!.detail).toMatch(/^the call was not answered within 10 min/);

    const flagged = (await failing()).filter((f) => f.userId === kit.id);
    expect(flagged.map((f) => [f.channel, f.label]).sort()).toEqual(
      [
        ['sms', refused],
        ['sms', stuck],
        ['sms', undelivered],
        ['voice', call],
      ].sort(),
    );
    // Numbers are personal: a teammate sees only their shape.
    const teammate = await createUser('Lou');
    const seen = await json<{ failing: FailingMethod[] }>(
      api('/api/drills/failing', { headers: teammate.auth }),
      200,
    );
    expect(
      seen.failing.find((f) => f.label.endsWith(call.slice(-2)) && f.userId === kit.id)?.label,
    ).toBe(`+44…${call.slice(-2)}`);
    // Kit hears on the number that passed; the admin by email.
    const toKit = await sentTo(good);
    expect(toKit).toHaveLength(2);
    expect(toKit[1]!.params.Body).toMatch(/^Firebell drill failed: fix it before your shift\. /);
    expect(toKit[1]!.params.Body).toContain(`${undelivered} (Twilio reports the text undelivered`);
    expect((await sentTo(undelivered)).length).toBe(1);
    const toAda = await mailbox(adaMail);
    expect(toAda.map((m) => m.subject)).toEqual(['Firebell drill failed for Kit']);
    expect(toAda[0]!.text).toContain(`${call} (the call was not answered`);
  });
});

describe('the receipt endpoint', () => {
  it('records a receipt once, and refuses forged, expired and malformed ones with problem+json', async () => {
    const fay = await createUser('Fay');
    const teamId = await team([fay], clock.now() + 60 * MIN);
    const phone = await device(fay, 'Fay’s Pixel');
    const drill = await runNow(teamId);
    const { token, post } = await receipt(fay, drill.id, phone.id, clock.now());

    const forged = await api('/api/push/receipts', {
      body: { token: `${token.slice(0, -4)}AAAA` },
    });
    expect(forged.status).toBe(401);
    expect(forged.headers.get('content-type')).toContain('application/problem+json');
    expect((await forged.json<{ detail: string }>()).detail).toMatch(/invalid or has expired/);

    const expired = await signActionToken(env.SESSION_SECRET, {
      userId: fay.id,
      incidentId: `drill:${drill.id}`,
      subscriptionId: phone.id,
      exp: clock.now() - 1,
    });
    expect((await api('/api/push/receipts', { body: { token: expired } })).status).toBe(401);

    const malformed = await api('/api/push/receipts', { body: { token, shownAt: 'soon' } });
    expect(malformed.status).toBe(400);
    expect((await malformed.json<{ detail: string }>()).detail).toMatch(/shownAt/);

    // A drill page cannot acknowledge anything.
    const ack = await api('/api/push/ack', { body: { token } });
    expect(ack.status).toBe(400);
    expect((await ack.json<{ detail: string }>()).detail).toMatch(/nothing to acknowledge/);

    clock.advanceMinutes(1);
    expect((await post()).status).toBe(204);
    clock.advanceMinutes(1);
    expect((await post()).status).toBe(204); // the service worker's background sync may send it twice
    expect((await report(teamId))[0]!.people[0]!.checks[0]!.msToReceipt).toBe(60_000);
    await expect(
      receipt(fay, 'drl_unknown', phone.id, clock.now()).then((r) => r.post()),
    ).resolves.toHaveProperty('status', 404);
  });

  it('verifies a device once a test page to it comes back with its receipt', async () => {
    const gus = await createUser('Gus');
    const phone = await device(gus, 'Gus’s Pixel');
    const list = async () =>
      (
        await json<{ subscriptions: { id: string; verifiedAt: number | null }[] }>(
          api('/api/push/subscriptions', { headers: gus.auth }),
          200,
        )
      ).subscriptions.find((s) => s.id === phone.id);
    expect((await list())?.verifiedAt).toBeNull();
    await json(
      api(`/api/push/subscriptions/${phone.id}/test`, { headers: gus.auth, method: 'POST' }),
      200,
    );
    expect(await pushes(phone.key)).toHaveLength(1);
    // The 201 alone verifies nothing: only the service worker's receipt does.
    expect((await list())?.verifiedAt).toBeNull();
    const token = await signActionToken(env.SESSION_SECRET, {
      userId: gus.id,
      incidentId: 'test',
      subscriptionId: phone.id,
      exp: clock.now() + ACTION_TOKEN_LIFETIME_MS,
    });
    expect((await api('/api/push/receipts', { body: { token } })).status).toBe(204);
    expect((await list())?.verifiedAt).toBe(clock.now());
  });
});

describe('a newly registered device', () => {
  it('gets a test page at registration, whose receipt verifies it without a tap; registering it again sends none', async () => {
    const ida = await createUser('Ida');
    const key = unique('drill-push');
    const keys = await subscriber();
    const body = {
      endpoint: `${inject('webhookReceiver')}/hook/${key}`,
      keys: { p256dh: keys.p256dh, auth: keys.auth },
      label: 'Ida’s Pixel',
    };
    const registered = await json<{ subscription: { id: string }; testPage: string }>(
      api('/api/push/subscriptions', { body, headers: ida.auth }),
      201,
    );
    expect(registered.testPage).toMatch(/^Test page to "Ida’s Pixel": /);
    expect(await pushes(key)).toHaveLength(1);
    const device = async () =>
      (
        await json<{ subscriptions: { id: string; verifiedAt: number | null }[] }>(
          api('/api/push/subscriptions', { headers: ida.auth }),
          200,
        )
      ).subscriptions.find((s) => s.id === registered.subscription.id);
    // Accepted by the push service is not verified: the service worker showing it is.
    expect((await device())?.verifiedAt).toBeNull();
    const token = await signActionToken(env.SESSION_SECRET, {
      userId: ida.id,
      incidentId: 'test',
      subscriptionId: registered.subscription.id,
      exp: clock.now() + ACTION_TOKEN_LIFETIME_MS,
    });
    expect((await api('/api/push/receipts', { body: { token } })).status).toBe(204);
    expect((await device())?.verifiedAt).toBe(clock.now());

    // The same endpoint registered again (notifications turned on again) updates it, and pages nothing.
    await json(api('/api/push/subscriptions', { body, headers: ida.auth }), 200);
    expect(await pushes(key)).toHaveLength(1);
  });
});

describe('the API document', () => {
  it('documents the drill routes and the receipt in /api/openapi.json', async () => {
    const doc = await json<{ paths: Record<string, Record<string, unknown>> }>(
      api('/api/openapi.json'),
      200,
    );
    expect(Object.keys(doc.paths['/api/teams/{id}/drill-settings'] ?? {})).toEqual(['get', 'put']);
    expect(Object.keys(doc.paths['/api/teams/{id}/drills'] ?? {})).toEqual(['post', 'get']);
    expect(doc.paths['/api/drills/failing']?.get).toBeDefined();
    expect(doc.paths['/api/push/receipts']?.post).toBeDefined();
  });
});
