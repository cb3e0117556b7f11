/**
 * Event rules: conditions over the normalized alert choose what happens to it (page, route, suppress, drop) and
 * actions change it (severity, title, labels, dedup key). Plain Node: the evaluator is pure.
 */
import { describe, expect, it } from 'vitest';
import type { AlertEvent } from '../../schema/alert';
import { ruleSetSchema, type RuleInput } from '../../schema/rule-schemas';
import { applyRules, compileRules } from '../../worker/rules/evaluate';

const alert = (over: Partial<AlertEvent> = {}): AlertEvent => ({
  action: 'trigger',
  dedupKey: 'db-1/disk',
  alertKey: 'db-1/disk',
  summary: 'Disk almost full on db-1',
  truncated: false,
  severity: 'warning',
  source: 'db-1.eu-west',
  details: { host: 'db-1', disk: { mount: '/var', used: 93 }, tags: ['prod', 'db'] },
  labels: { alertname: 'DiskFull', team: 'dba', severity: 'page' },
  annotations: { runbook: 'https://wiki.example.com/disk' },
  links: [],
  ...over,
});
const ctx = { integrationType: 'alertmanager' };

/** Rules as an admin sends them, parsed by the wire schema (defaults filled in). */
const rules = (...list: RuleInput[]) => ruleSetSchema.parse({ rules: list }).rules;
const run = (list: RuleInput[], a: AlertEvent = alert()) =>
  applyRules(compileRules(rules(...list)), a, ctx);

describe('smoke', () => {
  it('a matching rule routes the alert', async () => {
    const out = await run([
      {
        id: 'db',
        name: 'Database alerts to the DBAs',
        condition: { field: 'labels.team', op: 'equals', value: 'dba' },
        actions: [{ type: 'route', service_id: 'svc-dba' }],
      },
    ]);
    expect(out.verdict).toEqual({ route: 'svc-dba' });
    expect(out.matched).toEqual([{ id: 'db', name: 'Database alerts to the DBAs' }]);
  });
});
