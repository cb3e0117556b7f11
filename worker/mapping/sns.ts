/**
 * Amazon SNS deliveries to a custom integration (CloudWatch alarms, or anything else published to a topic):
 * read the envelope, prove it came from SNS, confirm subscriptions, and unwrap the message for the mapping.
 *
 * The proof is the one AWS documents ("Verifying the signatures of Amazon SNS messages"): the listed keys of
 * the envelope joined as "Key\nValue\n" in a fixed order, signed SHA1withRSA (SignatureVersion 1) or
 * SHA256withRSA (2) with the key of the certificate at SigningCertURL. That URL must be https on an SNS host,
 * which stands for the certificate's issuer: TLS to sns.<region>.amazonaws.com is the chain of trust.
 * Every fetch goes through worker/net/outbound.ts, so ALLOW_INSECURE_OUTBOUND=true lets a local stand-in
 * on 127.0.0.1 play SNS in tests; nothing else ever does.
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import { ProblemError, badRequest, unauthorized } from '../errors';
import { checkOutboundUrl, insecureOutboundAllowed, type OutboundEnv } from '../net/outbound';

/** The header SNS names each delivery's type in; its presence marks a request as an SNS delivery. */
export const SNS_TYPE_HEADER = 'x-amz-sns-message-type';

/** Set to "true" when the subscription has raw message delivery on: the body is the bare Message, unsigned. */
export const SNS_RAW_HEADER = 'x-amz-sns-rawdelivery';
export const RAW_DELIVERY_REFUSED =
  'This SNS subscription has raw message delivery on, which sends no signature, so Firebell cannot tell the message came from SNS. Turn raw message delivery off on the subscription.';

export const SNS_TYPES = [
  'SubscriptionConfirmation',
  'Notification',
  'UnsubscribeConfirmation',
] as const;
export type SnsType = (typeof SNS_TYPES)[number];

/** The JSON envelope SNS posts; only the fields Firebell reads or signs are kept. */
export interface SnsMessage {
  Type: SnsType;
  MessageId: string;
  TopicArn: string;
  Subject?: string;
  Message: string;
  Timestamp: string;
  SignatureVersion: '1' | '2';
  Signature: string;
  SigningCertURL: string;
  /** Confirmations only. */
  SubscribeURL?: string;
  Token?: string;
}

/** How stale a message may be: AWS's own SDK validators and the docs' replay advice allow an hour. */
export const MAX_AGE_MS = 60 * 60 * 1000;
/** A sender's clock a little ahead of ours is not an attack. */
const MAX_SKEW_MS = 5 * 60 * 1000;
/** AWS signing certificates are about 2 KB; anything much larger is not one. */
const MAX_CERT_BYTES = 16 * 1024;
/** Certificates kept per isolate: SNS uses one per region at a time, so a few cover every topic. */
const CERT_CACHE_MAX = 16;
const FETCH_TIMEOUT_MS = 10_000;

const SNS_HOST = /^sns\.[a-z0-9-]{3,}\.amazonaws\.com(\.cn)?$/;
/** arn:<partition>:sns:<region>:<12-digit account>:<topic name, .fifo for FIFO topics>. */
const TOPIC_ARN =
  /^arn:aws(-cn|-us-gov|-iso|-iso-[a-z])?:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;

const SIGNED_KEYS: Record<SnsType, readonly (keyof SnsMessage)[]> = {
  Notification: ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'],
  SubscriptionConfirmation: [
    'Message',
    'MessageId',
    'SubscribeURL',
    'Timestamp',
    'Token',
    'TopicArn',
    'Type',
  ],
  UnsubscribeConfirmation: [
    'Message',
    'MessageId',
    'SubscribeURL',
    'Timestamp',
    'Token',
    'TopicArn',
    'Type',
  ],
};

/** The envelope of one SNS delivery (its JSON body, parsed), or a 400 naming what is missing or malformed. */
export function readSnsMessage(body: unknown, headerType: string | null): SnsMessage {
  if (!SNS_TYPES.includes(headerType as SnsType))
    throw badRequest(
      `${SNS_TYPE_HEADER} must be one of ${SNS_TYPES.join(', ')}; got ${JSON.stringify(headerType?.slice(0, 60) ?? '')}.`,
    );
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw badRequest('An SNS delivery must be a JSON object.');
  const fields = body as Record<string, unknown>;
  const type = headerType as SnsType;
  if (fields.Type !== type)
    throw badRequest(
      `The body's Type (${String(JSON.stringify(fields.Type)).slice(0, 80)}) does not match the ${SNS_TYPE_HEADER} header (${type}).`,
    );
  const required = [
    'MessageId',
    'TopicArn',
    'Message',
    'Timestamp',
    'SignatureVersion',
    'Signature',
    'SigningCertURL',
  ];
  if (type !== 'Notification') required.push('SubscribeURL', 'Token');
  const missing = required.filter((key) => typeof fields[key] !== 'string' || fields[key] === '');
  if (missing.length) throw badRequest(`The SNS ${type} lacks ${missing.join(', ')}.`, { missing });
  if (fields.Subject !== undefined && typeof fields.Subject !== 'string')
    throw badRequest('The SNS Subject must be a string when present.');
  if (fields.SignatureVersion !== '1' && fields.SignatureVersion !== '2')
    throw badRequest(
      `SignatureVersion ${JSON.stringify(fields.SignatureVersion)} is not one SNS uses (1 or 2).`,
    );
  if (!TOPIC_ARN.test(fields.TopicArn as string))
    throw badRequest(
      `TopicArn ${JSON.stringify((fields.TopicArn as string).slice(0, 300))} is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>).`,
    );
  return fields as unknown as SnsMessage;
}

/** The text SNS signs: each listed key present in the message, as "Key\nValue\n", in the documented order. */
export function stringToSign(message: SnsMessage): string {
  let text = '';
  for (const key of SIGNED_KEYS[message.Type]) {
    const value = message[key];
    if (typeof value === 'string') text += `${key}\n${value}\n`;
  }
  return text;
}

/**
 * An SNS URL Firebell may fetch: https on an SNS host (any, with the insecure switch, as outbound.ts allows),
 * or a 401 saying why; `what` names the field in the refusal.
 */
export function checkSnsUrl(
  raw: string,
  env: OutboundEnv,
  what: 'SigningCertURL' | 'SubscribeURL',
): URL {
  const checked = checkOutboundUrl(raw, env);
  if (!checked.ok)
    throw unauthorized(`The ${what} ${checked.problem}; SNS only sends its own https URLs.`);
  const { url } = checked;
  if (!insecureOutboundAllowed(env) && !SNS_HOST.test(url.hostname.toLowerCase()))
    throw unauthorized(
      `The ${what} must be on an Amazon SNS host (sns.<region>.amazonaws.com); got ${url.hostname}.`,
    );
  if (what === 'SigningCertURL' && !url.pathname.endsWith('.pem'))
    throw unauthorized('The SigningCertURL must name a .pem certificate.');
  if (what === 'SubscribeURL' && url.searchParams.get('Action') !== 'ConfirmSubscription')
    throw unauthorized('The SubscribeURL must be an SNS ConfirmSubscription link.');
  return url;
}

/**
 * Prove `message` came from SNS, as of `now`: fresh, from an SNS certificate that is in date, and signed over
 * exactly these fields. Throws a 401 saying which check failed, or a 503 when the certificate cannot be fetched.
 */
export async function verifySnsMessage(
  message: SnsMessage,
  env: OutboundEnv,
  now: number,
): Promise<void> {
  const sent = Date.parse(message.Timestamp);
  if (Number.isNaN(sent))
    throw badRequest(`Timestamp ${JSON.stringify(message.Timestamp)} is not a date.`);
  if (now - sent > MAX_AGE_MS)
    throw unauthorized(
      `The SNS message is dated ${message.Timestamp}, over an hour ago: refused as a possible replay.`,
    );
  if (sent - now > MAX_SKEW_MS)
    throw unauthorized(`The SNS message is dated ${message.Timestamp}, in the future.`);
  const url = checkSnsUrl(message.SigningCertURL, env, 'SigningCertURL');
  const cert = await signingCertificate(url);
  if (now < cert.notBefore || now > cert.notAfter)
    throw unauthorized(
      `The SNS signing certificate at ${url.href} is not valid at ${new Date(now).toISOString()}.`,
    );
  const hash = message.SignatureVersion === '1' ? 'SHA-1' : 'SHA-256';
  const key = await crypto.subtle
    .importKey('spki', cert.spki, { name: 'RSASSA-PKCS1-v1_5', hash }, false, ['verify'])
    .catch(() => {
      throw unauthorized(`The SNS signing certificate at ${url.href} does not hold an RSA key.`);
    });
  const signature = base64Bytes(message.Signature);
  const ok =
    signature !== null &&
    (await crypto.subtle.verify(
      'RSASSA-PKCS1-v1_5',
      key,
      signature,
      new TextEncoder().encode(stringToSign(message)),
    ));
  if (!ok)
    throw unauthorized(
      `The SNS signature (version ${message.SignatureVersion}) does not match the message: it was altered or not signed by SNS.`,
    );
}

/**
 * Confirm a subscription by visiting its SubscribeURL, as SNS asks; redirects are refused, since they could
 * lead anywhere. Returns the subscription ARN SNS answers with, when it says. A failure is a 502, so SNS
 * retries the confirmation. Visiting twice is harmless: SNS confirms a subscription once.
 */
export async function confirmSubscription(
  message: SnsMessage,
  env: OutboundEnv,
): Promise<{ subscriptionArn: string | null }> {
  const url = checkSnsUrl(message.SubscribeURL ?? '', env, 'SubscribeURL');
  let response: Response;
  try {
    response = await fetch(url, {
      redirect: 'manual',
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
  } catch (error) {
    throw new ProblemError(
      502,
      'unavailable',
      `Could not reach the SubscribeURL (${errorText(error)}); SNS will retry.`,
    );
  }
  const text = await response.text();
  if (!response.ok)
    throw new ProblemError(
      502,
      'unavailable',
      `SNS answered the SubscribeURL with HTTP ${response.status}; the subscription is not confirmed.`,
    );
  return {
    subscriptionArn: /<SubscriptionArn>([^<]{1,400})<\/SubscriptionArn>/.exec(text)?.[1] ?? null,
  };
}

/**
 * What a notification gives the mapping: the Message parsed when it is JSON (a CloudWatch alarm is), otherwise
 * the envelope's readable fields, so a plain-text publish still has its Subject and text to map.
 */
export function notificationBody(message: SnsMessage): unknown {
  const text = message.Message.trim();
  if (text.startsWith('{') || text.startsWith('[')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // Text that only looks like JSON is still text.
    }
  }
  return {
    Type: message.Type,
    MessageId: message.MessageId,
    TopicArn: message.TopicArn,
    ...(message.Subject !== undefined ? { Subject: message.Subject } : {}),
    Message: message.Message,
    Timestamp: message.Timestamp,
  };
}

/**
 * A recorded payload's body for a mapping preview: the Message of an SNS notification (unchecked: the preview
 * only reads, and a refused delivery is shown as such beside it), an error for a handshake, which carries no
 * alert, and null for a body that is not an SNS envelope.
 */
export function recordedSnsBody(value: unknown): { body: unknown } | { error: string } | null {
  if (typeof value !== 'object' || value === null) return null;
  const fields = value as Record<string, unknown>;
  if (
    !SNS_TYPES.includes(fields.Type as SnsType) ||
    typeof fields.Message !== 'string' ||
    typeof fields.TopicArn !== 'string' ||
    typeof fields.SigningCertURL !== 'string'
  )
    return null;
  if (fields.Type !== 'Notification')
    return { error: `an SNS ${String(fields.Type)}: a handshake, with no alert to map` };
  return { body: notificationBody(fields as unknown as SnsMessage) };
}

interface SigningCert {
  spki: ArrayBuffer;
  notBefore: number;
  notAfter: number;
}

/** Certificates by URL, oldest first; a failed fetch is forgotten so the next delivery tries again. */
const certificates = new Map<string, Promise<SigningCert>>();

function signingCertificate(url: URL): Promise<SigningCert> {
  const cached = certificates.get(url.href);
  if (cached) return cached;
  const loading = fetchCertificate(url);
  certificates.set(url.href, loading);
  loading.catch(() => certificates.delete(url.href));
  while (certificates.size > CERT_CACHE_MAX)
    certificates.delete(certificates.keys().next().value as string);
  return loading;
}

async function fetchCertificate(url: URL): Promise<SigningCert> {
  let response: Response;
  try {
    response = await fetch(url, {
      redirect: 'manual',
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
  } catch (error) {
    throw new ProblemError(
      503,
      'unavailable',
      `Could not fetch the SNS signing certificate from ${url.href} (${errorText(error)}); retry later.`,
    );
  }
  const text = await response.text();
  if (!response.ok)
    throw new ProblemError(
      503,
      'unavailable',
      `The SNS signing certificate at ${url.href} answered HTTP ${response.status}; retry later.`,
    );
  if (text.length > MAX_CERT_BYTES)
    throw unauthorized(`The SigningCertURL ${url.href} is not a certificate.`);
  return readCertificate(text, url.href);
}

/** The public key and validity of a PEM X.509 certificate, or a 401 when it is not one. */
export function readCertificate(pem: string, from: string): SigningCert {
  const match = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/.exec(pem);
  const der = match ? base64Bytes(match[1] ?? '') : null;
  try {
    if (!der) throw new Error('no PEM certificate');
    const cert = AsnConvert.parse(der, Certificate);
    const { subjectPublicKeyInfo, validity } = cert.tbsCertificate;
    return {
      spki: AsnConvert.serialize(subjectPublicKeyInfo),
      notBefore: validity.notBefore.getTime().getTime(),
      notAfter: validity.notAfter.getTime().getTime(),
    };
  } catch {
    throw unauthorized(`The SigningCertURL ${from} did not return a PEM X.509 certificate.`);
  }
}

function base64Bytes(text: string): Uint8Array<ArrayBuffer> | null {
  try {
    const binary = atob(text.replace(/\s+/g, ''));
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return null;
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
