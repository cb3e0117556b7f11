/**
 * Reviews in D1: the review row, its action items and its edit history.
 * Writes are optimistic: every statement of an edit is conditional on the version the edit was planned
 * against, and the batch is one transaction, so a stale edit changes nothing at all.
 */
import type { EditPlan } from '../review/edit';
import type {
  ActionItem,
  ActionItemListing,
  Change,
  Person,
  Review,
  ReviewEdit,
  ReviewFacts,
  ReviewStatus,
  Sections,
} from '../../schema/review';

type ReviewRow = {
  incident_id: string;
  status: ReviewStatus;
  sections: string;
  facts: string;
  version: number;
  created_by: string;
  created_by_name: string | null;
  created_at: number;
  updated_by: string;
  updated_by_name: string | null;
  updated_at: number;
  published_at: number | null;
};
type ItemRow = {
  id: string;
  incident_id: string;
  title: string;
  owner_id: string | null;
  owner_name: string | null;
  due_date: string | null;
  done: number;
  done_at: number | null;
  created_at: number;
};
type EditRow = {
  version: number;
  edited_by: string;
  edited_by_name: string | null;
  edited_at: number;
  changes: string;
};

const EMPTY_SECTIONS: Sections = {
  summary: '',
  customerImpact: '',
  rootCause: '',
  contributingFactors: '',
  wentWell: '',
  wentBadly: '',
};

/** The review of an incident with its items and history, or null when it has none. */
export async function getReview(db: D1Database, incidentId: string): Promise<Review | null> {
  const [reviews, items, edits] = await db.batch<ReviewRow | ItemRow | EditRow>([
    db
      .prepare(
        `SELECT r.*, cu.name AS created_by_name, uu.name AS updated_by_name FROM reviews r
       LEFT JOIN users cu ON cu.id = r.created_by LEFT JOIN users uu ON uu.id = r.updated_by WHERE r.incident_id = ?`,
      )
      .bind(incidentId),
    db
      .prepare(
        'SELECT a.*, u.name AS owner_name FROM review_action_items a LEFT JOIN users u ON u.id = a.owner_id WHERE a.incident_id = ? ORDER BY a.position',
      )
      .bind(incidentId),
    db
      .prepare(
        'SELECT e.version, e.edited_by, u.name AS edited_by_name, e.edited_at, e.changes FROM review_edits e LEFT JOIN users u ON u.id = e.edited_by WHERE e.incident_id = ? ORDER BY e.id',
      )
      .bind(incidentId),
  ]);
  const row = reviews?.results[0] as ReviewRow | undefined;
  if (!row) return null;
  return {
    incidentId: row.incident_id,
    status: row.status,
    version: row.version,
    sections: { ...EMPTY_SECTIONS, ...(JSON.parse(row.sections) as Partial<Sections>) },
    actionItems: ((items?.results ?? []) as ItemRow[]).map(toItem),
    facts: JSON.parse(row.facts) as ReviewFacts,
    createdBy: person(row.created_by, row.created_by_name),
    createdAt: row.created_at,
    updatedBy: person(row.updated_by, row.updated_by_name),
    updatedAt: row.updated_at,
    publishedAt: row.published_at,
    edits: ((edits?.results ?? []) as EditRow[]).map((e): ReviewEdit => ({
      version: e.version,
      by: person(e.edited_by, e.edited_by_name),
      at: e.edited_at,
      changes: JSON.parse(e.changes) as Change[],
    })),
  };
}

/** Create a draft review with these facts unless one exists; true when this call created it. */
export async function createReview(
  db: D1Database,
  facts: ReviewFacts,
  by: string,
  now: number,
): Promise<boolean> {
  const [inserted] = await db.batch([
    db
      .prepare(
        `INSERT OR IGNORE INTO reviews (incident_id, status, sections, facts, version, created_by, created_at, updated_by, updated_at)
       VALUES (?1, 'draft', ?2, ?3, 1, ?4, ?5, ?4, ?5)`,
      )
      .bind(facts.incidentId, JSON.stringify(EMPTY_SECTIONS), JSON.stringify(facts), by, now),
    db
      .prepare(
        `INSERT INTO review_edits (incident_id, version, edited_by, edited_at, changes)
       SELECT ?1, 1, ?2, ?3, ?4 WHERE NOT EXISTS (SELECT 1 FROM review_edits WHERE incident_id = ?1)`,
      )
      .bind(
        facts.incidentId,
        by,
        now,
        JSON.stringify([{ field: 'review', detail: 'created' }] satisfies Change[]),
      ),
  ]);
  return (inserted?.meta.changes ?? 0) > 0;
}

/** Replace the pre-filled facts when the incident moved on since they were captured; published reviews keep theirs. */
export async function refreshFacts(db: D1Database, facts: ReviewFacts): Promise<void> {
  await db
    .prepare(
      "UPDATE reviews SET facts = ?2 WHERE incident_id = ?1 AND status != 'published' AND json_extract(facts, '$.lastSeq') < ?3",
    )
    .bind(facts.incidentId, JSON.stringify(facts), facts.lastSeq)
    .run();
}

/** Write a planned edit if the review is still at `expectedVersion`; false when someone else got there first. */
export async function saveReview(
  db: D1Database,
  incidentId: string,
  expectedVersion: number,
  plan: EditPlan,
  by: string,
  now: number,
): Promise<boolean> {
  const stillAt = '(SELECT version FROM reviews WHERE incident_id = ?1) = ?2';
  const statements = [
    db
      .prepare(`DELETE FROM review_action_items WHERE incident_id = ?1 AND ${stillAt}`)
      .bind(incidentId, expectedVersion),
    ...plan.actionItems.map((item, position) =>
      db
        .prepare(
          `INSERT INTO review_action_items (id, incident_id, position, title, owner_id, due_date, done, done_at, created_at)
           SELECT ?3, ?1, ?4, ?5, ?6, ?7, ?8, ?9, ?10 WHERE ${stillAt}`,
        )
        .bind(
          incidentId,
          expectedVersion,
          item.id,
          position,
          item.title,
          item.ownerId,
          item.dueDate,
          item.done ? 1 : 0,
          item.doneAt,
          item.createdAt,
        ),
    ),
    db
      .prepare(
        `INSERT INTO review_edits (incident_id, version, edited_by, edited_at, changes) SELECT ?1, ?2 + 1, ?3, ?4, ?5 WHERE ${stillAt}`,
      )
      .bind(incidentId, expectedVersion, by, now, JSON.stringify(plan.changes)),
    // Last, so the statements above all saw the version this one checks.
    db
      .prepare(
        'UPDATE reviews SET status = ?3, sections = ?4, published_at = ?5, version = version + 1, updated_by = ?6, updated_at = ?7 WHERE incident_id = ?1 AND version = ?2',
      )
      .bind(
        incidentId,
        expectedVersion,
        plan.status,
        JSON.stringify(plan.sections),
        plan.publishedAt,
        by,
        now,
      ),
  ];
  const results = await db.batch(statements);
  return (results[results.length - 1]?.meta.changes ?? 0) === 1;
}

export type ActionItemStatus = 'open' | 'overdue' | 'done';

/** Action items across every review, soonest due first (undated last). `today` is YYYY-MM-DD. */
export async function listActionItems(
  db: D1Database,
  filter: { status?: ActionItemStatus; ownerId?: string; today: string; limit: number },
): Promise<ActionItemListing[]> {
  const where: string[] = [];
  const params: (string | number)[] = [filter.today];
  if (filter.status === 'open') where.push('a.done = 0');
  if (filter.status === 'done') where.push('a.done = 1');
  if (filter.status === 'overdue') where.push('a.done = 0 AND a.due_date < ?1');
  if (filter.ownerId) {
    params.push(filter.ownerId);
    where.push(`a.owner_id = ?${params.length}`);
  }
  params.push(filter.limit);
  const { results } = await db
    .prepare(
      `SELECT a.*, u.name AS owner_name, r.status AS review_status, (a.done = 0 AND a.due_date < ?1) AS overdue,
         json_extract(r.facts, '$.number') AS incident_number, json_extract(r.facts, '$.title') AS incident_title
       FROM review_action_items a JOIN reviews r ON r.incident_id = a.incident_id LEFT JOIN users u ON u.id = a.owner_id
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY a.due_date IS NULL, a.due_date, a.created_at, a.id LIMIT ?${params.length}`,
    )
    .bind(...params)
    .all<
      ItemRow & {
        review_status: ReviewStatus;
        overdue: number | null;
        incident_number: number;
        incident_title: string;
      }
    >();
  return results.map((r) => ({
    ...toItem(r),
    incidentId: r.incident_id,
    incidentNumber: r.incident_number,
    incidentTitle: r.incident_title,
    reviewStatus: r.review_status,
    overdue: r.overdue === 1,
  }));
}

function toItem(r: ItemRow): ActionItem {
  return {
    id: r.id,
    title: r.title,
    ownerId: r.owner_id,
    ownerName: r.owner_name,
    dueDate: r.due_date,
    done: r.done === 1,
    doneAt: r.done_at,
    createdAt: r.created_at,
  };
}

const person = (id: string, name: string | null): Person => ({ id, name: name ?? id });
