/**
 * The messages subscribers get when a maintenance window published to the status page starts or ends, for the
 * fan-out queue's alarm (push-queue.ts). The queue's SQLite keeps the occurrences it has told as started
 * (maintenance_on): one in progress now and not in the table has started; one in the table and no longer in
 * progress (ended, ended early, unpublished or deleted) has completed.
 */
import { publishedWindows } from '../directory/maintenance';
import { listComponents } from '../directory/status-components';
import type { Env } from '../env';
import { sql } from '../sql';
import type { StatusPushJob } from './fan-out-channels';
import { maintenanceNow } from './maintenance-windows';

/** The starts and ends to tell at `at` (each once), and when the next start or end is due. */
export async function maintenanceMessages(
  db: SqlStorage,
  env: Env,
  at: number,
  origin: string,
): Promise<{ jobs: StatusPushJob[]; nextAt: number | null }> {
  sql(db, 'CREATE TABLE IF NOT EXISTS maintenance_on (id TEXT PRIMARY KEY, title TEXT NOT NULL)');
  const [windows, components] = await Promise.all([
    publishedWindows(env.DB),
    listComponents(env.DB),
  ]);
  const { on, nextAt } = maintenanceNow(windows, components, at);
  const jobs: StatusPushJob[] = [];
  // RETURNING only what this call inserted or deleted: a start or end is told once even if two checks overlap.
  for (const o of on)
    for (const started of sql<{ id: string }>(
      db,
      'INSERT INTO maintenance_on (id, title) VALUES (?, ?) ON CONFLICT DO NOTHING RETURNING id',
      o.id,
      o.publicName,
    ))
      jobs.push({
        publicationId: started.id,
        title: `Scheduled maintenance started: ${o.publicName}`,
        body: o.components.length
          ? `In progress. Affects ${o.components.join(', ')}.`
          : 'In progress.',
        origin,
        sentAt: at,
      });
  const still = new Set(on.map((o) => o.id));
  for (const told of sql<{ id: string }>(db, 'SELECT id FROM maintenance_on'))
    if (!still.has(told.id))
      for (const ended of sql<{ id: string; title: string }>(
        db,
        'DELETE FROM maintenance_on WHERE id = ? RETURNING id, title',
        told.id,
      ))
        jobs.push({
          publicationId: ended.id,
          title: `Scheduled maintenance completed: ${ended.title}`,
          body: 'The scheduled maintenance is complete.',
          origin,
          sentAt: at,
        });
  return { jobs, nextAt };
}
