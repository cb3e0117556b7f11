import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Silence } from '../../schema/maintenance-schemas';
import { controlClock, fireAlarm, serviceWithPolicy, texts } from '../escalation/setup';
import { ADMIN, api, createUser, json, type TestUser } from '../helpers';
import {
  alertGroup,
  expectProblem,
  newIntegration,
  send,
  serviceIncidents,
  view,
} from '../ingest/support';
import { activity, alert, type Accepted } from '../rules/support';

let ana: TestUser;
let clock: ReturnType<typeof controlClock>;
beforeAll(async () => {
  ana = await createUser('Ana');
});
beforeEach(() => {
  clock = controlClock();
});
afterEach(() => clock.restore());

async function pagedService(
  type: 'generic' | 'alertmanager' = 'generic',
): Promise<{ serviceId: string; url: string }> {
  const serviceId = await serviceWithPolicy([
    { delayMinutes: 5, targets: [{ type: 'user', id: ana.id }] },
  ]);
  return { serviceId, url: (await newIntegration(serviceId, type)).url };
}

/** Alertmanager notifies that node-`i` is down (labels alertname, instance, job, severity). */
const nodeDown = (url: string, i: number) => json<Accepted>(send(url, alertGroup(i, i + 1)), 202);

describe('silences', () => {
  it('silences alerts like an incident’s for 1h: recorded as suppressed with the silence, paging no one, then expiring', async () => {
    const { serviceId, url } = await pagedService('alertmanager');
    const first = (await nodeDown(url, 0)).incidents[0]?.incidentId as string;
    await json(api(`/api/incidents/${first}/resolve`, { body: {}, headers: ana.auth }), 200);

    const { silence } = await json<{ silence: Silence }>(
      api(`/api/incidents/${first}/silence`, { body: { for: '1h' }, headers: ana.auth }),
      201,
    );
    expect(silence).toMatchObject({
      serviceId,
      matchers: [
        { field: 'labels.alertname', value: 'InstanceDown' },
        { field: 'labels.instance', value: 'node-0.prod.internal:9100' },
        { field: 'labels.job', value: 'node' },
        { field: 'labels.severity', value: 'critical' },
      ],
      createdBy: { id: ana.id, name: 'Ana' },
      endsAt: clock.now() + 3_600_000,
      incidentId: first,
    });
    expect(texts((await view(first)).timeline)).toContainEqual(
      expect.stringMatching(/^Silenced alerts like this until .* labels.alertname=InstanceDown/),
    );
    const listed = await json<{ silences: Silence[] }>(
      api(`/api/silences?serviceId=${serviceId}`, { headers: ADMIN }),
      200,
    );
    expect(listed.silences.map((s) => s.id)).toEqual([silence.id]);

    clock.advanceMinutes(10);
    const quiet = await nodeDown(url, 0);
    expect(quiet.incidents).toEqual([]);
    expect(quiet.rules?.alerts[0]).toMatchObject({ outcome: 'suppressed' });
    // A different alert on the same service still opens an incident, which pages.
    const other = await nodeDown(url, 1);
    expect(other.incidents[0]?.result).toBe('opened');
    const id = other.incidents[0]?.incidentId as string;
    expect(texts(await fireAlarm(id))).toContain('Escalated to level 1: Ana');
    const suppressed = (await activity(serviceId)).suppressed as { silenceId?: string }[];
    expect(suppressed[0]).toMatchObject({ silenceId: silence.id });

    clock.advanceMinutes(50);
    // Expired: node-0 joins the group's open incident again.
    const back = await nodeDown(url, 0);
    expect(back.incidents[0]).toMatchObject({ incidentId: id, result: 'appended' });
    expect((await view(id)).alerts.map((a) => a.labels?.instance)).toContain(
      'node-0.prod.internal:9100',
    );
    expect(
      (
        await json<{ silences: Silence[] }>(
          api(`/api/silences?serviceId=${serviceId}`, { headers: ADMIN }),
          200,
        )
      ).silences,
    ).toEqual([]);
  });

  it('expires a silence early, and refuses unknown services, past ends and bad fields', async () => {
    const { serviceId, url } = await pagedService();
    const { silence } = await json<{ silence: Silence }>(
      api('/api/silences', {
        body: {
          serviceId,
          matchers: [{ field: 'source', value: 'synthetics' }],
          for: '24h',
          comment: 'Login check rewrite in progress',
        },
        headers: ana.auth,
      }),
      201,
    );
    expect((await alert(url, { summary: 'Login slow', source: 'synthetics' })).incidents).toEqual(
      [],
    );
    const expired = await json<{ silence: Silence }>(
      api(`/api/silences/${silence.id}/expire`, { method: 'POST', headers: ana.auth }),
      200,
    );
    expect(expired.silence.expiredAt).toBe(clock.now());
    const again = await alert(url, { summary: 'Login slow', source: 'synthetics' });
    expect(again.incidents[0]?.result).toBe('opened');
    expect((await serviceIncidents(serviceId)).length).toBe(1);

    const cases: [Record<string, unknown>, string][] = [
      [
        { serviceId: 'svc_nope', matchers: [{ field: 'summary', value: 'x' }], for: '1h' },
        'serviceId',
      ],
      [
        {
          serviceId,
          matchers: [{ field: 'summary', value: 'x' }],
          for: { until: clock.now() - 1 },
        },
        'for.until',
      ],
      [{ serviceId, matchers: [{ field: 'colour', value: 'red' }], for: '1h' }, 'matchers.0.field'],
    ];
    for (const [body, path] of cases) {
      const res = await api('/api/silences', { body, headers: ana.auth });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((await expectProblem(res)).errors).toContainEqual(expect.objectContaining({ path }));
    }
  });
});
