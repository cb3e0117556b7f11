/**
 * A year of incidents: 10,000 rows generated into the D1 index (plus 15,000 pages), then the report and
 * the CSV export timed through real requests. Prints the milliseconds; the bound is loose on purpose,
 * to catch a lost index (a full scan per query) rather than to benchmark the machine.
 */
import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { recordPages, type PageRecord } from '../../worker/directory/reports';
import { ADMIN, api, json } from '../helpers';
import { insertIncidents, type IndexRow } from './fixtures';

const COUNT = 10_000;
const YEAR_START = Date.parse('2023-01-01T00:00:00Z');
const YEAR = 365 * 86_400_000;
const SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;

/** A small deterministic generator, so every run times the same data. */
function lcg(seed: number) {
  let s = seed;
  return () => (s = (s * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
}

beforeAll(async () => {
  const rand = lcg(7);
  const rows: IndexRow[] = [];
  const pages: PageRecord[] = [];
  for (let i = 0; i < COUNT; i++) {
    const createdAt = YEAR_START + Math.floor(rand() * YEAR);
    const acked = rand() < 0.9;
    rows.push({
      id: `perf_${i}`,
      number: 100_000 + i,
      title: `Alert ${Math.floor(rand() * 200)}`,
      serviceId: `svc_perf_${Math.floor(rand() * 25)}`,
      severity: SEVERITIES[Math.floor(rand() * 4)]!,
      createdAt,
      ackAfterMin: acked ? Math.floor(rand() * 30) : undefined,
      resolveAfterMin: acked ? 30 + Math.floor(rand() * 300) : undefined,
      escalationLevel: Math.floor(rand() * 4),
      alertCount: 1 + Math.floor(rand() * 20),
      dedupKey: `key-${Math.floor(rand() * 300)}`,
    });
    pages.push({
      incidentId: `perf_${i}`,
      userId: `usr_perf_${Math.floor(rand() * 12)}`,
      at: createdAt,
    });
    if (i % 2 === 0)
      pages.push({
        incidentId: `perf_${i}`,
        userId: `usr_perf_${Math.floor(rand() * 12)}`,
        at: createdAt + 5 * 60_000,
      });
  }
  const t0 = performance.now();
  await insertIncidents(rows, 1000);
  for (let i = 0; i < pages.length; i += 1000) await recordPages(env.DB, pages.slice(i, i + 1000));
  console.log(
    `perf: inserted ${COUNT} incidents and ${pages.length} pages in ${Math.round(performance.now() - t0)} ms`,
  );
}, 120_000);

const timed = async <T>(
  label: string,
  run: () => Promise<T>,
): Promise<{ ms: number; value: T }> => {
  await run(); // warm: first-query compilation is not what we are measuring
  const samples: number[] = [];
  let value!: T;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    value = await run();
    samples.push(performance.now() - t);
  }
  const ms = Math.round(samples.sort((a, b) => a - b)[2]!);
  console.log(
    `perf: ${label}: median ${ms} ms over 5 runs (${samples.map(Math.round).join(', ')})`,
  );
  return { ms, value };
};

describe('report performance', () => {
  it('reports on a year of 10,000 incidents in well under a second', async () => {
    const { ms, value } = await timed('GET /api/reports for the whole year', () =>
      json<{
        incidents: { total: number; byWeek: unknown[] };
        mttr: { count: number };
        pagesPerResponder: unknown[];
      }>(api('/api/reports?from=2023-01-01&to=2023-12-31', { headers: ADMIN }), 200),
    );
    expect(value.incidents.total).toBe(COUNT);
    expect(value.incidents.byWeek.length).toBeGreaterThanOrEqual(52);
    expect(value.pagesPerResponder).toHaveLength(12);
    expect(ms).toBeLessThan(1000);
    await timed('GET /api/reports for one service, one quarter', () =>
      json(
        api('/api/reports?from=2023-04-01&to=2023-06-30&service=svc_perf_3&zone=Europe/Berlin', {
          headers: ADMIN,
        }),
        200,
      ),
    );
  });

  it('exports the year as CSV, streamed a page at a time', async () => {
    const { value } = await timed('GET /api/reports/incidents.csv for the whole year', async () =>
      (
        await api('/api/reports/incidents.csv?from=2023-01-01&to=2023-12-31', { headers: ADMIN })
      ).text(),
    );
    expect(value.split('\r\n').filter(Boolean)).toHaveLength(COUNT + 1);
  });

  it('answers the range filters from indexes, not table scans', async () => {
    const plan = async (sql: string) =>
      (
        await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`).bind(1, 2).all<{ detail: string }>()
      ).results
        .map((r) => r.detail)
        .join(' | ');
    expect(
      await plan(
        'SELECT severity, COUNT(*) FROM incidents WHERE created_at >= ? AND created_at < ? GROUP BY severity',
      ),
    ).toMatch(/USING COVERING INDEX incidents_report/);
    expect(
      await plan('SELECT user_id, COUNT(*) FROM pages WHERE at >= ? AND at < ? GROUP BY user_id'),
    ).toMatch(/USING (COVERING )?INDEX pages_at/);
  });
});
