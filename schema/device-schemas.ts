/**
 * Devices registered for pages, on the wire: what a browser registers (its PushSubscription), what my
 * device list shows, and the bodies the service worker posts with a page's action token. Zod shapes with
 * the types derived from them; the key checks live here so the shape is the whole rule.
 */
import { z } from '@hono/zod-openapi';

export const MAX_ENDPOINT_LENGTH = 2048;

/** Decode base64url (padding and standard alphabet tolerated, as browsers differ); null when it is not base64. */
export function decodeBase64url(text: string): Uint8Array | null {
  const normal = text.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  if (!/^[A-Za-z0-9+/]*$/.test(normal) || normal.length % 4 === 1) return null;
  try {
    return Uint8Array.from(atob(normal), (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
}

/** Why a p256dh key is wrong (must be an uncompressed P-256 point: 65 bytes starting 0x04), or null. */
export function p256dhProblem(key: string): string | null {
  const bytes = decodeBase64url(key);
  if (!bytes) return 'must be base64url';
  if (bytes.byteLength !== 65 || bytes[0] !== 0x04)
    return `must decode to a 65-byte uncompressed P-256 point starting 0x04 (got ${bytes.byteLength} bytes)`;
  return null;
}

/** Why an auth secret is wrong (must be 16 bytes, RFC 8291 §3.2), or null. */
export function authSecretProblem(key: string): string | null {
  const bytes = decodeBase64url(key);
  if (!bytes) return 'must be base64url';
  if (bytes.byteLength !== 16) return `must decode to 16 bytes (got ${bytes.byteLength})`;
  return null;
}

/** One of my devices registered for pages, without key material (GET /api/push/subscriptions). */
export const pushDeviceSchema = z
  .object({
    id: z.string(),
    label: z.string(),
    endpoint: z.string(),
    createdAt: z.number(),
    lastSuccessAt: z.number().nullable(),
    lastFailureAt: z.number().nullable(),
    lastFailure: z.string().nullable(),
    verifiedAt: z.number().nullable().openapi({
      description:
        'When a test page to it first came back with its service worker’s receipt; null: not verified yet',
    }),
  })
  .openapi('PushDevice');

/** What the push service answered to a test page. */
export const pushOutcomeSchema = z
  .object({
    kind: z.enum(['sent', 'gone', 'retry', 'rejected']),
    status: z
      .number()
      .int()
      .openapi({ description: 'HTTP status from the push service; 0 when none came back' }),
    retryAfterMs: z.number().optional(),
    detail: z.string().optional(),
  })
  .openapi('PushOutcome');
export const testPageSchema = z.object({
  outcome: pushOutcomeSchema,
  removed: z.boolean(),
  message: z.string(),
});

const keyField = (check: (value: string) => string | null) =>
  z
    .string()
    .max(200)
    .superRefine((value, ctx) => {
      const problem = check(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });

/** A PushSubscription's keys, checked as the push sender needs them. */
export const pushKeysSchema = z.object({
  p256dh: keyField(p256dhProblem),
  auth: keyField(authSecretProblem),
});

/** The fields of a browser's PushSubscription.toJSON(), shared by every body that carries one. */
export const pushSubscriptionFields = {
  endpoint: z.string().min(1).max(MAX_ENDPOINT_LENGTH),
  // Browsers' PushSubscription.toJSON() includes it; we accept and ignore it.
  expirationTime: z.number().nullable().optional(),
  keys: pushKeysSchema,
};

/** A browser's PushSubscription.toJSON() plus the label I give the device. */
export const subscribeBody = z
  .object({
    ...pushSubscriptionFields,
    label: z.string().trim().min(1).max(80).openapi({ example: 'Pixel 8' }),
  })
  .strict();
export const renameDeviceBody = z.object({ label: z.string().trim().min(1).max(80) }).strict();

const tokenField = z
  .string()
  .min(1)
  .max(1024)
  .openapi({ description: 'The actionToken from the page payload' });
/** The service worker reports that it showed a page. */
export const receiptBody = z
  .object({
    token: tokenField,
    shownAt: z.number().int().optional().openapi({
      description: 'When it was shown (epoch ms); clamped to the last 24 h',
    }),
  })
  .strict();
/** The notification's Acknowledge action. */
export const pushAckBody = z
  .object({ token: tokenField, incidentId: z.string().min(1).max(64).optional() })
  .strict();

export type PushDevice = z.infer<typeof pushDeviceSchema>;
export type PushOutcome = z.infer<typeof pushOutcomeSchema>;
export type SubscribeBody = z.input<typeof subscribeBody>;
