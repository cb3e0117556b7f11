import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-ignore: a plain ESM script without type declarations (its report is typed below)
import { formatReport, sweep } from '../../scripts/bad-input-sweep.mjs';
import { Firebell, freePort } from './harness';

interface Finding {
  route: string;
  variant: string;
  path: string;
  contentType: string | null;
  body: string;
  status: number | string;
  response?: string;
}
interface Report {
  sent: number;
  routes: number;
  byRoute: Record<string, Record<string, number>>;
  serverErrors: Finding[];
  connectionErrors: Finding[];
  healthFailures: number;
  healthyAtEnd: boolean;
}

let fb: Firebell;
// A real mail server that takes every message, so the email routes are swept as configured, not refused as
// "email is not configured" (503).
const smtp = new SMTPServer({
  logger: false,
  disabledCommands: ['AUTH', 'STARTTLS'],
  onData(stream, _session, cb) {
    stream.on('end', () => cb()).resume();
  },
});
beforeAll(async () => {
  const smtpPort = await freePort();
  await new Promise<void>((resolve) => smtp.listen(smtpPort, '127.0.0.1', resolve));
  // The test page's push endpoint is a closed loopback port, admitted only with the insecure outbound switch.
  fb = await Firebell.start({
    ALLOW_INSECURE_OUTBOUND: 'true',
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(smtpPort),
    SMTP_STARTTLS: 'false',
    MAIL_FROM: 'Firebell <pager@localhost>',
  });
});
afterAll(async () => {
  await fb?.dispose();
  await new Promise<void>((resolve) => smtp.close(resolve));
});

describe('bad-input sweep', () => {
  it('answers thousands of malformed requests and socket frames to every documented route, both sockets included, without a 5xx or a broken connection, and keeps answering', async () => {
    const report = (await sweep({
      origin: fb.origin,
      adminToken: fb.adminToken,
      budgetMs: 50_000,
    })) as Report;
    console.log(formatReport(report));
    expect(report.sent).toBeGreaterThan(1000);
    const spec = (
      await fb.api<{ paths: Record<string, Record<string, unknown>> }>('/api/openapi.json')
    ).body;
    const documented = Object.entries(spec.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    const swept = new Set(Object.keys(report.byRoute));
    const ingestion = (route: string) => / \/(v2|hooks)\//.test(route);
    expect(documented.filter((route) => !ingestion(route) && !swept.has(route))).toEqual([]);
    expect([...swept].filter((route) => route.startsWith('WS '))).toEqual([
      'WS /api/incidents/{id}/live',
      'WS /api/feed/live',
    ]);
    expect(
      report.serverErrors.map((f) => `${f.status} ${f.route} [${f.variant}]: ${f.response ?? ''}`),
    ).toEqual([]);
    expect(
      report.connectionErrors.map(
        (f) => `${f.status} ${f.route} [${f.variant}]: ${f.response ?? ''}`,
      ),
    ).toEqual([]);
    expect(report.healthFailures).toBe(0);
    expect(report.healthyAtEnd).toBe(true);
  }, 150_000);
});
