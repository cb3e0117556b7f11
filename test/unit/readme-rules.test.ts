/** The README's example rules are rules Firebell accepts, and they do what the README says. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AlertEvent } from '../../schema/alert';
import { ruleSetSchema } from '../../schema/rule-schemas';
import { ruleErrors } from '../../worker/rules/check';
import { applyRules, compileRules } from '../../worker/rules/evaluate';

const readme = readFileSync('README.md', 'utf8');
const section = readme.slice(readme.indexOf('### Event rules'), readme.indexOf('### Paging'));
const example = /```json\n([\s\S]*?)```/.exec(section)?.[1] ?? '';

const alert = (over: Partial<AlertEvent>): AlertEvent => ({
  action: 'trigger',
  dedupKey: 'k',
  alertKey: 'k',
  summary: 'Something',
  truncated: false,
  severity: 'warning',
  links: [],
  ...over,
});

describe("the README's event rules", () => {
  const ruleSet = ruleSetSchema.parse(JSON.parse(example));
  const compiled = compileRules(ruleSet.rules);
  const judge = (a: AlertEvent) => applyRules(compiled, a, { integrationType: 'alertmanager' });

  it('pass the schema and the save check', () => {
    expect(ruleErrors(ruleSet, { serviceId: 'svc_web', routesOf: () => [] })).toEqual([]);
  });

  it('route database alerts to the DBA service, raised to critical when labelled severity=page', async () => {
    const out = await judge(
      alert({ summary: 'Replica lag 40s', labels: { job: 'postgres', severity: 'page' } }),
    );
    expect(out.verdict).toEqual({ route: 'svc_dba' });
    expect(out.alert.severity).toBe('critical');
    expect(out.matched.map((r) => r.id)).toEqual(['page', 'dba']);
  });

  it('drop the noisy check unless it is critical', async () => {
    expect((await judge(alert({ source: 'ping-eu-3' }))).verdict).toBe('drop');
    expect((await judge(alert({ source: 'ping-eu-3', severity: 'critical' }))).verdict).toBe(
      'page',
    );
  });
});
