/** An incident stored by an older Firebell reads like a new one: counts, paged users and an honest acknowledgement. */
import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { Incident } from '../../schema/incident';
import { ADMIN, api, json } from '../helpers';
import { send, serviceWith } from '../ingest/support';
import { incidentStub } from '../../worker/stubs';
import type { IncidentStore } from '../../worker/incident/store';

const view = async (id: string) =>
  (await json<{ incident: Incident }>(api(`/api/incidents/${id}`, { headers: ADMIN }), 200))
    .incident;

/** Rewrite the stored document the way older versions wrote it. */
async function makeLegacy(
  id: string,
  change: (doc: Record<string, unknown>) => void,
): Promise<void> {
  await runInDurableObject(incidentStub(env, id), (object, state) => {
    const row = state.storage.sql
      .exec<{ doc: string }>('SELECT doc FROM incident WHERE id = 1')
      .one();
    const doc = JSON.parse(row.doc) as Record<string, unknown>;
    for (const field of ['firingCount', 'notificationCount', 'titleEdited', 'paged'])
      delete doc[field];
    change(doc);
    state.storage.sql.exec('UPDATE incident SET doc = ? WHERE id = 1', JSON.stringify(doc));
    // An object reads its document when it starts: this running one drops what it holds, as a restart would.
    (object as unknown as { store: IncidentStore }).store.forget();
  });
}

describe('incidents stored before alert counts and paged users existed', () => {
  it('reads the old trigger count as notifications, counts distinct and firing alerts, and finds who was paged, from what it stored', async () => {
    const { integration } = await serviceWith('generic');
    const opened = await json<{ incidents: { incidentId: string }[] }>(
      send(integration.url, { summary: 'Disk full', dedup_key: 'disk' }),
    );
    const id = opened.incidents[0]!.incidentId;
    await send(integration.url, { summary: 'Disk full', dedup_key: 'disk' });
    await send(integration.url, { summary: 'Disk full', dedup_key: 'disk' });
    // The service has no policy: its first alarm pages the admins instead.
    await runDurableObjectAlarm(incidentStub(env, id));
    await makeLegacy(id, (doc) => (doc.alertCount = 3));

    expect(await view(id)).toMatchObject({
      alertCount: 1,
      firingCount: 1,
      notificationCount: 3,
      titleEdited: false,
      paged: ['usr_admin'],
    });
  });

  it('drops an acknowledgement older versions stamped on a resolve nobody acknowledged', async () => {
    const { integration } = await serviceWith('generic');
    const opened = await json<{ incidents: { incidentId: string }[] }>(
      send(integration.url, { summary: 'Queue stuck', dedup_key: 'queue' }),
    );
    const id = opened.incidents[0]!.incidentId;
    await send(integration.url, { summary: 'Queue stuck', dedup_key: 'queue', action: 'resolve' });
    const resolved = await view(id);
    await makeLegacy(id, (doc) =>
      Object.assign(doc, {
        acknowledgedAt: resolved.resolvedAt,
        acknowledgedBy: resolved.resolvedBy,
      }),
    );

    expect(await view(id)).toMatchObject({
      status: 'resolved',
      acknowledgedAt: null,
      acknowledgedBy: null,
      resolvedAt: resolved.resolvedAt,
    });
  });
});
