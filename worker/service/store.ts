/**
 * The router object's SQLite: open dedup keys, rate-limit counters and recent payloads.
 * All reads and writes are synchronous, so a read-then-write here never interleaves with another request.
 */
import { sql } from '../sql';
import type { PayloadInput, PayloadOutcome, RecordedPayload } from '../../schema/directory';
import type { RateWindow } from './rate-limit';

/** Payloads kept per integration, newest first; each body was already cut by the Worker (intake.payloadRecord). */
export const PAYLOADS_KEPT = 20;
export const PAYLOAD_MAX_BYTES = 8 * 1024;
/** A custom integration's mapping preview reads whole bodies, so more of each is kept… */
export const CUSTOM_PAYLOAD_MAX_BYTES = 64 * 1024;
/** …within this much per integration, the oldest dropped first (the newest is always kept). */
export const PAYLOADS_MAX_TOTAL_BYTES = 512 * 1024;
/**
 * Stored payloads are pruned to those limits every this many payloads (or bytes) of an integration, not
 * after each (two statements on every request); reads apply the limits, so they always show the same.
 */
const PRUNE_EVERY = 10;
const PRUNE_EVERY_BYTES = CUSTOM_PAYLOAD_MAX_BYTES;
/** Open dedup keys held in memory; past this the longest held are forgotten and read from SQLite again. */
const OPEN_KEYS_HELD = 10_000;
const encoder = new TextEncoder();
const bytesOf = (body: string) => encoder.encode(body).length;

type PayloadRow = {
  integration_id: string;
  received_at: number;
  method: string;
  content_type: string | null;
  user_agent: string | null;
  bytes: number;
  body: string;
  truncated: number;
  outcome: PayloadOutcome;
  detail: string;
};

export class RouterStore {
  constructor(private readonly db: SqlStorage) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS open_keys (
        dedup_key   TEXT PRIMARY KEY,
        incident_id TEXT NOT NULL,
        opened_at   INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS rate_windows (
        integration_id TEXT PRIMARY KEY,
        start          INTEGER NOT NULL,
        count          INTEGER NOT NULL,
        previous       INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS payloads (
        id             INTEGER PRIMARY KEY AUTOINCREMENT,
        integration_id TEXT NOT NULL,
        received_at    INTEGER NOT NULL,
        method         TEXT NOT NULL,
        content_type   TEXT,
        user_agent     TEXT,
        bytes          INTEGER NOT NULL,
        body           TEXT NOT NULL,
        truncated      INTEGER NOT NULL,
        outcome        TEXT NOT NULL,
        detail         TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS payloads_integration ON payloads(integration_id, id);
    `);
  }

  /**
   * Open keys as last read or written here, the oldest forgotten past OPEN_KEYS_HELD: this object is the only
   * writer of its storage, so a trigger or duplicate needs no read (a failed commit resets the object, and this).
   */
  private readonly openKeys = new Map<string, string | null>();
  /** Whether openKeys holds every row (then a new key needs no read either); null until first looked at. */
  private allKeysHeld: boolean | null = null;

  /** The incident currently open for a dedup key, as far as this router knows. */
  openIncident(dedupKey: string): string | null {
    if (this.allKeysHeld === null) this.holdAllKeys();
    const held = this.openKeys.get(dedupKey);
    if (held !== undefined) return held;
    if (this.allKeysHeld) return null;
    const incidentId =
      sql<{ incident_id: string }>(
        this.db,
        'SELECT incident_id FROM open_keys WHERE dedup_key = ?',
        dedupKey,
      )[0]?.incident_id ?? null;
    this.holdKey(dedupKey, incidentId);
    return incidentId;
  }

  /** Once per wake: a service with at most OPEN_KEYS_HELD open keys has them all in memory. */
  private holdAllKeys(): void {
    const rows = sql<{ dedup_key: string; incident_id: string }>(
      this.db,
      'SELECT dedup_key, incident_id FROM open_keys LIMIT ?',
      OPEN_KEYS_HELD + 1,
    );
    this.allKeysHeld = rows.length <= OPEN_KEYS_HELD;
    if (this.allKeysHeld) for (const r of rows) this.openKeys.set(r.dedup_key, r.incident_id);
  }

  private holdKey(dedupKey: string, incidentId: string | null): void {
    this.openKeys.delete(dedupKey);
    this.openKeys.set(dedupKey, incidentId);
    if (this.openKeys.size <= OPEN_KEYS_HELD) return;
    this.openKeys.delete(this.openKeys.keys().next().value as string);
    this.allKeysHeld = false;
  }

  /** Written before the incident is created, so a retry after a crash reuses the same id. */
  mapKey(dedupKey: string, incidentId: string, at: number): void {
    sql(
      this.db,
      'INSERT OR REPLACE INTO open_keys (dedup_key, incident_id, opened_at) VALUES (?, ?, ?)',
      dedupKey,
      incidentId,
      at,
    );
    this.holdKey(dedupKey, incidentId);
  }

  /** Forget a key whose incident resolved; only if it still points at that incident. */
  unmapKey(dedupKey: string, incidentId: string): void {
    sql(
      this.db,
      'DELETE FROM open_keys WHERE dedup_key = ? AND incident_id = ?',
      dedupKey,
      incidentId,
    );
    if (this.openKeys.get(dedupKey) === incidentId) this.holdKey(dedupKey, null);
  }

  /**
   * Rate windows per integration of the service, as counted here (this object is their only writer), and which of
   * them are not written yet: those are written with the request's payload record (every request that counts ends
   * with one), so an accepted alert commits once, after its incident answered, instead of once before and once
   * after. Concurrent requests read them from here.
   */
  private readonly windows = new Map<string, RateWindow | null>();
  private readonly unwrittenWindows = new Set<string>();

  /** Payloads (and their bytes) recorded per integration since it was last pruned, in this instance. */
  private readonly sincePrune = new Map<string, { rows: number; bytes: number }>();

  rateWindow(integrationId: string): RateWindow | null {
    const held = this.windows.get(integrationId);
    if (held !== undefined) return held;
    const stored =
      sql<{ start: number; count: number; previous: number }>(
        this.db,
        'SELECT start, count, previous FROM rate_windows WHERE integration_id = ?',
        integrationId,
      )[0] ?? null;
    this.windows.set(integrationId, stored);
    return stored;
  }

  saveRateWindow(integrationId: string, w: RateWindow): void {
    this.windows.set(integrationId, w);
    this.unwrittenWindows.add(integrationId);
  }

  private writeHeldWindows(): void {
    for (const integrationId of this.unwrittenWindows) {
      const w = this.windows.get(integrationId);
      if (!w) continue;
      sql(
        this.db,
        'INSERT OR REPLACE INTO rate_windows (integration_id, start, count, previous) VALUES (?, ?, ?, ?)',
        integrationId,
        w.start,
        w.count,
        w.previous,
      );
    }
    this.unwrittenWindows.clear();
  }

  /** Keep the payload; drop all but the newest PAYLOADS_KEPT of its integration, then the oldest past PAYLOADS_MAX_TOTAL_BYTES. */
  recordPayload(
    integrationId: string,
    at: number,
    payload: PayloadInput,
    outcome: PayloadOutcome,
    detail: string,
  ): number {
    this.writeHeldWindows();
    const [row] = sql<{ id: number }>(
      this.db,
      `INSERT INTO payloads (integration_id, received_at, method, content_type, user_agent, bytes, body, truncated, outcome, detail)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      integrationId,
      at,
      payload.method,
      payload.contentType,
      payload.userAgent,
      payload.bytes,
      payload.body,
      payload.truncated ? 1 : 0,
      outcome,
      detail,
    );
    const since = this.sincePrune.get(integrationId) ?? { rows: 0, bytes: 0 };
    since.rows += 1;
    since.bytes += bytesOf(payload.body);
    const id = (row as { id: number }).id;
    if (since.rows < PRUNE_EVERY && since.bytes < PRUNE_EVERY_BYTES) {
      this.sincePrune.set(integrationId, since);
      return id;
    }
    this.sincePrune.delete(integrationId);
    sql(
      this.db,
      'DELETE FROM payloads WHERE integration_id = ?1 AND id NOT IN (SELECT id FROM payloads WHERE integration_id = ?1 ORDER BY id DESC LIMIT ?2)',
      integrationId,
      PAYLOADS_KEPT,
    );
    sql(
      this.db,
      `DELETE FROM payloads WHERE id IN (
         SELECT id FROM (
           SELECT id, sum(length(CAST(body AS BLOB))) OVER (ORDER BY id DESC) AS kept
           FROM payloads WHERE integration_id = ?1
         ) WHERE kept > ?2 AND id < (SELECT max(id) FROM payloads WHERE integration_id = ?1)
       )`,
      integrationId,
      PAYLOADS_MAX_TOTAL_BYTES,
    );
    return id;
  }

  /** Correct a payload recorded before its outcome was final (the router records a new incident's before its create). */
  rewritePayload(id: number, outcome: PayloadOutcome, detail: string): void {
    sql(this.db, 'UPDATE payloads SET outcome = ?, detail = ? WHERE id = ?', outcome, detail, id);
  }

  /** Recent payloads of each integration, newest first. */
  payloads(integrationIds: readonly string[]): Record<string, RecordedPayload[]> {
    const out: Record<string, RecordedPayload[]> = Object.fromEntries(
      integrationIds.map((id) => [id, []]),
    );
    if (!integrationIds.length) return out;
    const rows = sql<PayloadRow>(
      this.db,
      `SELECT integration_id, received_at, method, content_type, user_agent, bytes, body, truncated, outcome, detail
       FROM payloads WHERE integration_id IN (${integrationIds.map(() => '?').join(', ')}) ORDER BY id DESC`,
      ...integrationIds,
    );
    const kept = new Map<string, { rows: number; bytes: number }>();
    for (const r of rows) {
      // The limits recordPayload prunes to, for the rows recorded since its last prune.
      const k = kept.get(r.integration_id) ?? { rows: 0, bytes: 0 };
      kept.set(r.integration_id, k);
      k.rows += 1;
      k.bytes += bytesOf(r.body);
      if (k.rows > PAYLOADS_KEPT || (k.rows > 1 && k.bytes > PAYLOADS_MAX_TOTAL_BYTES)) continue;
      out[r.integration_id]?.push({
        receivedAt: r.received_at,
        method: r.method,
        contentType: r.content_type,
        userAgent: r.user_agent,
        bytes: r.bytes,
        body: r.body,
        truncated: r.truncated === 1,
        outcome: r.outcome,
        detail: r.detail,
      });
    }
    return out;
  }
}
