/**
 * A local stand-in for Amazon SNS, since AWS is not reachable from CI: an RSA key and an X.509 certificate
 * made at start-up, messages signed the way AWS documents ("Verifying the signatures of Amazon SNS messages":
 * the listed keys as "Key\nValue\n" in order, SHA1withRSA for SignatureVersion 1, SHA256withRSA for 2), and an
 * http server on 127.0.0.1 serving the certificate and the SubscribeURL, recording every confirmation.
 * It builds its string to sign on its own, from the documentation, so it checks Firebell's rather than share it.
 */
import { randomUUID, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';

export type SnsType = 'SubscriptionConfirmation' | 'Notification' | 'UnsubscribeConfirmation';

/** An SNS delivery body, as SNS posts it. */
export interface SignedSnsMessage {
  Type: SnsType;
  MessageId: string;
  Token?: string;
  TopicArn: string;
  Subject?: string;
  Message: string;
  SubscribeURL?: string;
  Timestamp: string;
  SignatureVersion: '1' | '2';
  Signature: string;
  SigningCertURL: string;
  UnsubscribeURL?: string;
}

export interface MessageOptions {
  version?: 1 | 2;
  /** When SNS published it; now by default. */
  timestamp?: Date;
  subject?: string;
}

const NOTIFICATION_KEYS = [
  'Message',
  'MessageId',
  'Subject',
  'Timestamp',
  'TopicArn',
  'Type',
] as const;
const CONFIRMATION_KEYS = [
  'Message',
  'MessageId',
  'SubscribeURL',
  'Timestamp',
  'Token',
  'TopicArn',
  'Type',
] as const;

export class SnsStandIn {
  /** Every GET of a SubscribeURL, in order: the tokens confirmed. */
  readonly confirmations: string[] = [];
  /** Every fetch of the certificate. */
  certificateFetches = 0;
  readonly topicArn = 'arn:aws:sns:us-east-1:123456789012:firebell-alarms';

  private constructor(
    private readonly server: Server,
    private readonly privateKey: string,
    readonly certificate: string,
  ) {}

  static async start(): Promise<SnsStandIn> {
    const now = Date.now();
    const pems = await generate([{ name: 'commonName', value: 'sns.amazonaws.com' }], {
      keyType: 'rsa',
      keySize: 2048,
      algorithm: 'sha256',
      notBeforeDate: new Date(now - 60_000),
      notAfterDate: new Date(now + 24 * 60 * 60 * 1000),
    });
    const holder: { value?: SnsStandIn } = {};
    const server = createServer((req, res) => {
      const stand = holder.value as SnsStandIn;
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (req.method === 'GET' && url.pathname.endsWith('.pem')) {
        stand.certificateFetches++;
        res.writeHead(200, { 'content-type': 'application/x-pem-file' }).end(stand.certificate);
      } else if (req.method === 'GET' && url.searchParams.get('Action') === 'ConfirmSubscription') {
        stand.confirmations.push(url.searchParams.get('Token') ?? '');
        res
          .writeHead(200, { 'content-type': 'text/xml' })
          .end(
            `<ConfirmSubscriptionResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><ConfirmSubscriptionResult><SubscriptionArn>${stand.topicArn}:2bcfbf39-05c3-41de-beaa-fcfcc21c8f55</SubscriptionArn></ConfirmSubscriptionResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></ConfirmSubscriptionResponse>`,
          );
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    holder.value = new SnsStandIn(server, pems.private, pems.cert);
    return holder.value;
  }

  get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Where SNS serves its certificate: a .pem named as AWS names them. */
  get certUrl(): string {
    return `${this.origin}/SimpleNotificationService-9c6465fa7f48f5cacd23014631ec1136.pem`;
  }

  /** The confirmation SNS posts when an endpoint is subscribed to the topic. */
  subscriptionConfirmation(options: MessageOptions = {}): SignedSnsMessage {
    const token = `2336412f37fb687f5d51e6e2425c464de${randomUUID().replace(/-/g, '')}`;
    return this.sign(
      {
        Type: 'SubscriptionConfirmation',
        MessageId: randomUUID(),
        Token: token,
        TopicArn: this.topicArn,
        Message: `You have chosen to subscribe to the topic ${this.topicArn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
        SubscribeURL: `${this.origin}/?Action=ConfirmSubscription&TopicArn=${encodeURIComponent(this.topicArn)}&Token=${token}`,
        Timestamp: (options.timestamp ?? new Date()).toISOString(),
      },
      options.version ?? 1,
    );
  }

  /** A notification carrying `message` (an object is sent as JSON text, as CloudWatch sends its alarms). */
  notification(message: string | object, options: MessageOptions = {}): SignedSnsMessage {
    return this.sign(
      {
        Type: 'Notification',
        MessageId: randomUUID(),
        TopicArn: this.topicArn,
        ...(options.subject !== undefined ? { Subject: options.subject } : {}),
        Message: typeof message === 'string' ? message : JSON.stringify(message),
        Timestamp: (options.timestamp ?? new Date()).toISOString(),
        UnsubscribeURL: `${this.origin}/?Action=Unsubscribe&SubscriptionArn=${this.topicArn}:2bcfbf39`,
      },
      options.version ?? 1,
    );
  }

  /** Sign the fields SNS signs, in its documented order, with this stand-in's key. */
  sign(
    fields: Omit<SignedSnsMessage, 'Signature' | 'SignatureVersion' | 'SigningCertURL'>,
    version: 1 | 2,
  ): SignedSnsMessage {
    const keys = fields.Type === 'Notification' ? NOTIFICATION_KEYS : CONFIRMATION_KEYS;
    let text = '';
    for (const key of keys) {
      const value = fields[key];
      if (value !== undefined) text += `${key}\n${value}\n`;
    }
    const signature = sign(version === 1 ? 'sha1' : 'sha256', Buffer.from(text), this.privateKey);
    return {
      ...fields,
      SignatureVersion: version === 1 ? '1' : '2',
      Signature: signature.toString('base64'),
      SigningCertURL: this.certUrl,
    };
  }

  /** POST a message to `url` as SNS does: its headers, and JSON labelled text/plain by default. */
  async deliver(url: string, message: SignedSnsMessage): Promise<Response> {
    return fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'text/plain; charset=UTF-8',
        'x-amz-sns-message-type': message.Type,
        'x-amz-sns-message-id': message.MessageId,
        'x-amz-sns-topic-arn': message.TopicArn,
        'user-agent': 'Amazon Simple Notification Service Agent',
      },
      body: JSON.stringify(message),
    });
  }

  async close(): Promise<void> {
    await new Promise((resolve) => this.server.close(resolve));
  }
}
