/**
 * SNS deliveries to a custom integration inside workerd, with production settings (no insecure outbound): what
 * is refused before any certificate is fetched, and how the refusal shows on the integration. Signed deliveries,
 * the handshake and the incident they open are in test/e2e/aws-sns.test.ts, against a local SNS stand-in.
 */
import { describe, expect, it } from 'vitest';
import { ADMIN, api, json } from '../helpers';
import { awsCloudwatch } from '../../worker/mapping/presets/aws-cloudwatch';
import alarm from '../fixtures/monitors/aws-cloudwatch/alarm.json';
import { expectProblem, send, serviceIncidents, serviceWith } from './support';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:firebell-alarms';

/** A notification as SNS shapes it; its signature is never reached by these refusals. */
function notification(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    Type: 'Notification',
    MessageId: '22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324',
    TopicArn: TOPIC,
    Subject: 'ALARM: "checkout-high-cpu" in US East (N. Virginia)',
    Message: JSON.stringify({ AlarmName: 'checkout-high-cpu', NewStateValue: 'ALARM' }),
    Timestamp: new Date().toISOString(),
    SignatureVersion: '1',
    Signature:
      'EXAMPLEpH+DcEwjAPg8O9mY8dReBSwksfg2S7WKQcikcNKWLQjwu6A4VbeS0QHVCkhRS7fUQvi2egU3N858fiTDN6bkkOxYDVrY0Ad8L10Hs3zH81mtnPk5uvvolIC1CXGu43obcgFxeL3khZl8IKvO61GWB6jI9b5+gLPoBc1Q=',
    SigningCertURL:
      'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-9c6465fa7f48f5cacd23014631ec1136.pem',
    ...overrides,
  };
}

const deliver = (url: string, body: Record<string, unknown>, type = String(body.Type)) =>
  send(url, body, {
    'content-type': 'text/plain; charset=UTF-8',
    'x-amz-sns-message-type': type,
    'user-agent': 'Amazon Simple Notification Service Agent',
  });

async function recent(serviceId: string) {
  const listing = await json<{
    integrations: { recentPayloads: { outcome: string; detail: string }[] }[];
  }>(api(`/api/services/${serviceId}/integrations`, { headers: ADMIN }), 200);
  return listing.integrations[0]?.recentPayloads ?? [];
}

describe('SNS deliveries to a custom integration', () => {
  it('refuses a certificate off SNS’s hosts with 401, records why, and opens nothing', async () => {
    const { serviceId, integration } = await serviceWith('custom', { preset: 'aws-cloudwatch' });
    const res = await deliver(
      integration.url,
      notification({ SigningCertURL: 'https://attacker.example/SimpleNotificationService-1.pem' }),
    );
    expect(res.status).toBe(401);
    const problem = await expectProblem(res);
    expect(problem.detail).toContain('must be on an Amazon SNS host');
    expect(problem.detail).toContain('attacker.example');
    expect(await serviceIncidents(serviceId)).toEqual([]);
    expect((await recent(serviceId))[0]).toMatchObject({
      outcome: 'rejected',
      detail: expect.stringContaining('Amazon SNS host'),
    });
  });

  it('refuses a message over an hour old with 401 as a possible replay', async () => {
    const { integration } = await serviceWith('custom', { preset: 'aws-cloudwatch' });
    const stale = new Date(Date.now() - 2 * 60 * 60 * 1000).toISOString();
    const res = await deliver(integration.url, notification({ Timestamp: stale }));
    expect(res.status).toBe(401);
    expect((await expectProblem(res)).detail).toContain('over an hour ago');
  });

  it('refuses a confirmation whose certificate is on a loopback address: only the insecure setting admits one', async () => {
    const { integration } = await serviceWith('custom', { preset: 'aws-cloudwatch' });
    const res = await deliver(
      integration.url,
      notification({
        Type: 'SubscriptionConfirmation',
        Token: '2336412f37f',
        SubscribeURL: 'https://attacker.example/?Action=ConfirmSubscription&Token=2336412f37f',
        SigningCertURL: 'http://127.0.0.1:9/SimpleNotificationService-1.pem',
      }),
    );
    expect(res.status).toBe(401);
    expect((await expectProblem(res)).detail).toContain('SigningCertURL must be an https URL');
  });

  it('answers 400 naming what a malformed delivery lacks, or where its Type and header disagree', async () => {
    const { integration } = await serviceWith('custom', { preset: 'aws-cloudwatch' });
    const { Signature: _signature, ...unsigned } = notification();
    const lacking = await deliver(integration.url, unsigned);
    expect(lacking.status).toBe(400);
    expect((await expectProblem(lacking)).detail).toBe('The SNS Notification lacks Signature.');

    const mismatched = await deliver(integration.url, notification(), 'SubscriptionConfirmation');
    expect(mismatched.status).toBe(400);
    expect((await expectProblem(mismatched)).detail).toContain('does not match');

    const badArn = await deliver(integration.url, notification({ TopicArn: 'arn:aws:sqs:x' }));
    expect(badArn.status).toBe(400);
    expect((await expectProblem(badArn)).detail).toContain('not an SNS topic ARN');
  });

  it('previews a mapping on the Message of recorded SNS deliveries, and shows a handshake as having no alert', async () => {
    const { serviceId, integration } = await serviceWith('custom', { preset: 'aws-cloudwatch' });
    // Refused here (a stale date), yet recorded: the preview reads every recorded body.
    const stale = new Date(Date.now() - 2 * 60 * 60 * 1000).toISOString();
    await deliver(
      integration.url,
      notification({ Message: JSON.stringify(alarm), Timestamp: stale }),
    );
    await deliver(
      integration.url,
      notification({
        Type: 'SubscriptionConfirmation',
        Token: '2336412f37f',
        SubscribeURL:
          'https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&Token=2336412f37f',
        Timestamp: stale,
      }),
    );
    const preview = await json<{
      results: { alerts: { action: string; dedupKey: string }[]; error: string | null }[];
      failsOnAll: boolean;
    }>(
      api(`/api/services/${serviceId}/integrations/${integration.id}/mapping/preview`, {
        body: { mapping: awsCloudwatch.mapping },
        headers: ADMIN,
      }),
      200,
    );
    expect(preview.results.map((r) => r.error)).toEqual([
      'an SNS SubscriptionConfirmation: a handshake, with no alert to map',
      null,
    ]);
    expect(preview.results[1]?.alerts).toEqual([
      expect.objectContaining({ action: 'trigger', dedupKey: alarm.AlarmArn }),
    ]);
    expect(preview.failsOnAll).toBe(false);
  });

  it('refuses a raw message delivery, which SNS does not sign, saying which setting to turn off', async () => {
    const { integration } = await serviceWith('custom', { preset: 'aws-cloudwatch' });
    const res = await send(integration.url, alarm, {
      'x-amz-sns-message-type': 'Notification',
      'x-amz-sns-rawdelivery': 'true',
    });
    expect(res.status).toBe(400);
    expect((await expectProblem(res)).detail).toContain('Turn raw message delivery off');
  });

  it('checks the integration key before anything of SNS', async () => {
    const { integration } = await serviceWith('custom', { preset: 'aws-cloudwatch' });
    const res = await deliver(
      integration.url.replace(integration.key, 'fbk_wrong'),
      notification(),
    );
    expect(res.status).toBe(401);
    expect((await expectProblem(res)).detail).toContain('integration key is not valid');
  });
});
