/**
 * Drills in D1 (migration 0015): a team's settings, each drill and its checks (one per method drilled). The
 * team's drill object writes drills; the receipt route settles a waiting check. Every write is conditional
 * (WHERE status = 'waiting', finished_at IS NULL), so a receipt and the deadline racing each other settle once.
 */
import type {
  Drill,
  DrillChannel,
  DrillCheck,
  DrillSettings,
  FailingMethod,
} from '../../schema/drill-schemas';
import { ACTIVE } from '../directory/users';

export const DEFAULT_SETTINGS: DrillSettings = { minutesBefore: null, receiptMinutes: 10 };

/** A failed drill stays flagged on the on-call screen this long, unless a later drill of the person passes. */
export const FLAG_FOR_MS = 7 * 24 * 3600_000;

export async function getSettings(db: D1Database, teamId: string): Promise<DrillSettings> {
  const row = await db
    .prepare('SELECT minutes_before, receipt_minutes FROM drill_settings WHERE team_id = ?')
    .bind(teamId)
    .first<{ minutes_before: number | null; receipt_minutes: number }>();
  return row
    ? { minutesBefore: row.minutes_before, receiptMinutes: row.receipt_minutes }
    : { ...DEFAULT_SETTINGS };
}

export async function saveSettings(
  db: D1Database,
  teamId: string,
  s: DrillSettings,
  at: number,
): Promise<void> {
  await db
    .prepare(
      `INSERT INTO drill_settings (team_id, minutes_before, receipt_minutes, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (team_id) DO UPDATE SET minutes_before = excluded.minutes_before,
         receipt_minutes = excluded.receipt_minutes, updated_at = excluded.updated_at`,
    )
    .bind(teamId, s.minutesBefore, s.receiptMinutes, at)
    .run();
}

/** One method about to be drilled. */
export interface NewCheck {
  userId: string;
  channel: DrillChannel;
  methodId: string;
  label: string;
}

export async function insertDrill(
  db: D1Database,
  d: {
    id: string;
    teamId: string;
    trigger: 'scheduled' | 'manual';
    handoffAt: number | null;
    requestedBy: string | null;
    startedAt: number;
    deadlineAt: number;
  },
  checks: readonly NewCheck[],
): Promise<void> {
  await db.batch([
    db
      .prepare(
        'INSERT INTO drills (id, team_id, trigger, handoff_at, requested_by, started_at, deadline_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .bind(d.id, d.teamId, d.trigger, d.handoffAt, d.requestedBy, d.startedAt, d.deadlineAt),
    ...checks.map((c) =>
      db
        .prepare(
          "INSERT INTO drill_checks (drill_id, user_id, channel, method_id, label, status, sent_at) VALUES (?, ?, ?, ?, ?, 'waiting', ?)",
        )
        .bind(d.id, c.userId, c.channel, c.methodId, c.label, d.startedAt),
    ),
  ]);
}

/** Settle a waiting check (passed with its receipt time, or failed with why); false when it was settled already. */
export async function settleCheck(
  db: D1Database,
  drillId: string,
  methodId: string,
  outcome: { status: 'passed'; at: number } | { status: 'failed'; detail: string },
): Promise<boolean> {
  const res = await db
    .prepare(
      "UPDATE drill_checks SET status = ?, detail = ?, receipt_at = ? WHERE drill_id = ? AND method_id = ? AND status = 'waiting'",
    )
    .bind(
      outcome.status,
      outcome.status === 'failed' ? outcome.detail : '',
      outcome.status === 'passed' ? outcome.at : null,
      drillId,
      methodId,
    )
    .run();
  return res.meta.changes > 0;
}

/**
 * A service worker's receipt for a drill page. Returns the drill's team when this receipt settled its check;
 * a receipt after the deadline is kept as the time it arrived, but the check stays failed. A phone whose clock
 * runs behind never makes a negative time to receipt.
 */
export async function recordReceipt(
  db: D1Database,
  drillId: string,
  methodId: string,
  userId: string,
  at: number,
): Promise<{ teamId: string; passed: boolean } | null> {
  const row = await db
    .prepare(
      `UPDATE drill_checks SET receipt_at = MAX(?1, sent_at),
         status = CASE WHEN status = 'waiting' THEN 'passed' ELSE status END,
         detail = CASE WHEN status = 'waiting' THEN '' ELSE detail || '; the receipt came later' END
       WHERE drill_id = ?2 AND method_id = ?3 AND user_id = ?4 AND receipt_at IS NULL
       RETURNING status, (SELECT team_id FROM drills WHERE id = ?2) AS team_id`,
    )
    .bind(at, drillId, methodId, userId)
    .first<{ status: string; team_id: string }>();
  return row ? { teamId: row.team_id, passed: row.status === 'passed' } : null;
}

/** Whether a check for this drill and method exists (a receipt for an unknown drill is a bad token use). */
export async function checkExists(
  db: D1Database,
  drillId: string,
  methodId: string,
): Promise<boolean> {
  return (
    (await db
      .prepare('SELECT 1 AS one FROM drill_checks WHERE drill_id = ? AND method_id = ?')
      .bind(drillId, methodId)
      .first()) !== null
  );
}

/**
 * Fail every check still waiting at the deadline, saying per channel what never came. A text's last status
 * from Twilio (kept in `detail` while it waits, e.g. "sent") says how far it got.
 */
export async function failWaiting(db: D1Database, drillId: string, minutes: number): Promise<void> {
  await db
    .prepare(
      `UPDATE drill_checks SET status = 'failed', detail = CASE channel
         WHEN 'sms' THEN 'no delivery report from Twilio within ' || ?2 || ' min'
           || CASE WHEN detail = '' THEN '' ELSE ' (last status: ' || detail || ')' END
         WHEN 'voice' THEN 'the call was not answered within ' || ?2 || ' min'
           || CASE WHEN detail = '' THEN '' ELSE ' (last status: ' || detail || ')' END
         ELSE 'no receipt within ' || ?2 || ' min: the phone never showed it' END
       WHERE drill_id = ?1 AND status = 'waiting'`,
    )
    .bind(drillId, String(minutes)) // a JS number binds as REAL: "10.0 min"
    .run();
}

/** Twilio's word on a drill text or call: final (delivered, or failed with why), or how far it got. */
export type PhoneStatus =
  | { kind: 'passed'; at: number }
  | { kind: 'failed'; detail: string }
  | { kind: 'progress'; status: string };

/**
 * Twilio's status callback for a drill text or call. Returns the drill's team when this settled the check
 * (so the drill may finish); a final status after the deadline leaves the check failed, noted in its detail.
 */
export async function recordPhoneStatus(
  db: D1Database,
  drillId: string,
  methodId: string,
  s: PhoneStatus,
): Promise<{ teamId: string } | null> {
  const team = `(SELECT team_id FROM drills WHERE id = ?2) AS team_id`;
  const where = `drill_id = ?2 AND method_id = ?3 AND channel IN ('sms', 'voice')`;
  if (s.kind === 'progress') {
    await db
      .prepare(`UPDATE drill_checks SET detail = ?1 WHERE ${where} AND status = 'waiting'`)
      .bind(s.status, drillId, methodId)
      .run();
    return null;
  }
  const row = await db
    .prepare(
      s.kind === 'passed'
        ? `UPDATE drill_checks SET receipt_at = MAX(?1, sent_at),
             status = CASE WHEN status = 'waiting' THEN 'passed' ELSE status END,
             detail = CASE WHEN status = 'waiting' THEN '' ELSE detail || '; delivered later' END
           WHERE ${where} AND receipt_at IS NULL AND status != 'passed'
           RETURNING status, ${team}`
        : `UPDATE drill_checks SET status = 'failed', detail = ?1
           WHERE ${where} AND status = 'waiting' RETURNING status, ${team}`,
    )
    .bind(s.kind === 'passed' ? s.at : s.detail, drillId, methodId)
    .first<{ status: string; team_id: string }>();
  return row && (s.kind === 'failed' || row.status === 'passed') ? { teamId: row.team_id } : null;
}

export async function waitingCount(db: D1Database, drillId: string): Promise<number> {
  const row = await db
    .prepare("SELECT COUNT(*) AS n FROM drill_checks WHERE drill_id = ? AND status = 'waiting'")
    .bind(drillId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** Mark the drill finished; false when it already was (so the people are told once). */
export async function finishDrill(db: D1Database, drillId: string, at: number): Promise<boolean> {
  const res = await db
    .prepare('UPDATE drills SET finished_at = ? WHERE id = ? AND finished_at IS NULL')
    .bind(at, drillId)
    .run();
  return res.meta.changes > 0;
}

type DrillRow = {
  id: string;
  team_id: string;
  trigger: 'scheduled' | 'manual';
  handoff_at: number | null;
  requested_by: string | null;
  started_at: number;
  deadline_at: number;
  finished_at: number | null;
};
type CheckRow = {
  drill_id: string;
  user_id: string;
  user_name: string | null;
  channel: DrillChannel;
  method_id: string;
  label: string;
  status: DrillCheck['status'];
  detail: string;
  sent_at: number;
  receipt_at: number | null;
};

/** A team's drills, newest first, each with who was drilled and how every method did. */
export async function listDrills(db: D1Database, teamId: string, limit = 20): Promise<Drill[]> {
  const { results } = await db
    .prepare('SELECT * FROM drills WHERE team_id = ? ORDER BY started_at DESC, rowid DESC LIMIT ?')
    .bind(teamId, limit)
    .all<DrillRow>();
  return withChecks(db, results);
}

export async function getDrill(db: D1Database, drillId: string): Promise<Drill | null> {
  const row = await db.prepare('SELECT * FROM drills WHERE id = ?').bind(drillId).first<DrillRow>();
  return row ? ((await withChecks(db, [row]))[0] ?? null) : null;
}

async function withChecks(db: D1Database, drills: DrillRow[]): Promise<Drill[]> {
  if (!drills.length) return [];
  const { results } = await db
    .prepare(
      `SELECT c.*, u.name AS user_name FROM drill_checks c LEFT JOIN users u ON u.id = c.user_id
       WHERE c.drill_id IN (SELECT value FROM json_each(?)) ORDER BY c.user_id, c.channel, c.label`,
    )
    .bind(JSON.stringify(drills.map((d) => d.id)))
    .all<CheckRow>();
  return drills.map((d) => {
    const people = new Map<string, Drill['people'][number]>();
    for (const c of results.filter((r) => r.drill_id === d.id)) {
      const person = people.get(c.user_id) ?? {
        userId: c.user_id,
        name: c.user_name ?? c.user_id,
        checks: [],
      };
      person.checks.push(toCheck(c));
      people.set(c.user_id, person);
    }
    const checks = [...people.values()].flatMap((p) => p.checks);
    const status: Drill['status'] =
      d.finished_at === null
        ? 'running'
        : checks.some((c) => c.status !== 'passed')
          ? 'failed'
          : 'passed';
    return {
      id: d.id,
      teamId: d.team_id,
      trigger: d.trigger,
      handoffAt: d.handoff_at,
      requestedBy: d.requested_by,
      startedAt: d.started_at,
      deadlineAt: d.deadline_at,
      finishedAt: d.finished_at,
      status,
      people: [...people.values()],
    };
  });
}

function toCheck(c: CheckRow): DrillCheck {
  return {
    channel: c.channel,
    methodId: c.method_id,
    label: c.label,
    status: c.status,
    detail: c.detail,
    sentAt: c.sent_at,
    receiptAt: c.receipt_at,
    msToReceipt: c.status === 'passed' && c.receipt_at !== null ? c.receipt_at - c.sent_at : null,
  };
}

/**
 * Methods whose person's latest finished drill failed them, within FLAG_FOR_MS: what the on-call screen
 * flags. A later drill of the same person (fix it, then "Run drill now") clears the flag when it passes.
 */
export async function failingMethods(db: D1Database, at: number): Promise<FailingMethod[]> {
  const { results } = await db
    .prepare(
      `SELECT c.drill_id, c.user_id, u.name AS user_name, c.channel, c.label, c.detail, d.finished_at,
         d.team_id, t.name AS team_name
       FROM drill_checks c JOIN drills d ON d.id = c.drill_id JOIN users u ON u.id = c.user_id
       LEFT JOIN teams t ON t.id = d.team_id
       WHERE c.status = 'failed' AND d.finished_at >= ? AND ${ACTIVE}
         AND d.id = (SELECT d2.id FROM drill_checks c2 JOIN drills d2 ON d2.id = c2.drill_id
                     WHERE c2.user_id = c.user_id AND d2.finished_at IS NOT NULL
                     ORDER BY d2.finished_at DESC, d2.rowid DESC LIMIT 1)
       ORDER BY d.finished_at DESC, u.name, c.label`,
    )
    .bind(at - FLAG_FOR_MS)
    .all<{
      drill_id: string;
      user_id: string;
      user_name: string;
      channel: DrillChannel;
      label: string;
      detail: string;
      finished_at: number;
      team_id: string;
      team_name: string | null;
    }>();
  return results.map((r) => ({
    teamId: r.team_id,
    teamName: r.team_name ?? r.team_id,
    drillId: r.drill_id,
    userId: r.user_id,
    userName: r.user_name,
    channel: r.channel,
    label: r.label,
    detail: r.detail,
    at: r.finished_at,
  }));
}

/** Names of active users among `ids`. */
export async function namesOf(
  db: D1Database,
  ids: readonly string[],
): Promise<{ id: string; name: string }[]> {
  if (!ids.length) return [];
  const { results } = await db
    .prepare(
      `SELECT u.id, u.name FROM users u WHERE u.id IN (SELECT value FROM json_each(?)) AND ${ACTIVE}`,
    )
    .bind(JSON.stringify([...new Set(ids)]))
    .all<{ id: string; name: string }>();
  const byId = new Map(results.map((r) => [r.id, r]));
  return [...new Set(ids)].flatMap((id) => byId.get(id) ?? []);
}

/** Who hears about a failed drill besides the person: the team's admins, or every admin when it has none. */
export async function teamAdmins(
  db: D1Database,
  teamId: string,
): Promise<{ id: string; name: string }[]> {
  const { results } = await db
    .prepare(
      `SELECT u.id, u.name FROM team_members m JOIN users u ON u.id = m.user_id
       WHERE m.team_id = ? AND u.role = 'admin' AND ${ACTIVE} ORDER BY u.name`,
    )
    .bind(teamId)
    .all<{ id: string; name: string }>();
  if (results.length) return results;
  return (
    await db
      .prepare(
        `SELECT u.id, u.name FROM users u WHERE u.role = 'admin' AND ${ACTIVE} ORDER BY u.name`,
      )
      .all<{ id: string; name: string }>()
  ).results;
}

/** The ids of the team's schedules. */
export async function teamScheduleIds(db: D1Database, teamId: string): Promise<string[]> {
  const { results } = await db
    .prepare('SELECT id FROM schedules WHERE team_id = ? ORDER BY id')
    .bind(teamId)
    .all<{ id: string }>();
  return results.map((r) => r.id);
}

/** Teams that drill before each handoff (their drill objects hold a plan an edited schedule can move). */
export async function teamsDrillingBeforeHandoffs(db: D1Database): Promise<string[]> {
  const { results } = await db
    .prepare('SELECT team_id FROM drill_settings WHERE minutes_before IS NOT NULL ORDER BY team_id')
    .all<{ team_id: string }>();
  return results.map((r) => r.team_id);
}
