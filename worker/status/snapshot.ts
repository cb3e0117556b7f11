/**
 * Everything the public views show, read from D1 in one pass. Only public fields are copied in (no incident id,
 * no service), so no renderer can leak what it never receives.
 */
import type { ComponentState, Publication } from '../../schema/status-page-schemas';
import { listComponents, pageVersion } from '../directory/status-components';
import { recentPublications } from '../directory/status-publications';
import type { Env } from '../env';
import { smtpConfigured } from '../notify/smtp';
import { vapidConfigured } from '../push/sender';
import { publishedWindows } from '../directory/maintenance';
import { dayBars, withIntervals, type DayBar, type StateChange } from './history';
import { maintenanceIntervals, windowPublications, withMaintenance } from './maintenance-windows';

export const HISTORY_DAYS = 90;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface PublicComponent {
  id: string;
  name: string;
  description: string;
  group: string | null;
  position: number;
  state: ComponentState;
  createdAt: number;
  updatedAt: number;
  days: DayBar[];
}

export type PublicPublication = Omit<Publication, 'incidentId'>;

export interface Snapshot {
  name: string;
  /** Absolute URL of the page. */
  url: string;
  zone: string;
  /** The VAPID public key for the page's "Get notified" control; null when Web Push is not configured. */
  vapidPublicKey: string | null;
  /** Whether the page offers email updates (a mail server is configured). */
  emailUpdates: boolean;
  version: number;
  updatedAt: number;
  now: number;
  components: PublicComponent[];
  publications: PublicPublication[];
}

/** The page's settings from the environment. */
export function pageSettings(
  env: Env,
  requestUrl: string,
): { name: string; url: string; zone: string } {
  const origin = env.PUBLIC_URL ? new URL(env.PUBLIC_URL).origin : new URL(requestUrl).origin;
  return {
    name: env.STATUS_PAGE_NAME || 'Firebell',
    url: `${origin}/status`,
    zone: env.STATUS_TIME_ZONE || 'UTC',
  };
}

export async function loadSnapshot(env: Env, requestUrl: string, now: number): Promise<Snapshot> {
  const settings = pageSettings(env, requestUrl);
  const since = now - (HISTORY_DAYS + 1) * DAY_MS;
  const [meta, components, publications, changes, windows] = await Promise.all([
    pageVersion(env.DB),
    listComponents(env.DB),
    recentPublications(env.DB, since),
    loadChanges(env.DB, since),
    publishedWindows(env.DB),
  ]);
  const maintenance = windowPublications(windows, components, now);
  return {
    ...settings,
    vapidPublicKey: vapidConfigured(env) ? env.VAPID_PUBLIC_KEY! : null,
    emailUpdates: smtpConfigured(env),
    version: meta.version,
    updatedAt: meta.updatedAt,
    now,
    components: components.map((c) => ({
      id: c.id,
      name: c.name,
      description: c.description,
      group: c.group,
      position: c.position,
      state: withMaintenance(c.id, c.state, maintenance),
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
      days: dayBars(
        withIntervals(
          changes.get(c.id) ?? [],
          maintenanceIntervals(windows, c.serviceIds, since, now),
        ),
        now,
        settings.zone,
        HISTORY_DAYS,
      ),
    })),
    publications: [...maintenance, ...publications.map(({ incidentId: _private, ...p }) => p)],
  };
}

/** Each component's changes since `since`, plus the one in force at `since`, oldest first. */
async function loadChanges(db: D1Database, since: number): Promise<Map<string, StateChange[]>> {
  const { results } = await db
    .prepare(
      `SELECT component_id, state, at FROM status_component_changes WHERE at >= ?1
       UNION ALL
       SELECT component_id, state, max(at) AS at FROM status_component_changes WHERE at < ?1 GROUP BY component_id
       ORDER BY at`,
    )
    .bind(since)
    .all<{ component_id: string; state: ComponentState; at: number }>();
  const out = new Map<string, StateChange[]>();
  for (const r of results)
    out.set(r.component_id, [...(out.get(r.component_id) ?? []), { state: r.state, at: r.at }]);
  return out;
}
