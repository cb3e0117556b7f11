/**
 * Integrations in D1: how a monitor proves it may page a service. Only a keyed hash of each key is
 * stored; a revoked integration keeps its row (and hash) so the listing can show when it stopped.
 */
import type { IntegrationType } from '../../schema/alert';
import type { Mapping } from '../../schema/mapping-schemas';

export interface Integration {
  id: string;
  serviceId: string;
  type: IntegrationType;
  name: string;
  /** Grafana HMAC secret; never returned by the API, only whether one is set. */
  signingSecret: string | null;
  ratePerMinute: number;
  /** Custom integrations: how their bodies become alert events. */
  mapping: Mapping | null;
  /** The ready-made mapping the mapping was made from, until it is edited away from it. */
  preset: string | null;
  createdAt: number;
  revokedAt: number | null;
}

type Row = {
  id: string;
  service_id: string;
  type: IntegrationType;
  name: string;
  signing_secret: string | null;
  rate_per_minute: number;
  mapping: string | null;
  preset: string | null;
  created_at: number;
  revoked_at: number | null;
};

const COLUMNS =
  'id, service_id, type, name, signing_secret, rate_per_minute, mapping, preset, created_at, revoked_at';

const toIntegration = (r: Row): Integration => ({
  id: r.id,
  serviceId: r.service_id,
  type: r.type,
  name: r.name,
  signingSecret: r.signing_secret,
  ratePerMinute: r.rate_per_minute,
  // Written only by setIntegrationMapping/createIntegration after validation, so the JSON is a Mapping.
  mapping: r.mapping === null ? null : (JSON.parse(r.mapping) as Mapping),
  preset: r.preset,
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
});

export async function createIntegration(
  db: D1Database,
  integration: Omit<Integration, 'revokedAt'> & { keyHash: string },
): Promise<void> {
  await db
    .prepare(
      'INSERT INTO integrations (id, service_id, type, name, key_hash, signing_secret, rate_per_minute, mapping, preset, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    )
    .bind(
      integration.id,
      integration.serviceId,
      integration.type,
      integration.name,
      integration.keyHash,
      integration.signingSecret,
      integration.ratePerMinute,
      integration.mapping === null ? null : JSON.stringify(integration.mapping),
      integration.preset,
      integration.createdAt,
    )
    .run();
}

export async function listIntegrations(db: D1Database, serviceId: string): Promise<Integration[]> {
  const { results } = await db
    .prepare(`SELECT ${COLUMNS} FROM integrations WHERE service_id = ? ORDER BY created_at, id`)
    .bind(serviceId)
    .all<Row>();
  return results.map(toIntegration);
}

export async function getIntegration(
  db: D1Database,
  serviceId: string,
  id: string,
): Promise<Integration | null> {
  const row = await db
    .prepare(`SELECT ${COLUMNS} FROM integrations WHERE id = ? AND service_id = ?`)
    .bind(id, serviceId)
    .first<Row>();
  return row ? toIntegration(row) : null;
}

/**
 * The live integration holding this key hash, or null. Unknown and revoked keys take the same single
 * query and the same answer, so a caller cannot tell them apart.
 */
export async function integrationByKeyHash(
  db: D1Database,
  keyHash: string,
): Promise<Integration | null> {
  const row = await db
    .prepare(`SELECT ${COLUMNS} FROM integrations WHERE key_hash = ? AND revoked_at IS NULL`)
    .bind(keyHash)
    .first<Row>();
  return row ? toIntegration(row) : null;
}

/** Replace a live integration's key; false when there is no such live integration. */
export async function rotateIntegrationKey(
  db: D1Database,
  serviceId: string,
  id: string,
  keyHash: string,
): Promise<boolean> {
  const res = await db
    .prepare(
      'UPDATE integrations SET key_hash = ? WHERE id = ? AND service_id = ? AND revoked_at IS NULL',
    )
    .bind(keyHash, id, serviceId)
    .run();
  return res.meta.changes > 0;
}

/** Revoke a live integration; false when there is no such live integration. */
export async function revokeIntegration(
  db: D1Database,
  serviceId: string,
  id: string,
  now: number,
): Promise<boolean> {
  const res = await db
    .prepare(
      'UPDATE integrations SET revoked_at = ? WHERE id = ? AND service_id = ? AND revoked_at IS NULL',
    )
    .bind(now, id, serviceId)
    .run();
  return res.meta.changes > 0;
}

/** Change an integration's name and/or rate; false when there is no such integration. Ingestion reads both per request, so it applies at once. */
export async function updateIntegration(
  db: D1Database,
  serviceId: string,
  id: string,
  patch: { name?: string; ratePerMinute?: number },
): Promise<boolean> {
  const res = await db
    .prepare(
      'UPDATE integrations SET name = coalesce(?3, name), rate_per_minute = coalesce(?4, rate_per_minute) WHERE id = ?1 AND service_id = ?2',
    )
    .bind(id, serviceId, patch.name ?? null, patch.ratePerMinute ?? null)
    .run();
  return res.meta.changes > 0;
}

/** Replace an integration's mapping (and the preset it still matches, if any); false when there is no such integration. */
export async function setIntegrationMapping(
  db: D1Database,
  serviceId: string,
  id: string,
  mapping: Mapping,
  preset: string | null,
): Promise<boolean> {
  const res = await db
    .prepare('UPDATE integrations SET mapping = ?3, preset = ?4 WHERE id = ?1 AND service_id = ?2')
    .bind(id, serviceId, JSON.stringify(mapping), preset)
    .run();
  return res.meta.changes > 0;
}
