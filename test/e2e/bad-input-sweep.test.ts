import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-ignore: a plain ESM script without type declarations (its report is typed below)
import { formatReport, sweep } from '../../scripts/bad-input-sweep.mjs';
import { Firebell } from './harness';

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
  serverErrors: Finding[];
  connectionErrors: Finding[];
  healthFailures: number;
  healthyAtEnd: boolean;
}

let fb: Firebell;
beforeAll(async () => {
  fb = await Firebell.start();
});
afterAll(async () => {
  await fb?.dispose();
});

describe('bad-input sweep', () => {
  it('answers thousands of malformed requests to every ingestion and API route without a single 5xx, and keeps answering', async () => {
    const report = (await sweep({ origin: fb.origin, adminToken: fb.adminToken, budgetMs: 50_000 })) as Report;
    console.log(formatReport(report));
    expect(report.sent).toBeGreaterThan(1000);
    expect(report.routes).toBeGreaterThan(40);
    expect(report.serverErrors.map((f) => `${f.status} ${f.route} [${f.variant}]: ${f.response ?? ''}`)).toEqual([]);
    expect(report.healthFailures).toBe(0);
    expect(report.healthyAtEnd).toBe(true);
  }, 120_000);
});
