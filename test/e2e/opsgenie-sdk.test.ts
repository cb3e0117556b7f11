/**
 * Acceptance: Opsgenie's official Node.js client, opsgenie-sdk, pointed at Firebell (started as `npm start`
 * starts it) with `configure({ api_key, host })`: it creates, gets, lists, notes and closes alerts and asks for
 * request status, all answered in Opsgenie's shapes; the calls Firebell does not support come back as
 * Opsgenie errors that say so.
 */
import { Agent, request } from 'node:http';
import opsgenie, { type Answer, type Callback } from 'opsgenie-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Incident, TimelineEntry } from '../../schema/incident';
import { Firebell } from './harness';

let fb: Firebell;
let integrationId = '';
let genieKey = '';

beforeAll(async () => {
  fb = await Firebell.start();
  const service = await fb.api<{ service: { id: string } }>('/api/services', {
    body: { name: 'Mail' },
  });
  const integration = await fb.api<{ id: string; key: string; url: string }>(
    `/api/services/${service.body.service.id}/integrations`,
    { body: { type: 'opsgenie', name: 'Opsgenie SDK' } },
  );
  integrationId = integration.body.id;
  genieKey = integration.body.key;
  // The integration's URL is what the SDK calls its host; it appends /v2/alerts itself.
  opsgenie.configure({ api_key: integration.body.key, host: integration.body.url });
});
afterAll(async () => {
  await fb?.dispose();
});

/** The request option that stops the SDK's requestretry from dropping the key on queries like "status:open". */
const KEEP_KEY = { skipHeaderSanitize: true };

/** One SDK call as a promise of what its callback got. */
const call = (run: (cb: Callback) => void) =>
  new Promise<{ error: Answer | null; response: Answer | null }>((resolve) =>
    run((error, response) => resolve({ error, response })),
  );
/** A call that must succeed: its response. */
async function ok(run: (cb: Callback) => void): Promise<Answer & { data?: never }> {
  const { error, response } = await call(run);
  if (error || !response) throw new Error(`SDK call failed: ${JSON.stringify(error)}`);
  return response as Answer & { data?: never };
}

type OgAlert = {
  id: string;
  tinyId: string;
  alias: string;
  message: string;
  status: string;
  count: number;
  tags: string[];
  priority: string;
  integration: { id: string; type: string };
};
const data = <T>(answer: Answer) => answer.data as T;
const view = async (id: string) =>
  (await fb.api<{ incident: Incident; timeline: TimelineEntry[] }>(`/api/incidents/${id}`)).body;

describe('opsgenie-sdk against Firebell', () => {
  it('creates an alert, finds its id through request status, and gets it by alias, id and tiny id', async () => {
    const created = await ok((cb) =>
      opsgenie.alertV2.create(
        {
          message: 'Mail queue backing up',
          alias: 'mail-queue',
          priority: 'P2',
          tags: ['mail'],
          description: '12k messages',
          details: { host: 'mx-1' },
        },
        cb,
      ),
    );
    expect(created).toEqual({
      result: 'Request will be processed',
      took: expect.any(Number),
      requestId: expect.any(String),
    });

    const status = await ok((cb) =>
      opsgenie.alertV2.getRequestStatus(created.requestId as string, cb),
    );
    expect(status.data).toEqual({
      success: true,
      action: 'Create',
      processedAt: expect.any(String),
      integrationId,
      isSuccess: true,
      status: 'Created alert',
      alertId: expect.stringMatching(/^inc_/),
      alias: 'mail-queue',
    });
    const alertId = data<{ alertId: string }>(status).alertId;

    const byAlias = data<OgAlert>(
      await ok((cb) =>
        opsgenie.alertV2.get({ identifier: 'mail-queue', identifierType: 'alias' }, cb),
      ),
    );
    expect(byAlias).toMatchObject({
      id: alertId,
      alias: 'mail-queue',
      message: 'Mail queue backing up',
      status: 'open',
      count: 1,
      tags: ['mail'],
      priority: 'P2',
      description: '12k messages',
      details: { host: 'mx-1' },
      integration: { id: integrationId, type: 'API' },
    });
    expect(
      data<OgAlert>(await ok((cb) => opsgenie.alertV2.get({ identifier: alertId }, cb))),
    ).toEqual(byAlias);
    expect(
      data<OgAlert>(
        await ok((cb) =>
          opsgenie.alertV2.get({ identifier: byAlias.tinyId, identifierType: 'tiny' }, cb),
        ),
      ),
    ).toEqual(byAlias);
    expect((await view(alertId)).incident).toMatchObject({
      number: Number(byAlias.tinyId),
      severity: 'error',
      dedupKey: 'mail-queue',
    });
  });

  it('adds a note that lands on the incident’s timeline as a note by the integration', async () => {
    const added = await ok((cb) =>
      opsgenie.alertV2.addNote(
        { identifier: 'mail-queue', identifierType: 'alias' },
        { note: 'Paused the newsletter send', user: 'ops-bot' },
        cb,
      ),
    );
    expect(added.result).toBe('Request will be processed');
    const status = data<{ alertId: string; status: string }>(
      await ok((cb) => opsgenie.alertV2.getRequestStatus(added.requestId as string, cb)),
    );
    expect(status.status).toBe('Added note');
    expect((await view(status.alertId)).timeline.at(-1)).toMatchObject({
      kind: 'note',
      text: 'Paused the newsletter send',
      actor: { kind: 'integration', id: integrationId, name: 'Opsgenie SDK' },
    });
  });

  it('lists alerts a page at a time, filtered by status, in Opsgenie’s list shape', async () => {
    await ok((cb) =>
      opsgenie.alertV2.create({ message: 'Bounce rate high', alias: 'bounces' }, cb),
    );
    // The SDK's requestretry drops Authorization when a query value parses as a URL ("status:open" does),
    // against Opsgenie as against Firebell; skipHeaderSanitize keeps it (see the README).
    const unsanitized = await call((cb) => opsgenie.alertV2.list({ query: 'status:open' }, cb));
    expect(unsanitized.error).toMatchObject({
      httpStatusCode: 401,
      message: expect.stringMatching(/GenieKey/),
    });

    const first = await ok((cb) =>
      opsgenie.alertV2.list(
        { query: 'status:open', limit: 1, sort: 'createdAt', order: 'desc' },
        KEEP_KEY,
        cb,
      ),
    );
    expect(data<OgAlert[]>(first).map((a) => a.alias)).toEqual(['bounces']);
    const paging = first.paging as { first: string; next: string };
    expect(new URL(paging.next).searchParams.get('offset')).toBe('1');
    const second = await ok((cb) =>
      opsgenie.alertV2.list({ query: 'status:open', limit: 1, offset: 1 }, KEEP_KEY, cb),
    );
    expect(data<OgAlert[]>(second).map((a) => a.alias)).toEqual(['mail-queue']);
  });

  it('closes by alias and by id, and the list then shows both closed', async () => {
    await ok((cb) =>
      opsgenie.alertV2.close(
        { identifier: 'bounces', identifierType: 'alias' },
        { note: 'recovered' },
        cb,
      ),
    );
    const mail = data<OgAlert>(
      await ok((cb) =>
        opsgenie.alertV2.get({ identifier: 'mail-queue', identifierType: 'alias' }, cb),
      ),
    );
    await ok((cb) =>
      opsgenie.alertV2.close({ identifier: mail.id }, { note: 'queue drained' }, cb),
    );
    const closed = await ok((cb) =>
      opsgenie.alertV2.list({ query: 'status:closed' }, KEEP_KEY, cb),
    );
    expect(data<OgAlert[]>(closed).map((a) => [a.alias, a.status])).toEqual([
      ['bounces', 'closed'],
      ['mail-queue', 'closed'],
    ]);
    expect((await view(mail.id)).incident.status).toBe('resolved');
  });

  it('answers snooze, escalate and tags with Opsgenie errors that say they are not supported', async () => {
    const target = { identifier: 'bounces', identifierType: 'alias' } as const;
    const refused = await Promise.all([
      call((cb) => opsgenie.alertV2.snooze(target, { endTime: '2030-01-01T00:00:00Z' }, cb)),
      call((cb) => opsgenie.alertV2.escalateToNext(target, { escalation: { name: 'Mail' } }, cb)),
      call((cb) => opsgenie.alertV2.addTags(target, { tags: ['x'] }, cb)),
    ]);
    expect(refused.map(({ error, response }) => [error?.httpStatusCode, response])).toEqual([
      [404, null],
      [404, null],
      [404, null],
    ]);
    expect(refused.map(({ error }) => error?.message)).toEqual([
      expect.stringMatching(
        /^Firebell does not support snoozing alerts \(POST \/v2\/alerts\/\{identifier\}\/snooze\)/,
      ),
      expect.stringMatching(/^Firebell does not support escalating to a named escalation/),
      expect.stringMatching(/^Firebell does not support alert tags/),
    ]);
    expect(
      refused.every(
        ({ error }) => typeof error?.requestId === 'string' && typeof error?.took === 'number',
      ),
    ).toBe(true);
  });

  it('keeps the connection open after refusing a call, so a keep-alive client’s next request goes through on it', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const send = (method: string, path: string, body?: string) =>
      new Promise<{ status: number; reused: boolean }>((resolve, reject) => {
        const req = request(
          `${fb.origin}${path}`,
          {
            method,
            agent,
            headers: { authorization: `GenieKey ${genieKey}`, 'content-type': 'application/json' },
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    try {
      expect(
        await send(
          'POST',
          '/v2/alerts/bounces/snooze/?identifierType=alias',
          JSON.stringify({ endTime: '2030-01-01T00:00:00Z' }),
        ),
      ).toEqual({ status: 404, reused: false });
      expect(await send('GET', '/v2/alerts?limit=1')).toEqual({ status: 200, reused: true });
    } finally {
      agent.destroy();
    }
  });

  it('answers a get for an alert that does not exist with Opsgenie’s 404', async () => {
    const { error } = await call((cb) =>
      opsgenie.alertV2.get({ identifier: 'never-created', identifierType: 'alias' }, cb),
    );
    expect(error).toMatchObject({ message: 'Alert does not exist', httpStatusCode: 404 });
  });
});
