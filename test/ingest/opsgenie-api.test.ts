import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import sdk from '../fixtures/payloads/opsgenie-sdk-create-close.json';
import { ADMIN, BASE, api, createUser, command } from '../helpers';
import { newIntegration, onlyIncident, send, serviceIncidents, serviceWith, view } from './support';

const [sdkCreate] = sdk.requests;
const genie = (key: string) => ({ authorization: `GenieKey ${key}` });
/** A request without a body (GET, DELETE), as the SDK sends them. */
const bare = (path: string, method: string, headers: Record<string, string> = {}) =>
  SELF.fetch(path.startsWith('http') ? path : `${BASE}${path}`, { method, headers });
const get = (path: string, key: string) => bare(path, 'GET', genie(key));

type Envelope<T = unknown> = {
  data: T;
  paging?: Record<string, string>;
  result?: string;
  message?: string;
  took: number;
  requestId: string;
};
type OgAlert = Record<string, unknown> & {
  id: string;
  tinyId: string;
  alias: string;
  status: string;
};

async function body<T>(res: Response, status: number): Promise<Envelope<T>> {
  const text = await res.text();
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${text}`);
  return JSON.parse(text) as Envelope<T>;
}

/** A service with an Opsgenie integration and one alert created the way the SDK creates it. */
async function withAlert() {
  const { serviceId, integration } = await serviceWith('opsgenie', { name: 'Opsgenie SDK' });
  const created = await body(
    await send('/v2/alerts/', sdkCreate?.body, genie(integration.key)),
    202,
  );
  const { incident } = await onlyIncident(serviceId);
  return { serviceId, integration, incident, createRequestId: created.requestId };
}

describe('Opsgenie Alert API reads and notes', () => {
  it('gets an alert by id, tiny id and alias in Opsgenie’s shape, mapped from the incident', async () => {
    const { integration, incident } = await withAlert();
    const byAlias = await body<OgAlert>(
      await get('/v2/alerts/probe-alias-1?identifierType=alias', integration.key),
      200,
    );
    expect(Object.keys(byAlias)).toEqual(['data', 'took', 'requestId']);
    expect(byAlias.data).toEqual({
      id: incident.id,
      tinyId: String(incident.number),
      alias: 'probe-alias-1',
      message: 'Disk full on web-1',
      status: 'open',
      acknowledged: false,
      isSeen: false,
      tags: ['probe'],
      snoozed: false,
      count: 1,
      lastOccurredAt: new Date(incident.createdAt).toISOString(),
      createdAt: new Date(incident.createdAt).toISOString(),
      updatedAt: new Date(incident.updatedAt).toISOString(),
      source: 'og-probe',
      owner: '',
      priority: 'P1',
      responders: [],
      integration: { id: integration.id, name: 'Opsgenie SDK', type: 'API' },
      report: {},
      actions: [],
      entity: '',
      description: '/var at 99%',
      details: { host: 'web-1' },
    });
    expect(
      (await body<OgAlert>(await get(`/v2/alerts/${incident.id}`, integration.key), 200)).data,
    ).toEqual(byAlias.data);
    expect(
      (
        await body<OgAlert>(
          await get(`/v2/alerts/${incident.number}?identifierType=tiny`, integration.key),
          200,
        )
      ).data,
    ).toEqual(byAlias.data);
    // Senders that omit identifierType with an alias still find it.
    expect(
      (await body<OgAlert>(await get('/v2/alerts/probe-alias-1', integration.key), 200)).data.id,
    ).toBe(incident.id);
  });

  it('reports who acknowledged and closed an alert, and how long each took, once a person has', async () => {
    const { integration, incident } = await withAlert();
    const ana = await createUser('Ana');
    expect((await command(ana, incident.id, 'acknowledge')).status).toBe(200);
    expect((await command(ana, incident.id, 'severity', { severity: 'warning' })).status).toBe(200);
    expect((await command(ana, incident.id, 'resolve')).status).toBe(200);
    const { data } = await body<OgAlert>(
      await get(`/v2/alerts/${incident.id}`, integration.key),
      200,
    );
    const after = (await view(incident.id)).incident;
    expect(data).toMatchObject({
      status: 'closed',
      acknowledged: true,
      isSeen: true,
      owner: 'Ana',
      priority: 'P3',
      report: {
        ackTime: (after.acknowledgedAt ?? 0) - after.createdAt,
        closeTime: (after.resolvedAt ?? 0) - after.createdAt,
        acknowledgedBy: 'Ana',
        closedBy: 'Ana',
      },
    });
    // Opsgenie too finds only open alerts by alias.
    expect(
      (await body(await get('/v2/alerts/probe-alias-1?identifierType=alias', integration.key), 404))
        .message,
    ).toBe('Alert does not exist');
  });

  it('answers an alert that does not exist, or belongs to another service, with Opsgenie’s 404', async () => {
    const { incident } = await withAlert();
    const { integration: other } = await serviceWith('opsgenie');
    for (const path of [
      `/v2/alerts/${incident.id}`,
      `/v2/alerts/${incident.number}?identifierType=tiny`,
      '/v2/alerts/probe-alias-1?identifierType=alias',
      '/v2/alerts/nope?identifierType=tiny',
    ]) {
      const res = await body(await get(path, other.key), 404);
      expect(Object.keys(res)).toEqual(['message', 'took', 'requestId']);
      expect(res.message).toBe('Alert does not exist');
    }
    expect(
      (await body(await get('/v2/alerts/x?identifierType=name', other.key), 422)).message,
    ).toBe('IdentifierType should be one of id, alias, tiny.');
    expect((await get(`/v2/alerts/${incident.id}`, 'fbk_unknown')).status).toBe(401);
  });

  it('lists the service’s alerts newest first with paging links, filtered by status', async () => {
    const { serviceId, integration } = await serviceWith('opsgenie');
    for (const n of [1, 2, 3])
      await send(
        '/v2/alerts',
        { message: `Queue ${n} backlog`, alias: `queue-${n}` },
        genie(integration.key),
      );
    await send('/v2/alerts/queue-1/close?identifierType=alias', {}, genie(integration.key));
    const { integration: elsewhere } = await serviceWith('opsgenie');
    await send('/v2/alerts', { message: 'Another service' }, genie(elsewhere.key));

    const all = await body<OgAlert[]>(await get('/v2/alerts/', integration.key), 200);
    expect(Object.keys(all)).toEqual(['data', 'paging', 'took', 'requestId']);
    expect(all.data.map((a) => [a.alias, a.status])).toEqual([
      ['queue-3', 'open'],
      ['queue-2', 'open'],
      ['queue-1', 'closed'],
    ]);
    expect(all.data[0]).not.toHaveProperty('details');
    expect(all.paging).toEqual({ first: 'http://127.0.0.1:8787/v2/alerts?offset=0' });

    const open = await body<OgAlert[]>(
      await get('/v2/alerts?query=status%3Aopen&limit=1&order=asc', integration.key),
      200,
    );
    expect(open.data.map((a) => a.alias)).toEqual(['queue-2']);
    expect(open.paging).toEqual({
      first: 'http://127.0.0.1:8787/v2/alerts?query=status%3Aopen&limit=1&order=asc&offset=0',
      next: 'http://127.0.0.1:8787/v2/alerts?query=status%3Aopen&limit=1&order=asc&offset=1',
    });
    const second = await body<OgAlert[]>(await get(open.paging?.next ?? '', integration.key), 200);
    expect(second.data.map((a) => a.alias)).toEqual(['queue-3']);
    expect(second.paging?.prev).toBe(
      'http://127.0.0.1:8787/v2/alerts?query=status%3Aopen&limit=1&order=asc&offset=0',
    );
    expect(
      (
        await body<OgAlert[]>(await get('/v2/alerts?query=status:closed', integration.key), 200)
      ).data.map((a) => a.alias),
    ).toEqual(['queue-1']);
    // Closing is not acknowledging: queue-1 is a closed alert nobody acknowledged.
    const unacked = await body<OgAlert[]>(
      await get('/v2/alerts?query=status%3Aclosed%20AND%20acknowledged%3Afalse', integration.key),
      200,
    );
    expect(unacked.data.map((a) => [a.alias, a.acknowledged])).toEqual([['queue-1', false]]);
    expect(
      (
        await body<OgAlert[]>(
          await get('/v2/alerts?query=acknowledged%3Atrue', integration.key),
          200,
        )
      ).data,
    ).toEqual([]);
    // count is how often the alert occurred: a repeated create of queue-2 makes it 2, and sort=count orders by it.
    await send(
      '/v2/alerts',
      { message: 'Queue 2 backlog', alias: 'queue-2' },
      genie(integration.key),
    );
    // The list is the index, which takes a repeat within a second (as Opsgenie's own, processed asynchronously).
    const deadline = Date.now() + 5_000;
    const byCountNow = async () =>
      body<OgAlert[]>(await get('/v2/alerts?sort=count&order=desc', integration.key), 200);
    let byCount = await byCountNow();
    while (byCount.data[0]?.count !== 2 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      byCount = await byCountNow();
    }
    expect(byCount.data.map((a) => a.count)).toEqual([2, 1, 1]);
    expect(byCount.data[0]?.alias).toBe('queue-2');
    expect((await serviceIncidents(serviceId)).length).toBe(3);
  });

  it('refuses list parameters it cannot honour with 422 instead of answering something else', async () => {
    const { integration } = await serviceWith('opsgenie');
    expect(
      (await body(await get('/v2/alerts?query=tag:probe', integration.key), 422)).message,
    ).toMatch(/'tag:probe' is not supported.*status:open/);
    expect((await body(await get('/v2/alerts?sort=owner', integration.key), 422)).message).toMatch(
      /Sort by 'owner' is not supported/,
    );
    expect((await body(await get('/v2/alerts?limit=500', integration.key), 422)).message).toBe(
      'Limit should be an integer from 1 to 100.',
    );
    expect(
      (await body(await get('/v2/alerts?searchIdentifier=abc', integration.key), 422)).message,
    ).toMatch(/Saved searches are not supported/);
  });

  it('puts a note on the incident’s timeline as a note by the integration, and its request status says so', async () => {
    const { integration, incident } = await withAlert();
    const res = await body(
      await send(
        '/v2/alerts/probe-alias-1/notes/?identifierType=alias',
        { note: 'Rotating logs on web-1', user: 'ops-bot', source: 'runbook' },
        genie(integration.key),
      ),
      202,
    );
    expect(res.result).toBe('Request will be processed');
    const { timeline } = await view(incident.id);
    expect(timeline.at(-1)).toMatchObject({
      kind: 'note',
      text: 'Rotating logs on web-1',
      actor: { kind: 'integration', id: integration.id, name: 'Opsgenie SDK' },
    });

    const status = await body<Record<string, unknown>>(
      await get(`/v2/alerts/requests/${res.requestId}`, integration.key),
      200,
    );
    expect(status.data).toEqual({
      success: true,
      action: 'AddNote',
      processedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      integrationId: integration.id,
      isSuccess: true,
      status: 'Added note',
      alertId: incident.id,
      alias: 'probe-alias-1',
    });
    // By id and by tiny id too.
    await body(
      await send(`/v2/alerts/${incident.id}/notes`, { note: 'by id' }, genie(integration.key)),
      202,
    );
    await body(
      await send(
        `/v2/alerts/${incident.number}/notes?identifierType=tiny`,
        { note: 'by tiny id' },
        genie(integration.key),
      ),
      202,
    );
    expect((await view(incident.id)).timeline.slice(-2).map((e) => e.text)).toEqual([
      'by id',
      'by tiny id',
    ]);
  });

  it('refuses an empty note, a note for no alert, and notes past the rate limit, in Opsgenie’s shape', async () => {
    const { integration, incident } = await withAlert();
    expect(
      (
        await body(
          await send(`/v2/alerts/${incident.id}/notes`, { note: ' ' }, genie(integration.key)),
          422,
        )
      ).message,
    ).toBe('Note can not be empty.');
    expect(
      (
        await body(
          await send(
            `/v2/alerts/${incident.id}/notes`,
            { note: 'x'.repeat(8001) },
            genie(integration.key),
          ),
          422,
        )
      ).message,
    ).toMatch(/longer than 8000/);
    expect(
      (
        await body(
          await send(
            '/v2/alerts/gone/notes?identifierType=alias',
            { note: 'hello?' },
            genie(integration.key),
          ),
          404,
        )
      ).message,
    ).toBe('Alert does not exist');
    expect((await send(`/v2/alerts/${incident.id}/notes`, { note: 'x' })).status).toBe(401);

    const { serviceId, integration: slow } = await serviceWith('opsgenie', { ratePerMinute: 2 });
    await send('/v2/alerts', { message: 'Slow', alias: 'slow' }, genie(slow.key));
    await body(
      await send('/v2/alerts/slow/notes?identifierType=alias', { note: 'one' }, genie(slow.key)),
      202,
    );
    const limited = await send(
      '/v2/alerts/slow/notes?identifierType=alias',
      { note: 'two' },
      genie(slow.key),
    );
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(
      (await onlyIncident(serviceId)).timeline.filter((e) => e.kind === 'note').map((e) => e.text),
    ).toEqual(['one']);
  });

  it('keeps the status of every accepted write under its request id, for that key only', async () => {
    const { integration, incident, createRequestId } = await withAlert();
    expect(
      (
        await body<Record<string, unknown>>(
          await get(`/v2/alerts/requests/${createRequestId}`, integration.key),
          200,
        )
      ).data,
    ).toMatchObject({
      action: 'Create',
      isSuccess: true,
      status: 'Created alert',
      alertId: incident.id,
      alias: 'probe-alias-1',
    });
    const again = await body(
      await send('/v2/alerts', sdkCreate?.body, genie(integration.key)),
      202,
    );
    expect(
      (
        await body<Record<string, unknown>>(
          await get(`/v2/alerts/requests/${again.requestId}`, integration.key),
          200,
        )
      ).data,
    ).toMatchObject({ isSuccess: true, alertId: incident.id });
    const missing = await body(
      await send('/v2/alerts/never-seen/close?identifierType=alias', {}, genie(integration.key)),
      202,
    );
    expect(
      (
        await body<Record<string, unknown>>(
          await get(`/v2/alerts/requests/${missing.requestId}`, integration.key),
          200,
        )
      ).data,
    ).toMatchObject({
      action: 'Close',
      success: false,
      isSuccess: false,
      status: 'Alert does not exist',
      alertId: '',
      alias: 'never-seen',
    });
    const other = await newIntegration(incident.serviceId ?? '', 'opsgenie');
    expect(
      (await body(await get(`/v2/alerts/requests/${createRequestId}`, other.key), 404)).message,
    ).toBe('Request not found. It might not be processed, yet.');
  });

  it('closes and acknowledges by incident id or tiny id, acting on the whole incident', async () => {
    const { serviceId, integration } = await serviceWith('opsgenie');
    await send(
      '/v2/alerts',
      { message: 'Checkout 5xx', alias: 'checkout-5xx' },
      genie(integration.key),
    );
    const { incident } = await onlyIncident(serviceId);
    const acked = await body(
      await send(
        `/v2/alerts/${incident.number}/acknowledge?identifierType=tiny`,
        '',
        genie(integration.key),
      ),
      202,
    );
    expect((await onlyIncident(serviceId)).incident).toMatchObject({
      status: 'acknowledged',
      acknowledgedBy: { kind: 'integration', id: integration.id },
    });
    await body(
      await send(
        `/v2/alerts/${incident.id}/close`,
        { note: 'rolled back' },
        genie(integration.key),
      ),
      202,
    );
    const { incident: closed, timeline } = await onlyIncident(serviceId);
    expect(closed.status).toBe('resolved');
    expect(timeline.at(-1)?.text).toBe(`Resolved by ${closed.resolvedBy?.name}: rolled back`);
    expect(
      (
        await body<Record<string, unknown>>(
          await get(`/v2/alerts/requests/${acked.requestId}`, integration.key),
          200,
        )
      ).data,
    ).toMatchObject({ action: 'Acknowledge', status: 'Acknowledged alert', alertId: incident.id });

    // Acknowledging a closed alert is accepted, and its status says why nothing happened.
    const late = await body(
      await send(`/v2/alerts/${incident.id}/acknowledge`, {}, genie(integration.key)),
      202,
    );
    expect(
      (
        await body<Record<string, unknown>>(
          await get(`/v2/alerts/requests/${late.requestId}`, integration.key),
          200,
        )
      ).data,
    ).toMatchObject({ isSuccess: false, status: expect.stringMatching(/already resolved/) });
    expect(
      (
        await body(
          await send('/v2/alerts/99999/close?identifierType=tiny', {}, genie(integration.key)),
          404,
        )
      ).message,
    ).toBe('Alert does not exist');
  });

  it.each([
    [
      'POST',
      '/v2/alerts/probe-alias-1/snooze/?identifierType=alias',
      /snoozing alerts \(POST \/v2\/alerts\/\{identifier\}\/snooze\)/,
    ],
    ['POST', '/v2/alerts/probe-alias-1/escalate/', /escalating to a named escalation/],
    ['POST', '/v2/alerts/probe-alias-1/tags/', /alert tags/],
    ['DELETE', '/v2/alerts/probe-alias-1/tags/&tags=a', /alert tags/],
    ['DELETE', '/v2/alerts/probe-alias-1?identifierType=alias', /deleting alerts/],
    ['GET', '/v2/alerts/probe-alias-1/notes/', /listing notes/],
    ['GET', '/v2/alerts/count', /counting alerts \(GET \/v2\/alerts\/count\)/],
    ['PATCH', '/v2/alerts', /this call \(PATCH \/v2\/alerts\)/],
  ])(
    'answers %s %s in Opsgenie’s error shape, saying it is not supported',
    async (method, path, says) => {
      const { integration } = await withAlert();
      const bodyless = method === 'GET' || method === 'DELETE';
      const res = bodyless
        ? await bare(path, method, genie(integration.key))
        : await send(path, {}, genie(integration.key), method);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const answer = (await res.json()) as Envelope;
      expect(Object.keys(answer)).toEqual(['message', 'took', 'requestId']);
      expect(answer.message).toMatch(says);
      expect(answer.message).toMatch(
        /supports create, get, list, close, acknowledge, add note and request status/,
      );
      expect((bodyless ? await bare(path, method) : await send(path, {}, {}, method)).status).toBe(
        401,
      );
    },
  );

  it('leaves incidents alone when asked for something it does not support', async () => {
    const { serviceId, integration } = await withAlert();
    await send(
      '/v2/alerts/probe-alias-1/snooze?identifierType=alias',
      { endTime: '2030-01-01T00:00:00Z' },
      genie(integration.key),
    );
    expect((await onlyIncident(serviceId)).incident.status).toBe('triggered');
    expect((await api(`/api/incidents?service=${serviceId}`, { headers: ADMIN })).status).toBe(200);
  });
});
