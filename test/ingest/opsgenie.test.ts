import { describe, expect, it } from 'vitest';
import amOpsgenie from '../fixtures/payloads/alertmanager-opsgenie.json';
import sdk from '../fixtures/payloads/opsgenie-sdk-create-close.json';
import { BASE } from '../helpers';
import { OVERSIZED, onlyIncident, send, serviceIncidents, serviceWith } from './support';

const [sdkCreate, sdkClose] = sdk.requests;
const [amCreate, amClose] = amOpsgenie.requests;
const genie = (key: string) => ({ authorization: `GenieKey ${key}` });

type Envelope = { result?: string; message?: string; took: number; requestId: string };

function expectEnvelope(body: Envelope): void {
  expect(body.took).toBeGreaterThan(0);
  expect(body.took).toBeLessThan(10);
  expect(body.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
}

describe('Opsgenie Alert API', () => {
  it('opens and closes an incident with the opsgenie-sdk requests, trailing slashes and all', async () => {
    const { serviceId, integration } = await serviceWith('opsgenie');
    expect(integration.url).toBe(BASE);
    const created = await send(
      `${integration.url}${sdkCreate?.url}`,
      sdkCreate?.body,
      genie(integration.key),
    );
    expect(created.status).toBe(202);
    const body = (await created.json()) as Envelope;
    expect(Object.keys(body)).toEqual(['result', 'took', 'requestId']);
    expect(body.result).toBe('Request will be processed');
    expectEnvelope(body);

    const { incident, alerts } = await onlyIncident(serviceId);
    expect(incident).toMatchObject({
      title: 'Disk full on web-1',
      severity: 'critical',
      dedupKey: 'probe-alias-1',
      status: 'triggered',
    });
    expect(alerts[0]).toMatchObject({
      source: 'og-probe',
      labels: { host: 'web-1' },
      details: { description: '/var at 99%', priority: 'P1', tags: ['probe'] },
    });

    const closed = await send(
      `${integration.url}${sdkClose?.url}`,
      sdkClose?.body,
      genie(integration.key),
    );
    expect(closed.status).toBe(202);
    expect((await onlyIncident(serviceId)).incident.status).toBe('resolved');
  });

  it("works unchanged with Alertmanager's opsgenie_configs: create, then close by alias", async () => {
    const { serviceId, integration } = await serviceWith('opsgenie');
    // Alertmanager appends /v2/alerts to api_url; the captured URLs carry the listener's /opsgenie prefix.
    const path = (url: string | undefined) => (url ?? '').replace(/^\/opsgenie/, '');
    expect(
      (
        await send(
          `${integration.url}${path(amCreate?.url)}`,
          amCreate?.body,
          genie(integration.key),
        )
      ).status,
    ).toBe(202);
    expect((await onlyIncident(serviceId)).incident).toMatchObject({
      title: '[FIRING:1] ProbeDiskFull web-1 (checkout critical)',
      status: 'triggered',
    });
    expect(
      (await send(`${integration.url}${path(amClose?.url)}`, amClose?.body, genie(integration.key)))
        .status,
    ).toBe(202);
    expect((await onlyIncident(serviceId)).incident.status).toBe('resolved');
  });

  it('acknowledges by alias, with or without a body', async () => {
    const { serviceId, integration } = await serviceWith('opsgenie');
    await send(
      '/v2/alerts',
      { message: 'Queue backlog', alias: 'backlog' },
      genie(integration.key),
    );
    const res = await send(
      '/v2/alerts/backlog/acknowledge?identifierType=alias',
      '',
      genie(integration.key),
    );
    expect(res.status).toBe(202);
    expect((await onlyIncident(serviceId)).incident.status).toBe('acknowledged');
  });

  it('accepts and drops a close for an alias that has no open incident', async () => {
    const { serviceId, integration } = await serviceWith('opsgenie');
    const res = await send(
      '/v2/alerts/nothing-here/close?identifierType=alias',
      {},
      genie(integration.key),
    );
    expect(res.status).toBe(202);
    expect(await serviceIncidents(serviceId)).toEqual([]);
  });

  it('answers invalid alerts in Opsgenie’s shape with 422, and malformed JSON with 400', async () => {
    const { integration } = await serviceWith('opsgenie');
    const empty = await send('/v2/alerts', { alias: 'x' }, genie(integration.key));
    expect(empty.status).toBe(422);
    const body = (await empty.json()) as Envelope;
    expect(Object.keys(body)).toEqual(['message', 'took', 'requestId']);
    expect(body.message).toBe('Message can not be empty.');
    expectEnvelope(body);
    const wrongType = await send(
      '/v2/alerts',
      { message: 'x', priority: 'urgent' },
      genie(integration.key),
    );
    expect(((await wrongType.json()) as Envelope).message).toBe(
      'Priority should be one of P1, P2, P3, P4, P5.',
    );
    const badType = await send(
      '/v2/alerts/abc/close?identifierType=name',
      {},
      genie(integration.key),
    );
    expect(badType.status).toBe(422);
    expect(((await badType.json()) as Envelope).message).toBe(
      'IdentifierType should be one of id, alias, tiny.',
    );
    const broken = await send('/v2/alerts', '{"message":', genie(integration.key));
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as Envelope).message).toMatch(/not valid JSON/);
  });

  it('refuses a missing, unknown or revoked GenieKey with 401 in Opsgenie’s shape', async () => {
    await serviceWith('opsgenie');
    const none = await send('/v2/alerts', { message: 'x' });
    expect(none.status).toBe(401);
    expect(((await none.json()) as Envelope).message).toMatch(/GenieKey/);
    const unknown = await send('/v2/alerts', { message: 'x' }, genie('fbk_unknown'));
    expect(unknown.status).toBe(401);
    expectEnvelope((await unknown.json()) as Envelope);
  });

  it('refuses a body over 512 KB with 413', async () => {
    const { integration } = await serviceWith('opsgenie');
    const res = await send('/v2/alerts', OVERSIZED, genie(integration.key));
    expect(res.status).toBe(413);
    expect(((await res.json()) as Envelope).message).toMatch(/512 KB/);
  });

  it('throttles with 429 and Retry-After in Opsgenie’s shape', async () => {
    const { integration } = await serviceWith('opsgenie', { ratePerMinute: 1 });
    expect((await send('/v2/alerts', { message: 'one' }, genie(integration.key))).status).toBe(202);
    const res = await send('/v2/alerts', { message: 'two' }, genie(integration.key));
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(((await res.json()) as Envelope).message).toMatch(/too many requests/);
  });
});
