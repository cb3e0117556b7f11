/**
 * SNS deliveries against a local stand-in that signs as AWS documents (test/e2e/sns-stand-in.ts): its
 * certificate and SubscribeURL are served on 127.0.0.1, which only the insecure outbound setting admits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkSnsUrl,
  confirmSubscription,
  notificationBody,
  readSnsMessage,
  verifySnsMessage,
  type SnsMessage,
} from '../../worker/mapping/sns';
import { SnsStandIn, type SignedSnsMessage } from '../e2e/sns-stand-in';
import alarm from '../fixtures/monitors/aws-cloudwatch/alarm.json';

const insecure = { ALLOW_INSECURE_OUTBOUND: 'true' };
const HOUR = 60 * 60 * 1000;

let sns: SnsStandIn;
let impostor: SnsStandIn;
beforeAll(async () => {
  [sns, impostor] = await Promise.all([SnsStandIn.start(), SnsStandIn.start()]);
});
afterAll(async () => {
  await Promise.all([sns?.close(), impostor?.close()]);
});

/** The envelope as the route reads it from the request. */
const read = (message: SignedSnsMessage): SnsMessage => readSnsMessage(message, message.Type);
const verify = (
  message: SignedSnsMessage,
  env: Record<string, string> = insecure,
  now = Date.now(),
) => verifySnsMessage(read(message), env, now);

describe('the SNS signature check', () => {
  it('accepts a notification signed with SignatureVersion 1 (SHA1withRSA)', async () => {
    await expect(
      verify(sns.notification(alarm, { subject: 'ALARM: "cpu"', version: 1 })),
    ).resolves.toBeUndefined();
  });

  it('accepts a notification signed with SignatureVersion 2 (SHA256withRSA), with and without a Subject', async () => {
    await expect(verify(sns.notification(alarm, { version: 2 }))).resolves.toBeUndefined();
    await expect(
      verify(sns.notification('Disk full', { subject: 'web-1', version: 2 })),
    ).resolves.toBeUndefined();
  });

  it('accepts a subscription confirmation, whose signature also covers SubscribeURL and Token', async () => {
    await expect(verify(sns.subscriptionConfirmation({ version: 2 }))).resolves.toBeUndefined();
  });

  it('refuses a message altered after signing, with 401 and the reason', async () => {
    const signed = sns.notification({ ...alarm, NewStateValue: 'OK' });
    const altered = { ...signed, Message: JSON.stringify({ ...alarm, NewStateValue: 'ALARM' }) };
    await expect(verify(altered)).rejects.toMatchObject({
      status: 401,
      message: expect.stringContaining('does not match the message'),
    });
    const resubjected = { ...sns.notification('x', { subject: 'a' }), Subject: 'b' };
    await expect(verify(resubjected)).rejects.toMatchObject({ status: 401 });
    const versionSwapped = {
      ...sns.notification('x', { version: 1 }),
      SignatureVersion: '2' as const,
    };
    await expect(verify(versionSwapped)).rejects.toMatchObject({ status: 401 });
  });

  it('refuses a message signed by another key than the certificate at its SigningCertURL', async () => {
    const forged = { ...impostor.notification(alarm), SigningCertURL: sns.certUrl };
    await expect(verify(forged)).rejects.toMatchObject({
      status: 401,
      message: expect.stringContaining('does not match'),
    });
  });

  it('refuses a message over an hour old, or dated ahead of the clock', async () => {
    const now = Date.now();
    const stale = sns.notification(alarm, { timestamp: new Date(now - HOUR - 60_000) });
    await expect(verify(stale, insecure, now)).rejects.toMatchObject({
      status: 401,
      message: expect.stringContaining('over an hour ago'),
    });
    const early = sns.notification(alarm, { timestamp: new Date(now + HOUR) });
    await expect(verify(early, insecure, now)).rejects.toMatchObject({ status: 401 });
    const fiftyMinutes = sns.notification(alarm, { timestamp: new Date(now - 50 * 60_000) });
    await expect(verify(fiftyMinutes, insecure, now)).resolves.toBeUndefined();
  });

  it('refuses a certificate that is out of date at the time of the check', async () => {
    const later = Date.now() + 2 * 24 * HOUR;
    const message = sns.notification(alarm, { timestamp: new Date(later) });
    await expect(verify(message, insecure, later)).rejects.toMatchObject({
      status: 401,
      message: expect.stringContaining('is not valid at'),
    });
  });

  it('fetches a certificate once for many messages', async () => {
    const before = sns.certificateFetches;
    for (let i = 0; i < 5; i++) await verify(sns.notification(alarm, { version: 2 }));
    expect(sns.certificateFetches - before).toBeLessThanOrEqual(1);
  });
});

describe('where SNS URLs may point', () => {
  const production = {};

  it('admits https .pem certificates on sns.<region>.amazonaws.com and .amazonaws.com.cn', () => {
    for (const url of [
      'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-9c6465fa7f48f5cacd23014631ec1136.pem',
      'https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-3250158c6da3d1fd2e5e05e2b2a8ecd1.pem',
      'https://sns.us-gov-west-1.amazonaws.com/SimpleNotificationService-abc.pem',
    ])
      expect(checkSnsUrl(url, production, 'SigningCertURL').href).toBe(url);
  });

  it('refuses a certificate elsewhere, over http, or not a .pem, naming the problem', async () => {
    const cases: [string, string][] = [
      ['https://evil.example/SimpleNotificationService-1.pem', 'Amazon SNS host'],
      ['https://sns.us-east-1.amazonaws.com.evil.example/cert.pem', 'Amazon SNS host'],
      ['https://s3.amazonaws.com/SimpleNotificationService-1.pem', 'Amazon SNS host'],
      ['http://sns.us-east-1.amazonaws.com/SimpleNotificationService-1.pem', 'https'],
      ['https://sns.us-east-1.amazonaws.com/SimpleNotificationService-1.txt', '.pem'],
      [sns.certUrl, 'https'],
    ];
    for (const [url, problem] of cases)
      expect(() => checkSnsUrl(url, production, 'SigningCertURL'), url).toThrow(problem);
    // A correctly signed message whose certificate is on the stand-in is refused without the insecure setting.
    await expect(verify(sns.notification(alarm), production)).rejects.toMatchObject({
      status: 401,
    });
  });

  it('refuses a SubscribeURL that is not an SNS ConfirmSubscription link', () => {
    expect(() =>
      checkSnsUrl('https://evil.example/?Action=ConfirmSubscription&Token=1', {}, 'SubscribeURL'),
    ).toThrow('Amazon SNS host');
    expect(() =>
      checkSnsUrl('https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe', {}, 'SubscribeURL'),
    ).toThrow('ConfirmSubscription');
  });
});

describe('reading an SNS delivery', () => {
  it('refuses a body whose Type disagrees with the header, or that lacks signed fields, with 400', () => {
    const message = sns.notification(alarm);
    expect(() => readSnsMessage(message, 'SubscriptionConfirmation')).toThrow('does not match');
    expect(() => readSnsMessage(message, 'Publish')).toThrow('must be one of');
    const { Signature: _s, MessageId: _m, ...unsigned } = message;
    expect(() => readSnsMessage(unsigned, 'Notification')).toThrow('lacks MessageId, Signature');
    const { Token: _t, ...tokenless } = sns.subscriptionConfirmation();
    expect(() => readSnsMessage(tokenless, 'SubscriptionConfirmation')).toThrow('lacks Token');
    expect(() => readSnsMessage({ text: 'not JSON' }, 'Notification')).toThrow(
      'Type (undefined) does not match',
    );
  });

  it('refuses a malformed TopicArn or an unknown SignatureVersion, with 400', () => {
    const message = sns.notification(alarm);
    for (const TopicArn of [
      'arn:aws:sqs:us-east-1:123456789012:q',
      'arn:aws:sns:us-east-1:12345:t',
      'topic',
    ])
      expect(() => readSnsMessage({ ...message, TopicArn }, 'Notification'), TopicArn).toThrow(
        expect.objectContaining({
          status: 400,
          message: expect.stringContaining('not an SNS topic ARN'),
        }),
      );
    expect(() => readSnsMessage({ ...message, SignatureVersion: '3' }, 'Notification')).toThrow(
      'not one SNS uses',
    );
  });

  it('gives the mapping a JSON message parsed, and a text message with its Subject', () => {
    expect(notificationBody(read(sns.notification(alarm)))).toEqual(alarm);
    expect(
      notificationBody(read(sns.notification('Disk full on web-1', { subject: 'disk' }))),
    ).toMatchObject({
      Subject: 'disk',
      Message: 'Disk full on web-1',
      TopicArn: sns.topicArn,
    });
  });
});

describe('confirming a subscription', () => {
  it('visits the SubscribeURL once and returns the subscription ARN SNS answers with', async () => {
    const confirmation = sns.subscriptionConfirmation();
    const before = sns.confirmations.length;
    const result = await confirmSubscription(read(confirmation), insecure);
    expect(result.subscriptionArn).toBe(`${sns.topicArn}:2bcfbf39-05c3-41de-beaa-fcfcc21c8f55`);
    expect(sns.confirmations.slice(before)).toEqual([confirmation.Token]);
  });

  it('without the insecure setting, never visits a SubscribeURL off SNS', async () => {
    const before = sns.confirmations.length;
    await expect(
      confirmSubscription(read(sns.subscriptionConfirmation()), {}),
    ).rejects.toMatchObject({
      status: 401,
    });
    expect(sns.confirmations.length).toBe(before);
  });
});
