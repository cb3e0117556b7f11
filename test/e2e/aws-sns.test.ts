/**
 * Acceptance: AWS CloudWatch alarms through Amazon SNS page Firebell (started as `npm start` starts it) through
 * a custom integration made from the aws-cloudwatch preset. AWS is not reachable here, so a local stand-in
 * plays SNS as AWS documents it (test/e2e/sns-stand-in.ts): it signs each message with its own certificate and
 * serves that certificate and the SubscribeURL on 127.0.0.1, which Firebell only fetches with
 * ALLOW_INSECURE_OUTBOUND=true. The subscription is confirmed, an ALARM opens an incident, OK resolves it, and a
 * message altered on the way is refused with 401.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Incident } from '../../schema/incident';
import { Firebell, until } from './harness';
import { SnsStandIn } from './sns-stand-in';

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(
    readFileSync(
      new URL(`../fixtures/monitors/aws-cloudwatch/${name}.json`, import.meta.url),
      'utf8',
    ),
  ) as Record<string, unknown>;
const alarm = fixture('alarm');
const ok = fixture('ok');
const ALARM_ARN = 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:checkout-high-cpu';

interface Payload {
  outcome: string;
  detail: string;
  body: string;
}

let fb: Firebell;
let sns: SnsStandIn;
let serviceId = '';
let url = '';

beforeAll(async () => {
  [fb, sns] = await Promise.all([
    Firebell.start({ ALLOW_INSECURE_OUTBOUND: 'true' }),
    SnsStandIn.start(),
  ]);
  const service = await fb.api<{ service: { id: string } }>('/api/services', {
    body: { name: 'Checkout' },
  });
  serviceId = service.body.service.id;
  const integration = await fb.api<{ url: string; name: string }>(
    `/api/services/${serviceId}/integrations`,
    { body: { type: 'custom', preset: 'aws-cloudwatch' } },
  );
  expect(integration.status).toBe(201);
  url = integration.body.url;
});
afterAll(async () => {
  await sns?.close();
  await fb?.dispose();
});

const incidents = async () =>
  (await fb.api<{ incidents: Incident[] }>(`/api/incidents?service=${serviceId}&limit=50`)).body
    .incidents;
const view = async (id: string) =>
  (
    await fb.api<{ incident: Incident; alerts: { links: { href: string }[] }[] }>(
      `/api/incidents/${id}`,
    )
  ).body;
const payloads = async () =>
  (
    await fb.api<{ integrations: { recentPayloads: Payload[] }[] }>(
      `/api/services/${serviceId}/integrations`,
    )
  ).body.integrations[0]?.recentPayloads ?? [];

/** The status of the one incident the alarm opened, as its own view shows it. */
const openStatus = async () => {
  const [listed] = await incidents();
  return listed ? (await view(listed.id)).incident.status : undefined;
};

describe('AWS CloudWatch through SNS against Firebell', () => {
  it('confirms the subscription by visiting the SubscribeURL once, however often SNS resends it', async () => {
    const confirmation = sns.subscriptionConfirmation();
    const first = await sns.deliver(url, confirmation);
    expect(first.status).toBe(202);
    expect(sns.confirmations).toEqual([confirmation.Token]);
    const notes = ((await first.json()) as { notes: string[] }).notes;
    expect(notes.join(' ')).toContain(`Confirmed the SNS subscription to ${sns.topicArn}`);

    const resent = await sns.deliver(url, confirmation);
    expect(resent.status).toBe(202);
    expect(sns.confirmations).toEqual([confirmation.Token]);
    expect(await incidents()).toEqual([]);
    // The admin sees the handshake among the integration's payloads.
    expect((await payloads())[0]?.body).toContain('SubscriptionConfirmation');
  });

  it('opens an incident for a signed ALARM notification, with the alarm’s name and a console link', async () => {
    const res = await sns.deliver(
      url,
      sns.notification(alarm, { subject: 'ALARM: "checkout-high-cpu" in US East (N. Virginia)' }),
    );
    expect(res.status).toBe(202);
    const [listed] = await until(
      async () => ((await incidents()).length ? incidents() : undefined),
      'the CloudWatch incident to open',
    );
    const { incident, alerts } = await view(listed?.id ?? '');
    expect(alerts[0]?.links).toEqual([
      expect.objectContaining({
        href: 'https://console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/checkout-high-cpu',
      }),
    ]);
    expect(incident).toMatchObject({
      status: 'triggered',
      severity: 'error',
      dedupKey: ALARM_ARN,
      title: expect.stringMatching(/^checkout-high-cpu: Threshold Crossed/),
    });
  });

  it('refuses a notification altered after SNS signed it with 401, and records the refusal', async () => {
    const signed = sns.notification(ok, { version: 2 });
    const tampered = { ...signed, Message: JSON.stringify({ ...ok, AlarmName: 'other' }) };
    const res = await sns.deliver(url, tampered);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await res.json()) as { detail: string };
    expect(problem.detail).toContain('does not match the message');
    expect(await openStatus()).toBe('triggered');
    expect((await payloads())[0]).toMatchObject({
      outcome: 'rejected',
      detail: expect.stringContaining('SNS signature'),
    });
  });

  it('refuses a notification signed with another key than its SigningCertURL’s certificate', async () => {
    const impostor = await SnsStandIn.start();
    try {
      const forged = { ...impostor.notification(ok), SigningCertURL: sns.certUrl };
      expect((await sns.deliver(url, forged)).status).toBe(401);
    } finally {
      await impostor.close();
    }
    expect(await openStatus()).toBe('triggered');
  });

  it('resolves the incident when the alarm returns to OK (SignatureVersion 2)', async () => {
    const res = await sns.deliver(url, sns.notification(ok, { version: 2 }));
    expect(res.status).toBe(202);
    await until(
      async () => (await openStatus()) === 'resolved',
      'the CloudWatch incident to resolve',
    );
    expect(await incidents()).toHaveLength(1);
  });
});
