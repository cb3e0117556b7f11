/**
 * The incident's SQLite storage: the one place that knows its tables.
 * Documents are stored as JSON: the object reads whole incidents, never columns.
 */
import type { Incident, IncidentAlert, TimelineEntry } from '../../schema/incident';
import { sql } from '../sql';
import type { EscalationState } from './escalation';
import { upgradeIncident, type StoredIncident } from './legacy';
import type { EntryDraft } from './reducer';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS incident (id INTEGER PRIMARY KEY CHECK (id = 1), doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS alerts (key TEXT PRIMARY KEY, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS timeline (seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, at INTEGER NOT NULL, actor TEXT NOT NULL, text TEXT NOT NULL, data TEXT);
CREATE TABLE IF NOT EXISTS idempotency (key TEXT PRIMARY KEY, response TEXT NOT NULL, at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS schedule (id TEXT PRIMARY KEY, kind TEXT NOT NULL, due_at INTEGER NOT NULL, data TEXT NOT NULL DEFAULT '{}', version INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS escalation (id INTEGER PRIMARY KEY CHECK (id = 1), doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS receipts (subscription_id TEXT PRIMARY KEY, paged_at INTEGER NOT NULL, delivered_at INTEGER);
`;

type TimelineRow = { seq: number; kind: string; at: number; actor: string; text: string; data: string | null };

function toEntry(row: TimelineRow): TimelineEntry {
  return {
    seq: row.seq,
    kind: row.kind as TimelineEntry['kind'],
    at: row.at,
    actor: JSON.parse(row.actor) as TimelineEntry['actor'],
    text: row.text,
    ...(row.data ? { data: JSON.parse(row.data) as Record<string, unknown> } : {}),
  };
}

/** Typed access to one incident object's tables. */
export class IncidentStore {
  private ready: boolean;

  constructor(private readonly storage: SqlStorage) {
    // Tables are created by the first write only: looking up an unknown id must not leave storage behind.
    this.ready = sql<{ n: number }>(storage, "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'incident'")[0]?.n === 1;
    if (this.ready) storage.exec(SCHEMA);
  }

  /** Create the tables; called before the incident's first write. */
  init(): void {
    if (this.ready) return;
    this.storage.exec(SCHEMA);
    this.ready = true;
  }

  load(): Incident | null {
    if (!this.ready) return null;
    const row = sql<{ doc: string }>(this.storage, 'SELECT doc FROM incident WHERE id = 1')[0];
    return row ? upgradeIncident(JSON.parse(row.doc) as StoredIncident, this.storage) : null;
  }

  save(incident: Incident): void {
    sql(this.storage, 'INSERT INTO incident (id, doc) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc', JSON.stringify(incident));
    // Every saved change must reach the D1 index; the outbox row is the promise that it will.
    sql(this.storage, 'INSERT INTO outbox (id, version) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET version = excluded.version', incident.lastSeq);
  }

  /** Append drafts after `lastSeq`; returns the stored entries. */
  append(lastSeq: number, drafts: readonly EntryDraft[], actor: TimelineEntry['actor'], at: number): TimelineEntry[] {
    return drafts.map((draft, i) => {
      const entry: TimelineEntry = { seq: lastSeq + i + 1, kind: draft.kind, at, actor, text: draft.text, ...(draft.data ? { data: draft.data } : {}) };
      sql(this.storage, 'INSERT INTO timeline (seq, kind, at, actor, text, data) VALUES (?, ?, ?, ?, ?, ?)', entry.seq, entry.kind, entry.at, JSON.stringify(actor), entry.text, draft.data ? JSON.stringify(draft.data) : null);
      return entry;
    });
  }

  /** Rewrite one entry in place: only for running counters (duplicates), never for history. */
  rewrite(entry: TimelineEntry): void {
    sql(this.storage, 'UPDATE timeline SET text = ?, data = ? WHERE seq = ?', entry.text, entry.data ? JSON.stringify(entry.data) : null, entry.seq);
  }

  /**
   * Entries after `since`. The entry at `since` itself is included when it is a running counter
   * (suppressed duplicates), since it may have changed in place after the client last saw it.
   */
  timeline(since = 0, limit = 10_000): TimelineEntry[] {
    return sql<TimelineRow>(
      this.storage,
      "SELECT seq, kind, at, actor, text, data FROM timeline WHERE seq > ?1 OR (seq = ?1 AND kind = 'duplicate_suppressed') ORDER BY seq LIMIT ?2",
      since,
      limit,
    ).map(toEntry);
  }

  entry(seq: number): TimelineEntry | null {
    const row = sql<TimelineRow>(this.storage, 'SELECT seq, kind, at, actor, text, data FROM timeline WHERE seq = ?', seq)[0];
    return row ? toEntry(row) : null;
  }

  alerts(): IncidentAlert[] {
    return sql<{ doc: string }>(this.storage, 'SELECT doc FROM alerts ORDER BY rowid').map((r) => JSON.parse(r.doc) as IncidentAlert);
  }

  saveAlert(alert: IncidentAlert): void {
    sql(this.storage, 'INSERT INTO alerts (key, doc) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET doc = excluded.doc', alert.key, JSON.stringify(alert));
  }

  recall(key: string): string | null {
    return sql<{ response: string }>(this.storage, 'SELECT response FROM idempotency WHERE key = ?', key)[0]?.response ?? null;
  }

  remember(key: string, response: string, at: number): void {
    sql(this.storage, 'INSERT OR IGNORE INTO idempotency (key, response, at) VALUES (?, ?, ?)', key, response, at);
  }

  /** The index version still owed to D1, if any. */
  pendingIndexVersion(): { version: number; attempts: number } | null {
    return sql<{ version: number; attempts: number }>(this.storage, 'SELECT version, attempts FROM outbox WHERE id = 1')[0] ?? null;
  }

  indexLanded(version: number): void {
    sql(this.storage, 'DELETE FROM outbox WHERE id = 1 AND version = ?', version);
  }

  indexFailed(): number {
    return sql<{ attempts: number }>(this.storage, 'UPDATE outbox SET attempts = attempts + 1 WHERE id = 1 RETURNING attempts')[0]?.attempts ?? 0;
  }

  escalation(): EscalationState | null {
    if (!this.ready) return null;
    const row = sql<{ doc: string }>(this.storage, 'SELECT doc FROM escalation WHERE id = 1')[0];
    return row ? (JSON.parse(row.doc) as EscalationState) : null;
  }

  saveEscalation(state: EscalationState | null): void {
    if (state) sql(this.storage, 'INSERT INTO escalation (id, doc) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc', JSON.stringify(state));
    else sql(this.storage, 'DELETE FROM escalation');
  }

  /** A device was paged: its next delivery receipt counts once. */
  paged(subscriptionId: string, at: number): void {
    sql(this.storage, 'INSERT INTO receipts (subscription_id, paged_at) VALUES (?, ?) ON CONFLICT (subscription_id) DO UPDATE SET paged_at = excluded.paged_at, delivered_at = NULL', subscriptionId, at);
  }

  /** Record a delivery receipt; false when this page's delivery was already recorded. */
  delivered(subscriptionId: string, at: number): boolean {
    const rows = sql<{ n: number }>(
      this.storage,
      'INSERT INTO receipts (subscription_id, paged_at, delivered_at) VALUES (?1, ?2, ?2) ON CONFLICT (subscription_id) DO UPDATE SET delivered_at = ?2 WHERE delivered_at IS NULL RETURNING 1 AS n',
      subscriptionId,
      at,
    );
    return rows.length > 0;
  }
}
