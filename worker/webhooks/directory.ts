/**
 * Webhook subscriptions in D1: CRUD for /api/webhooks, the signing secrets, and `subscriptionsFor`, which
 * emitters call on every incident event (cached per isolate for a few seconds, so a burst of events costs
 * one query; an edit made here clears this isolate's cache at once, others see it within the TTL).
 */
import type {
  WebhookEventType,
  WebhookInput,
  WebhookSubscription,
} from '../../schema/webhook-schemas';

interface Row {
  id: string;
  url: string;
  service_id: string | null;
  events: string;
  enabled: number;
  disabled_reason: string | null;
  created_at: number;
}

/** How long an old secret keeps signing after a rotation, so receivers can switch over. */
export const SECRET_OVERLAP_MS = 24 * 3600_000;
const CACHE_TTL_MS = 5_000;

function fromRow(r: Row): WebhookSubscription {
  return {
    id: r.id,
    url: r.url,
    serviceId: r.service_id,
    events: JSON.parse(r.events) as WebhookEventType[],
    enabled: r.enabled === 1,
    disabledReason: r.disabled_reason,
    createdAt: r.created_at,
  };
}

/** A Standard Webhooks secret: `whsec_` and 32 random bytes in standard base64. */
export function newWebhookSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return `whsec_${btoa(bin)}`;
}

let cache: { at: number; rows: WebhookSubscription[] } | null = null;

/** Forget the cached enabled subscriptions (after any write). */
export function clearSubscriptionCache(): void {
  cache = null;
}

/** Enabled subscriptions that want `type` for an incident of `serviceId` (or of no service). */
export async function subscriptionsFor(
  db: D1Database,
  serviceId: string | null,
  type: WebhookEventType,
): Promise<WebhookSubscription[]> {
  const t = Date.now();
  if (!cache || t - cache.at > CACHE_TTL_MS) {
    const { results } = await db
      .prepare('SELECT * FROM webhook_subscriptions WHERE enabled = 1')
      .all<Row>();
    cache = { at: t, rows: results.map(fromRow) };
  }
  return cache.rows.filter(
    (s) => (s.serviceId === null || s.serviceId === serviceId) && s.events.includes(type),
  );
}

export async function createSubscription(
  db: D1Database,
  s: WebhookInput & { id: string; createdAt: number; secret: string },
): Promise<void> {
  await db.batch([
    db
      .prepare(
        'INSERT INTO webhook_subscriptions (id, url, service_id, events, enabled, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .bind(s.id, s.url, s.serviceId, JSON.stringify(s.events), s.enabled ? 1 : 0, s.createdAt),
    db
      .prepare('INSERT INTO webhook_secrets (subscription_id, secret, created_at) VALUES (?, ?, ?)')
      .bind(s.id, s.secret, s.createdAt),
  ]);
  clearSubscriptionCache();
}

export async function getSubscription(
  db: D1Database,
  id: string,
): Promise<WebhookSubscription | null> {
  const row = await db
    .prepare('SELECT * FROM webhook_subscriptions WHERE id = ?')
    .bind(id)
    .first<Row>();
  return row ? fromRow(row) : null;
}

export async function listSubscriptions(db: D1Database): Promise<WebhookSubscription[]> {
  const { results } = await db
    .prepare('SELECT * FROM webhook_subscriptions ORDER BY created_at, id')
    .all<Row>();
  return results.map(fromRow);
}

export interface SubscriptionChange {
  url?: string;
  serviceId?: string | null;
  events?: WebhookEventType[];
  enabled?: boolean;
  /** Set with enabled: false when Firebell disables it; cleared whenever it is enabled. */
  disabledReason?: string | null;
}

export async function updateSubscription(
  db: D1Database,
  id: string,
  change: SubscriptionChange,
): Promise<boolean> {
  const sets: string[] = [];
  const params: (string | number | null)[] = [];
  const set = (col: string, v: string | number | null) => {
    sets.push(`${col} = ?`);
    params.push(v);
  };
  if (change.url !== undefined) set('url', change.url);
  if (change.serviceId !== undefined) set('service_id', change.serviceId);
  if (change.events !== undefined) set('events', JSON.stringify(change.events));
  if (change.enabled !== undefined) {
    set('enabled', change.enabled ? 1 : 0);
    set('disabled_reason', change.enabled ? null : (change.disabledReason ?? null));
  }
  if (!sets.length) return (await getSubscription(db, id)) !== null;
  const res = await db
    .prepare(`UPDATE webhook_subscriptions SET ${sets.join(', ')} WHERE id = ?`)
    .bind(...params, id)
    .run();
  clearSubscriptionCache();
  return res.meta.changes > 0;
}

export async function deleteSubscription(db: D1Database, id: string): Promise<boolean> {
  const [, res] = await db.batch([
    db.prepare('DELETE FROM webhook_secrets WHERE subscription_id = ?').bind(id),
    db.prepare('DELETE FROM webhook_subscriptions WHERE id = ?').bind(id),
  ]);
  clearSubscriptionCache();
  return (res?.meta.changes ?? 0) > 0;
}

/** Secrets that sign at `at`, newest first (one signature each). */
export async function liveSecrets(db: D1Database, id: string, at: number): Promise<string[]> {
  const { results } = await db
    .prepare(
      'SELECT secret FROM webhook_secrets WHERE subscription_id = ? AND (expires_at IS NULL OR expires_at > ?) ORDER BY created_at DESC',
    )
    .bind(id, at)
    .all<{ secret: string }>();
  return results.map((r) => r.secret);
}

/** What a queue needs to send: its subscription and every secret with its expiry (newest first), in one round trip. */
export async function deliveryTarget(
  db: D1Database,
  id: string,
): Promise<{
  subscription: WebhookSubscription;
  secrets: { secret: string; expiresAt: number | null }[];
} | null> {
  const [subs, secrets] = await db.batch<Record<string, unknown>>([
    db.prepare('SELECT * FROM webhook_subscriptions WHERE id = ?').bind(id),
    db
      .prepare(
        'SELECT secret, expires_at FROM webhook_secrets WHERE subscription_id = ? ORDER BY created_at DESC',
      )
      .bind(id),
  ]);
  const row = subs?.results[0] as Row | undefined;
  if (!row) return null;
  return {
    subscription: fromRow(row),
    secrets: (secrets?.results ?? []).map((r) => ({
      secret: r.secret as string,
      expiresAt: (r.expires_at as number | null) ?? null,
    })),
  };
}

/**
 * Whether some enabled subscription may want one of `types` for an incident of `serviceId`, from this
 * isolate's cache alone (no await, so it can run inside a storage transaction): undefined when the cache is
 * cold or older than its TTL, and the caller must assume yes.
 */
export function mayWant(
  serviceId: string | null,
  types: readonly WebhookEventType[],
): boolean | undefined {
  if (!cache || Date.now() - cache.at > CACHE_TTL_MS) return undefined;
  return cache.rows.some(
    (s) =>
      (s.serviceId === null || s.serviceId === serviceId) &&
      types.some((t) => s.events.includes(t)),
  );
}

/** Add a new secret; the ones already live expire after SECRET_OVERLAP_MS. Returns the new secret. */
export async function rotateSecret(db: D1Database, id: string, at: number): Promise<string> {
  const secret = newWebhookSecret();
  await db.batch([
    db
      .prepare(
        'UPDATE webhook_secrets SET expires_at = ? WHERE subscription_id = ? AND (expires_at IS NULL OR expires_at > ?)',
      )
      .bind(at + SECRET_OVERLAP_MS, id, at + SECRET_OVERLAP_MS),
    db
      .prepare('INSERT INTO webhook_secrets (subscription_id, secret, created_at) VALUES (?, ?, ?)')
      .bind(id, secret, at),
  ]);
  return secret;
}
