/**
 * Incident documents stored before a field existed get it here, derived from what the object itself
 * stored, so an incident opened by an older Firebell reads the same as a new one. Saved on the next change.
 */
import type { Incident } from '../../schema/incident';
import { sql } from '../sql';

/** The fields added after the first release: absent from older documents. */
type Added = 'firingCount' | 'notificationCount' | 'titleEdited' | 'paged';
export type StoredIncident = Omit<Incident, Added> & Partial<Pick<Incident, Added>>;

export function upgradeIncident(doc: StoredIncident, storage: SqlStorage): Incident {
  if (
    doc.firingCount !== undefined &&
    doc.notificationCount !== undefined &&
    doc.titleEdited !== undefined &&
    doc.paged !== undefined
  )
    return doc as Incident;
  const counts = sql<{ alerts: number; firing: number }>(
    storage,
    "SELECT count(*) AS alerts, coalesce(sum(json_extract(doc, '$.status') = 'firing'), 0) AS firing FROM alerts",
  )[0];
  // Before titles followed alerts, every title_changed entry was a person renaming the incident.
  const renamed =
    sql(storage, "SELECT 1 FROM timeline WHERE kind = 'title_changed' LIMIT 1").length > 0;
  const lastReopen =
    sql<{ seq: number }>(
      storage,
      "SELECT coalesce(max(seq), 0) AS seq FROM timeline WHERE kind = 'reopened'",
    )[0]?.seq ?? 0;
  const paged = sql<{ user_id: string }>(
    storage,
    `SELECT DISTINCT json_extract(data, '$.userId') AS user_id FROM timeline
     WHERE seq > ? AND kind IN ('notification_sent', 'notification_failed') AND json_extract(data, '$.userId') IS NOT NULL`,
    lastReopen,
  ).map((r) => r.user_id);
  // Older versions stamped acknowledgedAt = resolvedAt on a resolve nobody acknowledged.
  const fakeAck =
    doc.acknowledgedAt !== null &&
    doc.acknowledgedAt === doc.resolvedAt &&
    !sql(storage, "SELECT 1 FROM timeline WHERE kind = 'acknowledged' LIMIT 1").length;
  return {
    ...doc,
    // The old alertCount counted every trigger: it is the notification count.
    notificationCount: doc.notificationCount ?? doc.alertCount,
    alertCount: doc.firingCount === undefined ? (counts?.alerts ?? 0) : doc.alertCount,
    firingCount: doc.firingCount ?? (doc.status === 'resolved' ? 0 : (counts?.firing ?? 0)),
    titleEdited: doc.titleEdited ?? renamed,
    paged: doc.paged ?? paged,
    ...(fakeAck ? { acknowledgedAt: null, acknowledgedBy: null } : {}),
  };
}
