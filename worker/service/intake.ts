/**
 * The Worker side of ingestion, shared by every format's route: read the body within the limit,
 * authenticate the integration key, and hand the adapted events to the service's router object.
 * Each route keeps only what is specific to its format: where the key is and how answers look.
 */
import type { AlertEvent, IntegrationType } from '../../schema/alert';
import { LIMITS } from '../../schema/alert';
import { hashSecret } from '../auth/secrets';
import { integrationByKeyHash, type Integration } from '../directory/integrations';
import type { Env } from '../env';
import type { ReceiveResult } from './router';
import { sourceOf } from './router-calls';
import { serviceRouter } from '../stubs';
import type { PayloadInput } from '../../schema/directory';
import { describeJsonError } from './json-position';
import { PAYLOAD_MAX_BYTES } from './store';
import { serviceOfKey } from './router-keys';

export const MAX_BODY_BYTES = LIMITS.body;

/** The raw body as text, or null when it is over MAX_BODY_BYTES (whatever Content-Length claims). */
export async function readBody(request: Request): Promise<{ text: string; bytes: number } | null> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (declared > MAX_BODY_BYTES) return null;
  if (!request.body) return { text: '', bytes: 0 };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > MAX_BODY_BYTES) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const all = new Uint8Array(bytes);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { text: new TextDecoder().decode(all), bytes };
}

export type Parsed = { ok: true; value: unknown } | { ok: false; message: string };

/** JSON.parse without throwing; the message names where the JSON broke. */
export function parseJson(text: string): Parsed {
  if (!text.trim()) return { ok: false, message: 'the body is empty; send a JSON object' };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, message: `the body is not valid JSON ${describeJsonError(text)}` };
  }
}

/**
 * The live integration of `type` holding `key`, or null. Unknown, revoked and other-format keys all
 * cost one hash and one lookup and get the same null, so an answer says nothing about which keys exist.
 */
export async function authenticateKey(
  env: Env,
  type: IntegrationType,
  key: string | undefined | null,
): Promise<Integration | null> {
  const hash = await hashSecret(env.SESSION_SECRET, key ?? '');
  if (!key) return null;
  // A key that names its service is checked by that service's router, from its own storage.
  const serviceId = serviceOfKey(key);
  if (serviceId)
    return (await serviceRouter(env, serviceId).authenticate(
      serviceId,
      hash,
      type,
    )) as Integration | null;
  const integration = await integrationByKeyHash(env.DB, hash);
  return integration?.type === type ? integration : null;
}

/** `Authorization: <scheme> <credentials>` → credentials, when the scheme matches (case-insensitively). */
export function credentials(request: Request, scheme: 'Bearer' | 'GenieKey'): string | undefined {
  const match = new RegExp(`^${scheme}\\s+(\\S+)\\s*$`, 'i').exec(
    request.headers.get('authorization') ?? '',
  );
  return match?.[1];
}

/** What the integration listing shows of a request: the key redacted, the body cut to `maxBytes`. */
export function payloadRecord(
  request: Request,
  body: { text: string; bytes: number },
  key: string,
  maxBytes: number = PAYLOAD_MAX_BYTES,
): PayloadInput {
  const redacted = key ? body.text.split(key).join('[redacted]') : body.text;
  const encoded = new TextEncoder().encode(redacted);
  const truncated = encoded.byteLength > maxBytes;
  // Decoding a cut in the middle of a character yields U+FFFD, which is fine for a debugging view.
  const text = truncated ? new TextDecoder().decode(encoded.slice(0, maxBytes)) : redacted;
  return {
    method: request.method,
    contentType: request.headers.get('content-type')?.slice(0, 200) ?? null,
    userAgent: request.headers.get('user-agent')?.slice(0, 200) ?? null,
    bytes: body.bytes,
    body: text,
    truncated,
  };
}

/**
 * Record the payload and, when there are events, route them; the router decides rate limits and dedup.
 * `notes` (a mapping's fallbacks) are kept in the payload's detail.
 */
export async function deliver(
  env: Env,
  integration: Integration,
  payload: PayloadInput,
  adapted: { events: AlertEvent[]; notes?: string[] } | { errors: string[] },
): Promise<ReceiveResult> {
  const result = await serviceRouter(env, integration.serviceId).receive({
    serviceId: integration.serviceId,
    source: sourceOf(integration),
    payload,
    ...('events' in adapted
      ? { events: adapted.events, notes: adapted.notes ?? [] }
      : { events: null, errors: adapted.errors }),
  });
  // RPC return types are structurally rewritten by workers-types; the object returns a ReceiveResult.
  return result as ReceiveResult;
}
