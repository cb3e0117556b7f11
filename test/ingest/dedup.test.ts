import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { onlyIncident, send, serviceIncidents, serviceWith, story, view } from './support';
import { incidentStub, serviceRouter } from '../../worker/stubs';
import type { IncidentSummary } from '../../worker/directory/incident-index';

const trigger = (key: string, dedup: string, summary = 'Checkout 5xx above 5%') => ({
  routing_key: key,
  event_action: 'trigger',
  dedup_key: dedup,
  payload: { summary, source: 'lb-1', severity: 'critical' },
});

/** The service's incidents once `ready` says the list caught up (bounded): it trails repeats by up to a second. */
async function listed(
  serviceId: string,
  ready: (incidents: IncidentSummary[]) => boolean,
): Promise<IncidentSummary[]> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const incidents = await serviceIncidents(serviceId);
    if (ready(incidents) || Date.now() > deadline) return incidents;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** What the integration's recent payloads say of each request, newest first. */
async function recent(serviceId: string, integrationId: string) {
  const listed = (await serviceRouter(env, serviceId).recentPayloads([integrationId]))[
    integrationId
  ];
  return (listed ?? []).map(({ outcome, detail }) => ({ outcome, detail }));
}

describe('deduplication', () => {
  it('opens one incident for fifty concurrent triggers with the same dedup key, counting one alert (fired once) from fifty notifications', async () => {
    const { serviceId, integration } = await serviceWith('pagerduty');
    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        send('/v2/enqueue', trigger(integration.key, 'checkout-5xx')),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(202));

    const { incident, timeline, alerts } = await onlyIncident(serviceId);
    expect(incident).toMatchObject({
      alertCount: 1,
      firingCount: 1,
      notificationCount: 50,
      dedupKey: 'checkout-5xx',
      status: 'triggered',
    });
    expect(alerts).toEqual([expect.objectContaining({ key: 'checkout-5xx', count: 1 })]);
    // Duplicates fold into one running entry while it is the newest; paging runs concurrently, so a paging
    // entry may land between two batches and start a second running entry. Together they count all 49.
    const suppressed = timeline.filter((e) => e.kind === 'duplicate_suppressed');
    expect(suppressed.reduce((n, e) => n + Number(e.data?.count), 0)).toBe(49);
    for (const e of suppressed)
      expect(e.text).toBe(
        `${e.data?.count} duplicate alert${e.data?.count === 1 ? '' : 's'} suppressed`,
      );
    expect([...new Set(story(timeline))]).toEqual(['created', 'duplicate_suppressed']);
  });

  it('opens one incident per dedup key when different keys trigger at the same time', async () => {
    const { serviceId, integration } = await serviceWith('pagerduty');
    const keys = ['a', 'b', 'c', 'd', 'e'];
    await Promise.all(
      keys.flatMap((k) =>
        Array.from({ length: 4 }, () =>
          send('/v2/enqueue', trigger(integration.key, k, `alert ${k}`)),
        ),
      ),
    );
    // A repeat's answer does not wait for the index: the list shows it within REPEATS_INDEX_DELAY_MS.
    const incidents = await listed(serviceId, (l) => l.every((i) => i.notificationCount === 4));
    expect(incidents.map((i) => i.title).sort()).toEqual(keys.map((k) => `alert ${k}`));
    expect(incidents.map((i) => [i.alertCount, i.notificationCount])).toEqual(
      keys.map(() => [1, 4]),
    );
  });

  it('keeps counting later duplicates into the same running entry', async () => {
    const { serviceId, integration } = await serviceWith('pagerduty');
    for (let i = 0; i < 4; i++) await send('/v2/enqueue', trigger(integration.key, 'slow'));
    const { incident, timeline } = await onlyIncident(serviceId);
    expect([incident.alertCount, incident.notificationCount]).toEqual([1, 4]);
    expect(
      timeline.filter((e) => e.kind === 'duplicate_suppressed').map((e) => e.data?.count),
    ).toEqual([3]);
  });

  it('falls back to a hash of summary and source when a generic alert has no dedup key', async () => {
    const { serviceId, integration } = await serviceWith('generic');
    await send(integration.url, { summary: 'Disk full', source: 'web-1' });
    await send(integration.url, { summary: 'Disk full', source: 'web-1' });
    await send(integration.url, { summary: 'Disk full', source: 'web-2' });
    const incidents = await listed(serviceId, (l) => l.some((i) => i.notificationCount === 2));
    expect(incidents.map((i) => i.notificationCount).sort()).toEqual([1, 2]);
    expect(incidents.map((i) => i.alertCount)).toEqual([1, 1]);
  });

  it('reuses the incident id it reserved when the create of a previous attempt never finished', async () => {
    const { serviceId, integration } = await serviceWith('pagerduty');
    // What a crash between "reserve the id" and "create the incident" leaves behind.
    const stub = serviceRouter(env, serviceId);
    await runInDurableObject(stub, (_router, state) => {
      state.storage.sql.exec(
        "INSERT INTO open_keys (dedup_key, incident_id, opened_at) VALUES ('retried', 'inc_reserved0000000000', 0)",
      );
    });
    expect((await send('/v2/enqueue', trigger(integration.key, 'retried'))).status).toBe(202);
    const { incident } = await view('inc_reserved0000000000');
    expect(incident).toMatchObject({
      id: 'inc_reserved0000000000',
      dedupKey: 'retried',
      serviceId,
      alertCount: 1,
    });
    expect((await serviceIncidents(serviceId)).map((i) => i.id)).toEqual([
      'inc_reserved0000000000',
    ]);
  });

  it('lists a payload whose create failed as failed, not accepted, and its retry opens the same incident', async () => {
    const { serviceId, integration } = await serviceWith('pagerduty');
    const id = 'inc_refused00000000000';
    await runInDurableObject(serviceRouter(env, serviceId), (_router, state) => {
      state.storage.sql.exec(
        `INSERT INTO open_keys (dedup_key, incident_id, opened_at) VALUES ('refused', '${id}', 0)`,
      );
    });
    // The incident's storage refuses the create's opening commit, as a full disk would.
    await runInDurableObject(incidentStub(env, id), (incident, state) => {
      (incident as unknown as { store: { init(): void } }).store.init();
      state.storage.sql.exec(
        "CREATE TRIGGER refuse BEFORE INSERT ON incident BEGIN SELECT RAISE(ABORT, 'disk full'); END",
      );
    });
    expect((await send('/v2/enqueue', trigger(integration.key, 'refused'))).status).toBe(500);
    expect(await recent(serviceId, integration.id)).toEqual([
      { outcome: 'failed', detail: 'could not be applied; the sender should retry' },
    ]);

    await runInDurableObject(incidentStub(env, id), (_incident, state) => {
      state.storage.sql.exec('DROP TRIGGER refuse');
    });
    expect((await send('/v2/enqueue', trigger(integration.key, 'refused'))).status).toBe(202);
    expect((await view(id)).incident).toMatchObject({ id, dedupKey: 'refused', alertCount: 1 });
    expect((await recent(serviceId, integration.id))[0]).toEqual({
      outcome: 'accepted',
      detail: `opened ${id}`,
    });
  });
});
