import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { recordPages } from '../../worker/directory/reports';
import { ADMIN, api, command, createUser, json, openIncident, type TestUser } from '../helpers';
import { insertIncidents, parseCsv, utc } from './fixtures';

type Report = {
  range: { from: number; to: number; zone: string };
  incidents: {
    total: number;
    bySeverity: Record<string, number>;
    byWeek: {
      week: string;
      weekStart: string;
      count: number;
      bySeverity: Record<string, number>;
    }[];
  };
  mtta: { count: number; meanMs: number; medianMs: number; p90Ms: number };
  mttr: { count: number; meanMs: number; medianMs: number; p90Ms: number };
  resolvedWithoutAck: { count: number; resolved: number };
  escalation: { escalated: number; total: number; rate: number };
  pagesPerResponder: {
    userId: string;
    name: string;
    pages: number;
    outOfHours: number;
    incidents: number;
  }[];
  noisiestServices: {
    serviceId: string | null;
    name: string | null;
    incidents: number;
    alerts: number;
  }[];
  noisiestAlerts: { dedupKey: string | null; title: string; incidents: number; alerts: number }[];
};

const MIN = 60_000;
let ana: TestUser;
let ben: TestUser;
let vic: TestUser;

/**
 * Two ISO weeks of January 2021 (W01 = Jan 4–10, W02 = Jan 11–17), UTC, plus one incident on either side.
 * Acknowledged after 2, 6, 10, 4, 20 min; resolved after 10, 60, 30, 20, 5 min.
 */
beforeAll(async () => {
  ana = await createUser('Ana');
  ben = await createUser('Ben');
  vic = await createUser('Vic', 'viewer');
  await env.DB.batch([
    env.DB.prepare(
      "INSERT INTO services (id, name, created_at) VALUES ('svc_rep_a', 'Storefront', 0), ('svc_rep_b', 'Batch jobs', 0)",
    ),
    env.DB.prepare("INSERT INTO teams (id, name, created_at) VALUES ('team_rep', 'Nights', 0)"),
    env.DB.prepare("INSERT INTO team_members (team_id, user_id) VALUES ('team_rep', ?)").bind(
      ben.id,
    ),
  ]);
  await insertIncidents([
    {
      id: 'rep_0',
      number: 9000,
      title: 'Before the range',
      serviceId: 'svc_rep_a',
      severity: 'critical',
      createdAt: utc('2021-01-03 23:59'),
      ackAfterMin: 1,
    },
    {
      id: 'rep_1',
      number: 9001,
      title: 'Disk full on db-1',
      serviceId: 'svc_rep_a',
      severity: 'critical',
      createdAt: utc('2021-01-04 10:00'),
      ackAfterMin: 2,
      resolveAfterMin: 10,
      escalationLevel: 1,
      alertCount: 3,
      dedupKey: 'disk-full',
    },
    {
      id: 'rep_2',
      number: 9002,
      title: 'Disk full on db-1',
      serviceId: 'svc_rep_a',
      severity: 'critical',
      createdAt: utc('2021-01-05 03:00'),
      ackAfterMin: 6,
      resolveAfterMin: 60,
      escalationLevel: 2,
      alertCount: 5,
      dedupKey: 'disk-full',
    },
    {
      id: 'rep_3',
      number: 9003,
      title: 'CPU pegged',
      serviceId: 'svc_rep_a',
      severity: 'error',
      createdAt: utc('2021-01-09 12:00'),
      ackAfterMin: 10,
      resolveAfterMin: 30,
      escalationLevel: 3,
      alertCount: 1,
      dedupKey: 'cpu',
    },
    {
      id: 'rep_4',
      number: 9004,
      title: 'Latency, "p99" high\nsecond line',
      serviceId: 'svc_rep_a',
      severity: 'warning',
      createdAt: utc('2021-01-12 18:00'),
      ackAfterMin: 4,
      resolveAfterMin: 20,
      escalationLevel: 1,
      alertCount: 2,
      assignees: [ben.id],
    },
    {
      id: 'rep_5',
      number: 9005,
      title: '=HYPERLINK("http://evil")',
      serviceId: 'svc_rep_b',
      severity: 'info',
      createdAt: utc('2021-01-14 09:30'),
      resolveAfterMin: 5,
      alertCount: 1,
      dedupKey: 'batch',
    },
    {
      id: 'rep_6',
      number: 9006,
      title: 'Disk full on db-2',
      serviceId: 'svc_rep_b',
      severity: 'error',
      createdAt: utc('2021-01-15 16:59'),
      ackAfterMin: 20,
      escalationLevel: 2,
      alertCount: 10,
      dedupKey: 'disk-full',
    },
    {
      id: 'rep_7',
      number: 9007,
      title: 'Certificate expires soon',
      serviceId: 'svc_rep_a',
      severity: 'warning',
      createdAt: utc('2021-01-17 23:00'),
      alertCount: 1,
      dedupKey: 'cert-expiry',
    },
    {
      id: 'rep_8',
      number: 9008,
      title: 'After the range',
      serviceId: 'svc_rep_a',
      severity: 'critical',
      createdAt: utc('2021-01-18 00:00'),
      ackAfterMin: 1,
    },
  ]);
  await recordPages(env.DB, [
    { incidentId: 'rep_0', userId: ana.id, at: utc('2021-01-03 23:59') }, // before the range
    { incidentId: 'rep_1', userId: ana.id, at: utc('2021-01-04 10:00') }, // Monday, in hours
    { incidentId: 'rep_2', userId: ana.id, at: utc('2021-01-05 03:00') }, // night
    { incidentId: 'rep_2', userId: ben.id, at: utc('2021-01-05 03:00') }, // night
    { incidentId: 'rep_3', userId: ana.id, at: utc('2021-01-09 12:00') }, // Saturday
    { incidentId: 'rep_4', userId: ana.id, at: utc('2021-01-12 18:00') }, // evening
    { incidentId: 'rep_4', userId: ana.id, at: utc('2021-01-14 09:00') }, // 09:00 sharp is in hours
    { incidentId: 'rep_5', userId: ben.id, at: utc('2021-01-14 09:30') }, // in hours
    { incidentId: 'rep_6', userId: ana.id, at: utc('2021-01-15 16:59') }, // last in-hours minute
    { incidentId: 'rep_6', userId: ana.id, at: utc('2021-01-15 17:00') }, // 17:00 sharp is out of hours
  ]);
  // Retried by an outbox: the same rows again change nothing.
  await recordPages(env.DB, [{ incidentId: 'rep_6', userId: ana.id, at: utc('2021-01-15 17:00') }]);
});

const report = (query: string, as: TestUser = vic) =>
  json<Report>(api(`/api/reports${query}`, { headers: as.auth }), 200);
const JANUARY = '?from=2021-01-04&to=2021-01-17';

describe('reports', () => {
  it('counts incidents in the range by severity and ISO week, excluding both ends outside it', async () => {
    const r = await report(JANUARY);
    expect(r.range).toMatchObject({
      from: utc('2021-01-04 00:00'),
      to: utc('2021-01-18 00:00'),
      zone: 'UTC',
    });
    expect(r.incidents.total).toBe(7);
    expect(r.incidents.bySeverity).toEqual({ critical: 2, error: 2, warning: 2, info: 1 });
    expect(r.incidents.byWeek).toEqual([
      {
        week: '2021-W01',
        weekStart: '2021-01-04',
        count: 3,
        bySeverity: { critical: 2, error: 1, warning: 0, info: 0 },
      },
      {
        week: '2021-W02',
        weekStart: '2021-01-11',
        count: 4,
        bySeverity: { critical: 0, error: 1, warning: 2, info: 1 },
      },
    ]);
  });

  it('computes MTTA and MTTR mean, median and p90 as worked out by hand', async () => {
    const r = await report(JANUARY);
    // MTTA over 2, 4, 6, 10, 20 min: mean 42/5 = 8.4; median 6; p90 at rank 0.9·4 = 3.6 → 10 + 0.6·(20 − 10) = 16.
    expect(r.mtta).toEqual({ count: 5, meanMs: 8.4 * MIN, medianMs: 6 * MIN, p90Ms: 16 * MIN });
    // MTTR over 5, 10, 20, 30, 60 min: mean 125/5 = 25; median 20; p90 → 30 + 0.6·(60 − 30) = 48.
    expect(r.mttr).toEqual({ count: 5, meanMs: 25 * MIN, medianMs: 20 * MIN, p90Ms: 48 * MIN });
  });

  it('interpolates the median of an even count between the two middle values', async () => {
    const r = await report(`${JANUARY}&service=svc_rep_a`);
    // Storefront MTTA over 2, 4, 6, 10: median (4 + 6) / 2 = 5; p90 at rank 2.7 → 6 + 0.7·4 = 8.8; mean 5.5.
    expect(r.mtta).toEqual({ count: 4, meanMs: 5.5 * MIN, medianMs: 5 * MIN, p90Ms: 8.8 * MIN });
    // MTTR over 10, 20, 30, 60: median 25; p90 → 30 + 0.7·30 = 51.
    expect(r.mttr).toMatchObject({ count: 4, medianMs: 25 * MIN, p90Ms: 51 * MIN });
    expect(r.incidents.total).toBe(5);
  });

  it('counts incidents resolved without an acknowledgement as their own figure, outside MTTA', async () => {
    const r = await report(JANUARY);
    // rep_5 was resolved after 5 min and never acknowledged: it is not a 0 s or 5 min acknowledgement.
    expect(r.resolvedWithoutAck).toEqual({ count: 1, resolved: 5 });
    expect(r.mtta.count).toBe(5);
  });

  it('keeps a resolve nobody acknowledged out of MTTA when it happens through the API', async () => {
    const from = Date.now() - 1000;
    const acked = await openIncident(ana, {
      title: 'Acked, then resolved',
      serviceId: 'svc_rep_live',
    });
    const straight = await openIncident(ana, {
      title: 'Resolved straight away',
      serviceId: 'svc_rep_live',
    });
    await command(ben, acked.id, 'acknowledge');
    await command(ben, acked.id, 'resolve');
    await command(ben, straight.id, 'resolve');
    const r = await report(`?from=${from}&service=svc_rep_live`);
    expect(r.resolvedWithoutAck).toEqual({ count: 1, resolved: 2 });
    expect(r.mtta.count).toBe(1);
    const csv = parseCsv(
      await (
        await api(`/api/reports/incidents.csv?from=${from}&service=svc_rep_live`, {
          headers: vic.auth,
        })
      ).text(),
    );
    const [header, ...rows] = csv;
    const ack = header!.indexOf('acknowledged_at');
    expect(Object.fromEntries(rows.map((row) => [row[2], row[ack]]))).toEqual({
      'Acked, then resolved': expect.stringMatching(/^\d{4}-/),
      'Resolved straight away': '',
    });
  });

  it('reports the share of incidents that reached escalation level 2 or higher', async () => {
    expect((await report(JANUARY)).escalation).toEqual({ escalated: 3, total: 7, rate: 3 / 7 });
  });

  it('counts pages per responder and how many fell outside 09:00–17:00 Monday to Friday (UTC)', async () => {
    const r = await report(JANUARY);
    expect(r.pagesPerResponder).toEqual([
      { userId: ana.id, name: 'Ana', pages: 7, outOfHours: 4, incidents: 5 },
      { userId: ben.id, name: 'Ben', pages: 2, outOfHours: 1, incidents: 2 },
    ]);
  });

  it('judges working hours in the zone asked for', async () => {
    // Tokyo is UTC+9: Ana's pages fall at Mon 19:00, Tue 12:00, Sat 21:00, Wed 03:00, Thu 18:00, Sat 01:59 and Sat 02:00.
    const r = await report('?from=2021-01-04T00:00:00Z&to=2021-01-18T00:00:00Z&zone=Asia/Tokyo');
    expect(r.range.zone).toBe('Asia/Tokyo');
    expect(r.pagesPerResponder.find((p) => p.userId === ana.id)).toMatchObject({
      pages: 7,
      outOfHours: 6,
    });
  });

  it('reads date-only bounds as local days in the zone asked for', async () => {
    const r = await report(`${JANUARY}&zone=Asia/Tokyo`);
    expect(r.range).toMatchObject({ from: utc('2021-01-03 15:00'), to: utc('2021-01-17 15:00') });
    // 2021-01-03 23:59 UTC is Monday 08:59 in Tokyo: now inside the range, and before working hours.
    expect(r.pagesPerResponder.find((p) => p.userId === ana.id)).toMatchObject({
      pages: 8,
      outOfHours: 7,
    });
  });

  it('ranks the noisiest services and alerts', async () => {
    const r = await report(JANUARY);
    expect(r.noisiestServices).toEqual([
      { serviceId: 'svc_rep_a', name: 'Storefront', incidents: 5, alerts: 12 },
      { serviceId: 'svc_rep_b', name: 'Batch jobs', incidents: 2, alerts: 11 },
    ]);
    expect(r.noisiestAlerts.slice(0, 2)).toEqual([
      { dedupKey: 'disk-full', title: 'Disk full on db-2', incidents: 3, alerts: 18 },
      { dedupKey: null, title: 'Latency, "p99" high\nsecond line', incidents: 1, alerts: 2 },
    ]);
  });

  it('narrows to a team: incidents a member was paged for or assigned to, and only members’ pages', async () => {
    const r = await report(`${JANUARY}&team=team_rep`);
    expect(r.incidents.total).toBe(3); // rep_2 and rep_5 paged Ben; rep_4 is assigned to him
    expect(r.pagesPerResponder.map((p) => p.name)).toEqual(['Ben']);
    expect((await api(`/api/reports${JANUARY}&team=team_nope`, { headers: vic.auth })).status).toBe(
      404,
    );
  });

  it('rejects a backwards range, an unknown zone and an unreadable date', async () => {
    for (const query of [
      '?from=2021-02-01&to=2021-01-01',
      '?zone=Mars/Olympus',
      '?from=yesterday',
    ]) {
      const res = await api(`/api/reports${query}`, { headers: vic.auth });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    }
  });

  it('exports the incidents behind the report as properly quoted CSV', async () => {
    const res = await api(`/api/reports/incidents.csv${JANUARY}`, { headers: vic.auth });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(
      'attachment; filename="incidents-2021-01-04-to-2021-01-17.csv"',
    );
    const text = await res.text();
    expect(text).toContain('"Latency, ""p99"" high\nsecond line"');
    expect(text).toContain(`,"'=HYPERLINK(""http://evil"")",`);
    const [header, ...rows] = parseCsv(text);
    expect(header?.slice(0, 4)).toEqual(['number', 'id', 'title', 'service_id']);
    expect(rows.map((r) => r[1])).toEqual([
      'rep_1',
      'rep_2',
      'rep_3',
      'rep_4',
      'rep_5',
      'rep_6',
      'rep_7',
    ]);
    const latency = Object.fromEntries(header!.map((h, i) => [h, rows[3]![i]]));
    expect(latency).toMatchObject({
      title: 'Latency, "p99" high\nsecond line',
      service: 'Storefront',
      created_at: '2021-01-12T18:00:00.000Z',
      time_to_acknowledge_s: '240',
      time_to_resolve_s: '1200',
      assignees: ben.id,
    });
    expect(text.endsWith('\r\n')).toBe(true);
  });

  it('lets a viewer read reports but not an anonymous caller', async () => {
    expect((await api('/api/reports', { headers: vic.auth })).status).toBe(200);
    expect((await api('/api/reports', { headers: ADMIN })).status).toBe(200);
    expect((await api('/api/reports')).status).toBe(401);
    expect((await api('/api/reports/incidents.csv')).status).toBe(401);
  });
});
