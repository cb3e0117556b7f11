/**
 * Contact methods in D1 (contact_methods) and each user's notification rules (notification_rules,
 * working_hours). A method pages only once verified; its code is kept as a keyed hash, never in clear.
 */
import type {
  ContactMethod,
  MethodKind,
  NotificationRules,
  RuleStep,
  Urgency,
  WorkingHours,
} from '../../schema/contact-schemas';
import { DEFAULT_RULES } from '../notify/rules';

export interface ContactMethodRecord extends ContactMethod {
  userId: string;
  codeHash: string | null;
  codeExpiresAt: number | null;
  codeAttempts: number;
}

type Row = {
  id: string;
  user_id: string;
  kind: MethodKind;
  address: string;
  verified_at: number | null;
  code_hash: string | null;
  code_expires_at: number | null;
  code_attempts: number;
  created_at: number;
  last_success_at: number | null;
  last_failure_at: number | null;
  last_failure: string | null;
};

const toRecord = (r: Row): ContactMethodRecord => ({
  id: r.id,
  userId: r.user_id,
  kind: r.kind,
  address: r.address,
  verified: r.verified_at !== null,
  createdAt: r.created_at,
  lastSuccessAt: r.last_success_at,
  lastFailureAt: r.last_failure_at,
  lastFailure: r.last_failure,
  codeHash: r.code_hash,
  codeExpiresAt: r.code_expires_at,
  codeAttempts: r.code_attempts,
});

/** The owner's view: no code material. */
export function toMethod(r: ContactMethodRecord): ContactMethod {
  const { userId: _u, codeHash: _h, codeExpiresAt: _e, codeAttempts: _a, ...method } = r;
  return method;
}

export async function listMethods(db: D1Database, userId: string): Promise<ContactMethodRecord[]> {
  const { results } = await db
    .prepare('SELECT * FROM contact_methods WHERE user_id = ? ORDER BY created_at, id')
    .bind(userId)
    .all<Row>();
  return results.map(toRecord);
}

/** The verified methods that page this user on `kind`. */
export async function verifiedMethods(
  db: D1Database,
  userId: string,
  kind: MethodKind,
): Promise<ContactMethodRecord[]> {
  return (await listMethods(db, userId)).filter((m) => m.kind === kind && m.verified);
}

export async function getMethod(
  db: D1Database,
  userId: string,
  id: string,
): Promise<ContactMethodRecord | null> {
  const row = await db
    .prepare('SELECT * FROM contact_methods WHERE id = ? AND user_id = ?')
    .bind(id, userId)
    .first<Row>();
  return row ? toRecord(row) : null;
}

/**
 * Whose verified phone this is (an inbound text or call names only the number), with their name; null
 * for a number no active user verified.
 */
export async function phoneOwner(
  db: D1Database,
  number: string,
): Promise<{ userId: string; name: string; role: string } | null> {
  return db
    .prepare(
      "SELECT u.id AS userId, u.name AS name, u.role AS role FROM contact_methods m JOIN users u ON u.id = m.user_id WHERE m.address = ? AND m.kind IN ('sms', 'voice') AND m.verified_at IS NOT NULL AND u.disabled_at IS NULL AND u.removed_at IS NULL ORDER BY m.verified_at LIMIT 1",
    )
    .bind(number)
    .first<{ userId: string; name: string; role: string }>();
}

/** Add an unverified address; null when the user already has it. */
export async function addMethod(
  db: D1Database,
  m: { id: string; userId: string; kind: MethodKind; address: string; now: number },
): Promise<ContactMethodRecord | null> {
  const row = await db
    .prepare(
      'INSERT INTO contact_methods (id, user_id, kind, address, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, kind, address) DO NOTHING RETURNING *',
    )
    .bind(m.id, m.userId, m.kind, m.address, m.now)
    .first<Row>();
  return row ? toRecord(row) : null;
}

export async function deleteMethod(db: D1Database, userId: string, id: string): Promise<boolean> {
  const r = await db
    .prepare('DELETE FROM contact_methods WHERE id = ? AND user_id = ?')
    .bind(id, userId)
    .run();
  return r.meta.changes > 0;
}

/** A fresh code replaces the last one and resets the wrong-try count. */
export async function storeCode(
  db: D1Database,
  id: string,
  codeHash: string,
  expiresAt: number,
): Promise<void> {
  await db
    .prepare(
      'UPDATE contact_methods SET code_hash = ?, code_expires_at = ?, code_attempts = 0 WHERE id = ?',
    )
    .bind(codeHash, expiresAt, id)
    .run();
}

export async function countWrongCode(db: D1Database, id: string): Promise<void> {
  await db
    .prepare('UPDATE contact_methods SET code_attempts = code_attempts + 1 WHERE id = ?')
    .bind(id)
    .run();
}

export async function markVerified(db: D1Database, id: string, at: number): Promise<void> {
  await db
    .prepare(
      'UPDATE contact_methods SET verified_at = ?, code_hash = NULL, code_expires_at = NULL, code_attempts = 0 WHERE id = ?',
    )
    .bind(at, id)
    .run();
}

/** Bookkeeping after a page: the Settings list shows when an address last worked or failed. */
export async function markOutcome(
  db: D1Database,
  id: string,
  at: number,
  failure: string | null,
): Promise<void> {
  await (
    failure === null
      ? db.prepare('UPDATE contact_methods SET last_success_at = ? WHERE id = ?').bind(at, id)
      : db
          .prepare('UPDATE contact_methods SET last_failure_at = ?, last_failure = ? WHERE id = ?')
          .bind(at, failure.slice(0, 500), id)
  ).run();
}

/** A user's rules; the default for whatever they never set. */
export async function rulesFor(db: D1Database, userId: string): Promise<NotificationRules> {
  const [rules, hours] = await db.batch<Record<string, unknown>>([
    db.prepare('SELECT urgency, steps FROM notification_rules WHERE user_id = ?').bind(userId),
    db
      .prepare('SELECT time_zone, days, start_min, end_min FROM working_hours WHERE user_id = ?')
      .bind(userId),
  ]);
  const result: NotificationRules = { ...DEFAULT_RULES };
  for (const r of (rules?.results ?? []) as { urgency: Urgency; steps: string }[])
    result[r.urgency] = JSON.parse(r.steps) as RuleStep[];
  const h = (hours?.results ?? [])[0] as
    { time_zone: string; days: string; start_min: number; end_min: number } | undefined;
  result.workingHours = h
    ? {
        timeZone: h.time_zone,
        days: JSON.parse(h.days) as number[],
        start: hhmm(h.start_min),
        end: hhmm(h.end_min),
      }
    : null;
  return result;
}

export async function saveRules(
  db: D1Database,
  userId: string,
  rules: NotificationRules,
  at: number,
): Promise<void> {
  const steps = (u: Urgency) =>
    db
      .prepare(
        'INSERT INTO notification_rules (user_id, urgency, steps, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (user_id, urgency) DO UPDATE SET steps = excluded.steps, updated_at = excluded.updated_at',
      )
      .bind(userId, u, JSON.stringify(rules[u]), at);
  const hours = rules.workingHours;
  await db.batch([
    steps('high'),
    steps('low'),
    hours
      ? db
          .prepare(
            'INSERT INTO working_hours (user_id, time_zone, days, start_min, end_min, updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET time_zone = excluded.time_zone, days = excluded.days, start_min = excluded.start_min, end_min = excluded.end_min, updated_at = excluded.updated_at',
          )
          .bind(userId, hours.timeZone, JSON.stringify(hours.days), mins(hours), minsEnd(hours), at)
      : db.prepare('DELETE FROM working_hours WHERE user_id = ?').bind(userId),
  ]);
}

const hhmm = (m: number) =>
  `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
const toMin = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));
const mins = (h: WorkingHours) => toMin(h.start);
const minsEnd = (h: WorkingHours) => toMin(h.end);
