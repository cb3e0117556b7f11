/**
 * Grafana unified alerting webhook contact point. The body is Alertmanager's group shape
 * (Grafana sends version "1") plus orgId/title/state/message and per-alert extras.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { z } from 'zod';
import { grafanaAlertSchema, grafanaSchema } from '../../schema/alert-group-schemas';
import type { AlertLink } from '../../schema/alert';
import { groupToEvents, type GroupAdapter } from './alertmanager';
import type { AdapterResult } from './normalize';
import { isRecord, issueMessages } from './normalize';

/**
 * Grafana's UI placeholder and docs name this header; the Go sender's built-in fallback when the
 * field is left empty is "X-Grafana-Alert-Signature", so the route should accept either.
 */
export const GRAFANA_SIGNATURE_HEADERS = [
  'X-Grafana-Alerting-Signature',
  'X-Grafana-Alert-Signature',
] as const;
/** Grafana has no default timestamp header; this is the name we tell users to configure. */
export const GRAFANA_TIMESTAMP_HEADER = 'X-Grafana-Alerting-Signature-Timestamp';
export const GRAFANA_MAX_SKEW_MS = 5 * 60 * 1000;

const grafanaFields = grafanaSchema.omit({ alerts: true });

async function grafanaEvents(
  { orgId, ...group }: z.infer<typeof grafanaFields>,
  alerts: z.infer<typeof grafanaAlertSchema>[],
) {
  return groupToEvents(
    {
      ...group,
      alerts: alerts.map(
        ({ valueString, silenceURL, dashboardURL, panelURL, imageURL, values, ...alert }) => {
          const extraLinks: AlertLink[] = [];
          if (dashboardURL) extraLinks.push({ href: dashboardURL, text: 'Dashboard' });
          if (panelURL) extraLinks.push({ href: panelURL, text: 'Panel' });
          if (imageURL) extraLinks.push({ href: imageURL, text: 'Image' });
          if (silenceURL) extraLinks.push({ href: silenceURL, text: 'Silence' });
          const extraDetails = {
            ...(valueString ? { valueString } : {}),
            ...(values && Object.keys(values).length ? { values } : {}),
            ...(orgId !== undefined ? { orgId } : {}),
          };
          return { ...alert, extraLinks, extraDetails };
        },
      ),
    },
    'Grafana',
  );
}

/** Grafana's group, read alert by alert. */
export const grafanaGroup: GroupAdapter<
  z.infer<typeof grafanaAlertSchema>,
  z.infer<typeof grafanaFields>
> = {
  alertSchema: grafanaAlertSchema,
  fieldsSchema: grafanaFields,
  toEvents: grafanaEvents,
};

export async function adaptGrafana(body: unknown, _now: number): Promise<AdapterResult> {
  if (!isRecord(body)) return { ok: false, errors: ['body: expected a JSON object'] };
  const parsed = grafanaSchema.safeParse(body);
  if (!parsed.success) return { ok: false, errors: issueMessages(parsed.error.issues) };
  const { alerts, ...fields } = parsed.data;
  return { ok: true, events: await grafanaEvents(fields, alerts) };
}

export type SignatureCheck =
  | { ok: true }
  | {
      ok: false;
      reason: 'no-secret' | 'missing' | 'no-timestamp' | 'malformed' | 'stale' | 'mismatch';
    };

function hexToBytes(hex: string): Uint8Array | undefined {
  if (!/^[0-9a-f]{64}$/.test(hex)) return undefined;
  return Uint8Array.from(hex.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

/** A signature check fed the body as it streams in; `verify` compares in constant time once it has all of it. */
export interface SignatureStream {
  update: (chunk: Uint8Array) => void;
  verify: () => boolean;
}

/**
 * Start checking Grafana's HMAC-SHA256 (lowercase hex) over `${timestamp}:${body}`, the timestamp (Unix seconds)
 * in the header the contact point's HMAC "Timestamp header" names, within five minutes of `now`. Header problems
 * are known before the body is read. The timestamp is required: a signature over the body alone never expires,
 * so anyone who saw one request could replay it (a resolve, or a trigger that re-opens an incident) for ever.
 */
export function grafanaSignature(
  secret: string,
  signatureHeader: string | null | undefined,
  timestampHeader: string | null | undefined,
  now: number,
):
  | { ok: true; stream: SignatureStream }
  | { ok: false; reason: 'no-secret' | 'missing' | 'no-timestamp' | 'malformed' | 'stale' } {
  if (!secret) return { ok: false, reason: 'no-secret' };
  const provided = signatureHeader
    ?.trim()
    .toLowerCase()
    .replace(/^sha256=/, '');
  if (!provided) return { ok: false, reason: 'missing' };
  const signature = hexToBytes(provided);
  if (!signature) return { ok: false, reason: 'malformed' };
  const encoder = new TextEncoder();
  // Incremental, so a large body is never held whole just to be signed.
  const mac = hmac.create(sha256, encoder.encode(secret));
  const timestamp = timestampHeader?.trim();
  if (!timestamp) return { ok: false, reason: 'no-timestamp' };
  if (!/^\d{1,15}$/.test(timestamp)) return { ok: false, reason: 'malformed' };
  if (Math.abs(now - Number(timestamp) * 1000) > GRAFANA_MAX_SKEW_MS)
    return { ok: false, reason: 'stale' };
  mac.update(encoder.encode(`${timestamp}:`));
  return {
    ok: true,
    stream: {
      update: (chunk) => void mac.update(chunk),
      verify: () => constantTimeEqual(mac.digest(), signature),
    },
  };
}

/** Whole-body form of grafanaSignature. */
export async function verifyGrafanaSignature(
  secret: string,
  body: string,
  signatureHeader: string | null | undefined,
  timestampHeader: string | null | undefined,
  now: number,
): Promise<SignatureCheck> {
  const started = grafanaSignature(secret, signatureHeader, timestampHeader, now);
  if (!started.ok) return started;
  started.stream.update(new TextEncoder().encode(body));
  return started.stream.verify() ? { ok: true } : { ok: false, reason: 'mismatch' };
}

/** Same time whatever the first differing byte, unlike comparing hex strings with ===. */
function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  let diff = 0;
  for (let i = 0; i < a.byteLength; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}
