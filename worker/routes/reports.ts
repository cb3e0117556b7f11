/** /api/reports: trends over the incident index for a time range, and the incidents behind them as CSV. */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env';
import { requireRole } from '../auth/middleware';
import { now } from '../clock';
import { buildReport, incidentsPage, type CsvIncidentRow } from '../directory/reports';
import { teamExists } from '../directory/teams';
import { validationHook } from '../edge';
import { notFound } from '../errors';
import { csvRow } from '../review/csv';
import { offsetSegments } from '../review/hours';
import { parseRange } from '../review/range';
import { reportQuerySchema, reportSchema } from '../../schema/report-schemas';
import { bearer, problems } from './openapi-shared';

export const reports = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

type ReportQuery = z.infer<typeof reportQuerySchema>;

async function scopeOf(c: Context<AppEnv>, q: ReportQuery) {
  const range = parseRange(q, now());
  if (q.team && !(await teamExists(c.env.DB, q.team))) throw notFound(`No team ${q.team}.`);
  return {
    range,
    filter: { from: range.from, to: range.to, serviceId: q.service, teamId: q.team },
  };
}

reports.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: ['reports'],
    summary:
      'Incident counts, MTTA/MTTR (mean, median, p90), escalation rate, pages per responder, noisiest services and alerts',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    request: { query: reportQuerySchema },
    responses: {
      200: { description: 'The report', content: { 'application/json': { schema: reportSchema } } },
      400: problems[400],
      401: problems[401],
      404: problems[404],
    },
  }),
  async (c) => {
    const q = c.req.valid('query');
    const { range, filter } = await scopeOf(c, q);
    const report = await buildReport(c.env.DB, {
      ...filter,
      segments: offsetSegments(range.zone, range.from, range.to),
    });
    return c.json(
      {
        range: {
          from: range.from,
          to: range.to,
          zone: range.zoneName,
          serviceId: q.service ?? null,
          teamId: q.team ?? null,
          outOfHours: `outside 09:00–17:00 Monday to Friday, ${range.zoneName}`,
        },
        ...report,
      },
      200,
    );
  },
);

const CSV_COLUMNS = [
  'number',
  'id',
  'title',
  'service_id',
  'service',
  'severity',
  'status',
  'created_at',
  'acknowledged_at',
  'resolved_at',
  'time_to_acknowledge_s',
  'time_to_resolve_s',
  'escalation_level',
  'alert_count',
  'nobody_paged',
  'dedup_key',
  'assignees',
];
const PAGE = 1000;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const seconds = (from: number, to: number | null) =>
  to === null ? null : Math.round((to - from) / 1000);

function toCsv(r: CsvIncidentRow): string {
  return csvRow([
    r.number,
    r.id,
    r.title,
    r.service_id,
    r.service_name,
    r.severity,
    r.status,
    iso(r.created_at),
    iso(r.acknowledged_at),
    iso(r.resolved_at),
    seconds(r.created_at, r.acknowledged_at),
    seconds(r.created_at, r.resolved_at),
    r.escalation_level,
    r.alert_count,
    r.nobody_paged === 1,
    r.dedup_key,
    (JSON.parse(r.assignees) as string[]).join(' '),
  ]);
}

reports.openapi(
  createRoute({
    method: 'get',
    path: '/incidents.csv',
    tags: ['reports'],
    summary: 'The incidents in the range as CSV (RFC 4180), oldest first',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    request: { query: reportQuerySchema },
    responses: {
      200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } },
      400: problems[400],
      401: problems[401],
      404: problems[404],
    },
  }),
  async (c) => {
    const { range, filter } = await scopeOf(c, c.req.valid('query'));
    const db = c.env.DB;
    const encoder = new TextEncoder();
    let after: { createdAt: number; id: string } | null = null;
    let header = true;
    // Streamed a page at a time by keyset, so a year of incidents never sits in memory at once.
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const rows = await incidentsPage(db, filter, after, PAGE);
        const text = (header ? csvRow(CSV_COLUMNS) : '') + rows.map(toCsv).join('');
        header = false;
        if (text) controller.enqueue(encoder.encode(text));
        const last = rows[rows.length - 1];
        if (rows.length < PAGE || !last) controller.close();
        else after = { createdAt: last.created_at, id: last.id };
      },
    });
    const name = `incidents-${iso(range.from)?.slice(0, 10)}-to-${iso(range.to - 1)?.slice(0, 10)}.csv`;
    return c.body(body, 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${name}"`,
    });
  },
);
