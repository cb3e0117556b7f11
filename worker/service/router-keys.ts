/**
 * The integrations a service router has checked keys for, held in its own SQLite so a webhook's key check
 * needs no D1 call (issue 19). Keys minted since then name their service (`fbk_<serviceId>.<secret>`), so
 * the Worker knows which router to ask; older keys (`fbk_<secret>`) are still looked up in D1 by the Worker.
 * The routes that rotate, revoke or edit an integration tell the router before they answer, so a revoked
 * or rotated key is refused on the very next request.
 */
import type { IntegrationType } from '../../schema/alert';
import { integrationByKeyHash, type Integration } from '../directory/integrations';
import { sql } from '../sql';

const KEY_NAMING_SERVICE = /^fbk_([a-z]+_[0-9a-z]+)\.[\w-]{43}$/;

/** The service a key names, or null for a key minted before keys named their service. */
export function serviceOfKey(key: string): string | null {
  return KEY_NAMING_SERVICE.exec(key)?.[1] ?? null;
}

/** A new integration key that names its service. */
export function keyFor(serviceId: string, secret: string): string {
  return `fbk_${serviceId}.${secret.replace(/^fbk_/, '')}`;
}

export class RouterKeys {
  /** Bumped by every forget, so a D1 read that started before one never stores what it read. */
  private generation = 0;
  /** The rows of integration_keys as read or written here (this object is their only writer): no read per request. */
  private readonly held = new Map<string, Integration>();

  constructor(
    private readonly db: SqlStorage,
    private readonly d1: D1Database,
  ) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS integration_keys (
        key_hash       TEXT PRIMARY KEY,
        integration_id TEXT NOT NULL,
        integration    TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS integration_keys_id ON integration_keys(integration_id);
    `);
  }

  /** The live integration of this service holding `keyHash`: from here, else from D1 once and kept. */
  async find(
    serviceId: string,
    keyHash: string,
    type: IntegrationType,
  ): Promise<Integration | null> {
    const found =
      this.held.get(keyHash) ?? this.stored(keyHash) ?? (await this.load(serviceId, keyHash));
    return found?.type === type && found.serviceId === serviceId ? found : null;
  }

  private stored(keyHash: string): Integration | null {
    const row = sql<{ integration: string }>(
      this.db,
      'SELECT integration FROM integration_keys WHERE key_hash = ?',
      keyHash,
    )[0];
    if (!row) return null;
    const integration = JSON.parse(row.integration) as Integration;
    this.held.set(keyHash, integration);
    return integration;
  }

  private async load(serviceId: string, keyHash: string): Promise<Integration | null> {
    const generation = this.generation;
    const integration = await integrationByKeyHash(this.d1, keyHash);
    if (!integration || integration.serviceId !== serviceId) return null;
    if (generation !== this.generation) return integration;
    this.held.set(keyHash, integration);
    sql(
      this.db,
      'INSERT OR REPLACE INTO integration_keys (key_hash, integration_id, integration) VALUES (?, ?, ?)',
      keyHash,
      integration.id,
      JSON.stringify(integration),
    );
    return integration;
  }

  /** The integration was revoked, rotated or edited in D1: its next request reads it afresh. */
  forget(integrationId: string): void {
    this.generation += 1;
    for (const [keyHash, held] of this.held)
      if (held.id === integrationId) this.held.delete(keyHash);
    sql(this.db, 'DELETE FROM integration_keys WHERE integration_id = ?', integrationId);
  }
}
