/**
 * The incident's SQLite storage: the one place that knows its tables.
 * Documents are stored as JSON: the object reads whole incidents, never columns.
 */
import type { Incident, IncidentAlert, TimelineEntry } from '../../schema/incident';
import { sql } from '../sql';
import type { EscalationState } from './escalation';
import type { PendingWebhookEvent } from '../webhooks/events';
import type { Overflow, OverflowState } from './ingest';
import { upgradeIncident, type StoredIncident } from './legacy';
import type { EntryDraft } from './reducer';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS incident (id INTEGER PRIMARY KEY CHECK (id = 1), doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS alerts (key TEXT PRIMARY KEY, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS timeline (seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, at INTEGER NOT NULL, actor TEXT NOT NULL, text TEXT NOT NULL, data TEXT);
CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS schedule (id TEXT PRIMARY KEY, kind TEXT NOT NULL, due_at INTEGER NOT NULL, data TEXT NOT NULL DEFAULT '{}', version INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS escalation (id INTEGER PRIMARY KEY CHECK (id = 1), doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS owed_pages (id INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT NOT NULL, at INTEGER NOT NULL);
`;

/**
 * Tables most incidents never write, each created by its first write: every CREATE re-reads the schema, and
 * creating them all made up about a tenth of a new incident's CPU in its object. Reads of one not created yet
 * find nothing, which is what it would hold.
 */
type LazyTable = 'command_keys' | 'receipts' | 'overflow' | 'webhook_outbox';
const LAZY: Record<LazyTable, string> = {
  command_keys: `CREATE TABLE IF NOT EXISTS command_keys (scope TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, response TEXT NOT NULL, at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS command_keys_at ON command_keys(at);`,
  receipts:
    'CREATE TABLE IF NOT EXISTS receipts (subscription_id TEXT PRIMARY KEY, paged_at INTEGER NOT NULL, delivered_at INTEGER);',
  overflow: 'CREATE TABLE IF NOT EXISTS overflow (key TEXT PRIMARY KEY, status TEXT NOT NULL);',
  webhook_outbox:
    'CREATE TABLE IF NOT EXISTS webhook_outbox (id TEXT PRIMARY KEY, doc TEXT NOT NULL);',
};

type TimelineRow = {
  seq: number;
  kind: string;
  at: number;
  actor: string;
  text: string;
  data: string | null;
};

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

/**
 * One page of timeline, wherever it is read (HTTP, the live room's snapshot and resume): the first limit reached
 * ends it. A storm writes tens of thousands of entries; no single answer or socket message may carry them all.
 */
export const TIMELINE_PAGE = { entries: 500, bytes: 256 * 1024 } as const;

/** Rows in read order → entries up to TIMELINE_PAGE (always at least one); `more` when rows were left over. */
function fitPage(rows: TimelineRow[]): { entries: TimelineEntry[]; more: boolean } {
  const entries: TimelineEntry[] = [];
  let bytes = 0;
  for (const row of rows) {
    // The entry's size on the wire: its JSON parts in UTF-8, plus the field names and numbers around them.
    bytes +=
      utf8Bytes(JSON.stringify(row.text)) + utf8Bytes(row.actor) + utf8Bytes(row.data ?? '') + 96;
    if (entries.length && (entries.length >= TIMELINE_PAGE.entries || bytes > TIMELINE_PAGE.bytes))
      return { entries, more: true };
    entries.push(toEntry(row));
  }
  return { entries, more: false };
}

const encoder = new TextEncoder();
const utf8Bytes = (text: string) => encoder.encode(text).byteLength;

/** Freeze a document and everything in it: a cached one is shared by every reader until the next write. */
function frozen<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) frozen(v);
  }
  return value;
}

/** Typed access to one incident object's tables. */
export class IncidentStore {
  private ready: boolean;
  private tables: Set<string>;
  /**
   * The incident and escalation documents as last read or written. This store is their only writer, so between
   * writes a read need not run a statement and parse JSON again (a new incident's opening and first page read
   * the incident ~16 times). Frozen: a caller that changed one in place would change what every later reader
   * sees, so it fails loudly instead. A transaction that throws drops them (forget), as its writes are undone.
   */
  private docs: { incident?: Incident | null; escalation?: EscalationState | null } = {};

  constructor(private readonly storage: SqlStorage) {
    this.tables = this.existing();
    // Tables are created by the first write only: looking up an unknown id must not leave storage behind.
    this.ready = this.tables.has('incident');
    if (this.ready) storage.exec(SCHEMA); // tables added since this incident was opened
    if (this.tables.has('idempotency')) storage.exec('DROP TABLE idempotency'); // replaced by command_keys
  }

  /** The tables this object's storage has. */
  private existing(): Set<string> {
    return new Set(
      sql<{ name: string }>(
        this.storage,
        "SELECT name FROM sqlite_master WHERE type = 'table'",
      ).map((r) => r.name),
    );
  }

  /** Create the tables; called before the incident's first write. */
  init(): void {
    if (this.ready) return;
    this.storage.exec(SCHEMA);
    this.ready = true;
    this.docs = { incident: null, escalation: null }; // a new object: nothing written yet
  }

  /** Create a lazy table before its first write. */
  private ensure(table: LazyTable): void {
    if (this.tables.has(table)) return;
    this.storage.exec(LAZY[table]);
    this.tables.add(table);
  }

  load(): Incident | null {
    if (!this.ready) return null;
    if (this.docs.incident !== undefined) return this.docs.incident;
    const row = sql<{ doc: string }>(this.storage, 'SELECT doc FROM incident WHERE id = 1')[0];
    const incident = row
      ? upgradeIncident(JSON.parse(row.doc) as StoredIncident, this.storage)
      : null;
    return (this.docs.incident = frozen(incident));
  }

  /** Drop what is held in memory: a transaction that wrote it was rolled back (tables it created included). */
  forget(): void {
    this.docs = {};
    this.tables = this.existing();
    this.ready = this.tables.has('incident');
  }

  save(incident: Incident): void {
    sql(
      this.storage,
      'INSERT INTO incident (id, doc) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc',
      JSON.stringify(incident),
    );
    // Every saved change must reach the D1 index; the outbox row is the promise that it will.
    sql(
      this.storage,
      'INSERT INTO outbox (id, version) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET version = excluded.version',
      incident.lastSeq,
    );
    this.docs.incident = frozen(incident);
  }

  /** Append drafts after `lastSeq`; returns the stored entries. */
  append(
    lastSeq: number,
    drafts: readonly EntryDraft[],
    actor: TimelineEntry['actor'],
    at: number,
  ): TimelineEntry[] {
    return drafts.map((draft, i) => {
      const entry: TimelineEntry = {
        seq: lastSeq + i + 1,
        kind: draft.kind,
        at,
        actor,
        text: draft.text,
        ...(draft.data ? { data: draft.data } : {}),
      };
      sql(
        this.storage,
        'INSERT INTO timeline (seq, kind, at, actor, text, data) VALUES (?, ?, ?, ?, ?, ?)',
        entry.seq,
        entry.kind,
        entry.at,
        JSON.stringify(actor),
        entry.text,
        draft.data ? JSON.stringify(draft.data) : null,
      );
      return entry;
    });
  }

  /** Rewrite one entry in place: only for running counters (duplicates), never for history. */
  rewrite(entry: TimelineEntry): void {
    sql(
      this.storage,
      'UPDATE timeline SET text = ?, data = ? WHERE seq = ?',
      entry.text,
      entry.data ? JSON.stringify(entry.data) : null,
      entry.seq,
    );
  }

  /**
   * Entries after `since`, oldest first, at most one page (TIMELINE_PAGE). The entry at `since` itself is
   * included when it is a running counter (suppressed duplicates), since it may have changed in place after
   * the client last saw it; `counterAtSince: false` leaves it out (for the pages after the first).
   * `more` says entries after the last one returned exist.
   */
  after(since: number, counterAtSince = true): { entries: TimelineEntry[]; more: boolean } {
    const rows = sql<TimelineRow>(
      this.storage,
      `SELECT seq, kind, at, actor, text, data FROM timeline WHERE seq > ?1 OR (?2 AND seq = ?1 AND kind = 'duplicate_suppressed') ORDER BY seq LIMIT ?3`,
      since,
      counterAtSince ? 1 : 0,
      TIMELINE_PAGE.entries + 1,
    );
    return fitPage(rows);
  }

  /**
   * The newest entries before `before` (the newest of all when it is omitted), oldest first, at most one page.
   * `earlier` is the cursor for the page before these (pass it as `before`), null when they start at entry 1.
   */
  newest(before?: number): { entries: TimelineEntry[]; earlier: number | null } {
    const rows = sql<TimelineRow>(
      this.storage,
      'SELECT seq, kind, at, actor, text, data FROM timeline WHERE seq < ?1 ORDER BY seq DESC LIMIT ?2',
      before ?? Number.MAX_SAFE_INTEGER,
      TIMELINE_PAGE.entries,
    );
    const { entries } = fitPage(rows);
    entries.reverse();
    const first = entries[0]?.seq;
    return { entries, earlier: first !== undefined && first > 1 ? first : null };
  }

  /** The runbook's entries (attached, ticks), oldest first: schema/runbook.ts folds them into the checklist. */
  runbookEntries(): TimelineEntry[] {
    if (!this.ready) return [];
    return sql<TimelineRow>(
      this.storage,
      "SELECT seq, kind, at, actor, text, data FROM timeline WHERE kind IN ('runbook_attached', 'runbook_step') ORDER BY seq",
    ).map(toEntry);
  }

  /** Every entry, oldest first: for the post-incident review, which reads the whole story once. */
  everything(): TimelineEntry[] {
    return sql<TimelineRow>(
      this.storage,
      'SELECT seq, kind, at, actor, text, data FROM timeline ORDER BY seq',
    ).map(toEntry);
  }

  entry(seq: number): TimelineEntry | null {
    const row = sql<TimelineRow>(
      this.storage,
      'SELECT seq, kind, at, actor, text, data FROM timeline WHERE seq = ?',
      seq,
    )[0];
    return row ? toEntry(row) : null;
  }

  alerts(): IncidentAlert[] {
    return sql<{ doc: string }>(this.storage, 'SELECT doc FROM alerts ORDER BY rowid').map(
      (r) => JSON.parse(r.doc) as IncidentAlert,
    );
  }

  saveAlert(alert: IncidentAlert): void {
    sql(
      this.storage,
      'INSERT INTO alerts (key, doc) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET doc = excluded.doc',
      alert.key,
      JSON.stringify(alert),
    );
  }

  /** Over-cap alerts (see ingest.ts): the state of those among `keys` seen before, and the totals. */
  overflow(keys: Iterable<string>): Overflow {
    if (!this.tables.has('overflow')) return { known: new Map(), total: 0, firing: 0 };
    const [counts] = sql<{ total: number; firing: number | null }>(
      this.storage,
      "SELECT count(*) AS total, sum(status = 'firing') AS firing FROM overflow",
    );
    const known = new Map<string, OverflowState>();
    // Nothing past the cap yet: no lookups at all (the common case).
    if (counts?.total) {
      for (const key of new Set(keys)) {
        const row = sql<{ status: OverflowState }>(
          this.storage,
          'SELECT status FROM overflow WHERE key = ?',
          key,
        )[0];
        if (row) known.set(key, row.status);
      }
    }
    return { known, total: counts?.total ?? 0, firing: counts?.firing ?? 0 };
  }

  saveOverflow(changes: ReadonlyMap<string, OverflowState>): void {
    if (changes.size) this.ensure('overflow');
    for (const [key, status] of changes)
      sql(
        this.storage,
        'INSERT INTO overflow (key, status) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET status = excluded.status',
        key,
        status,
      );
  }

  /** A person resolved the incident: the over-cap alerts still firing end with it, as the listed ones do. */
  closeOverflow(): void {
    if (!this.tables.has('overflow')) return;
    sql(this.storage, "UPDATE overflow SET status = 'resolved' WHERE status = 'firing'");
  }

  /** The remembered answer for an Idempotency-Key scope, unless it is older than `since`. */
  recall(scope: string, since: number): { fingerprint: string; response: string } | null {
    if (!this.tables.has('command_keys')) return null;
    return (
      sql<{ fingerprint: string; response: string }>(
        this.storage,
        'SELECT fingerprint, response FROM command_keys WHERE scope = ? AND at >= ?',
        scope,
        since,
      )[0] ?? null
    );
  }

  /** Remember an answer under its scope, and forget every answer older than `expireBefore`. */
  remember(
    scope: string,
    fingerprint: string,
    response: string,
    at: number,
    expireBefore: number,
  ): void {
    if (!this.ready) return; // no incident here: nothing was done, so there is nothing to replay
    this.ensure('command_keys');
    sql(this.storage, 'DELETE FROM command_keys WHERE at < ?', expireBefore);
    sql(
      this.storage,
      'INSERT INTO command_keys (scope, fingerprint, response, at) VALUES (?, ?, ?, ?) ON CONFLICT (scope) DO UPDATE SET fingerprint = excluded.fingerprint, response = excluded.response, at = excluded.at',
      scope,
      fingerprint,
      response,
      at,
    );
  }

  /** The index version still owed to D1, if any. */
  pendingIndexVersion(): { version: number; attempts: number } | null {
    return (
      sql<{ version: number; attempts: number }>(
        this.storage,
        'SELECT version, attempts FROM outbox WHERE id = 1',
      )[0] ?? null
    );
  }

  /**
   * Pages counted for reports, owed to the next index write (which carries them to D1): stored in the commit of
   * the page's own record, so a restart before that write loses none.
   */
  owePages(rows: readonly { userId: string; at: number }[]): void {
    for (const r of rows)
      sql(this.storage, 'INSERT INTO owed_pages (user_id, at) VALUES (?, ?)', r.userId, r.at);
  }

  /** The pages owed so far, oldest first, with the id up to which they were read (for pagesLanded). */
  owedPages(): { rows: { userId: string; at: number }[]; upTo: number } {
    const rows = sql<{ id: number; user_id: string; at: number }>(
      this.storage,
      'SELECT id, user_id, at FROM owed_pages ORDER BY id',
    );
    return {
      rows: rows.map((r) => ({ userId: r.user_id, at: r.at })),
      upTo: rows.at(-1)?.id ?? 0,
    };
  }

  pagesLanded(upTo: number): void {
    if (upTo) sql(this.storage, 'DELETE FROM owed_pages WHERE id <= ?', upTo);
  }

  indexLanded(version: number): void {
    sql(this.storage, 'DELETE FROM outbox WHERE id = 1 AND version = ?', version);
  }

  indexFailed(): number {
    return (
      sql<{ attempts: number }>(
        this.storage,
        'UPDATE outbox SET attempts = attempts + 1 WHERE id = 1 RETURNING attempts',
      )[0]?.attempts ?? 0
    );
  }

  escalation(): EscalationState | null {
    if (!this.ready) return null;
    if (this.docs.escalation !== undefined) return this.docs.escalation;
    const row = sql<{ doc: string }>(this.storage, 'SELECT doc FROM escalation WHERE id = 1')[0];
    return (this.docs.escalation = frozen(row ? (JSON.parse(row.doc) as EscalationState) : null));
  }

  saveEscalation(state: EscalationState | null): void {
    if (state)
      sql(
        this.storage,
        'INSERT INTO escalation (id, doc) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc',
        JSON.stringify(state),
      );
    else sql(this.storage, 'DELETE FROM escalation');
    this.docs.escalation = frozen(state);
  }

  /** A device was paged: its next delivery receipt counts once. */
  paged(subscriptionId: string, at: number): void {
    this.ensure('receipts');
    sql(
      this.storage,
      'INSERT INTO receipts (subscription_id, paged_at) VALUES (?, ?) ON CONFLICT (subscription_id) DO UPDATE SET paged_at = excluded.paged_at, delivered_at = NULL',
      subscriptionId,
      at,
    );
  }

  /** Record a delivery receipt; false when this page's delivery was already recorded. */
  delivered(subscriptionId: string, at: number): boolean {
    this.ensure('receipts');
    const rows = sql<{ n: number }>(
      this.storage,
      'INSERT INTO receipts (subscription_id, paged_at, delivered_at) VALUES (?1, ?2, ?2) ON CONFLICT (subscription_id) DO UPDATE SET delivered_at = ?2 WHERE delivered_at IS NULL RETURNING 1 AS n',
      subscriptionId,
      at,
    );
    return rows.length > 0;
  }

  /** Owe these webhook events to the subscriptions (in the change's transaction); a copy of one already owed is ignored. */
  queueWebhooks(events: readonly PendingWebhookEvent[]): void {
    if (events.length) this.ensure('webhook_outbox');
    for (const event of events)
      sql(
        this.storage,
        'INSERT INTO webhook_outbox (id, doc) VALUES (?, ?) ON CONFLICT (id) DO NOTHING',
        event.id,
        JSON.stringify(event),
      );
  }

  /** The webhook events still owed, oldest first (the order they were committed in). */
  pendingWebhooks(limit = 100): PendingWebhookEvent[] {
    if (!this.tables.has('webhook_outbox')) return [];
    return sql<{ doc: string }>(
      this.storage,
      'SELECT doc FROM webhook_outbox ORDER BY rowid LIMIT ?',
      limit,
    ).map((r) => JSON.parse(r.doc) as PendingWebhookEvent);
  }

  /** Every queue that wants this event has it: it is no longer owed. */
  webhookSent(id: string): void {
    if (!this.tables.has('webhook_outbox')) return;
    sql(this.storage, 'DELETE FROM webhook_outbox WHERE id = ?', id);
  }
}
