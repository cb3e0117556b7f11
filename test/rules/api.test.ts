import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { ADMIN, api, createUser, json } from '../helpers';
import { expectProblem, newService, serviceIncidents, serviceWith } from '../ingest/support';
import { alert, putRules, saveRules } from './support';

const routeTo = (id: string, target: string) => ({
  id,
  name: `Route to ${target}`,
  condition: { field: 'summary', op: 'contains' as const, value: 'db' },
  actions: [{ type: 'route' as const, service_id: target }],
});

describe('the event rules API', () => {
  it('refuses a rule that would route alerts in a loop, naming the field and the path', async () => {
    const a = await newService('Web');
    const b = await newService('DBA');
    await saveRules(a, [routeTo('to-dba', b)]);
    const res = await putRules(b, [routeTo('back', a)]);
    expect(res.status).toBe(400);
    const problem = await expectProblem(res);
    expect(problem.errors).toEqual([
      expect.objectContaining({
        path: 'rules.0.actions.0.service_id',
        message: expect.stringContaining(`${b} → ${a} → ${b}`),
      }),
    ]);
    // Nothing was saved: the DBA service still has no rules.
    expect(await json(api(`/api/services/${b}/rules`, { headers: ADMIN }), 200)).toMatchObject({
      rules: [],
      version: 0,
    });
  });

  it('refuses a route to a service that does not exist, and lets only admins save rules', async () => {
    const a = await newService('Web');
    const res = await putRules(a, [routeTo('nowhere', 'svc_missing')]);
    expect(res.status).toBe(400);
    expect((await expectProblem(res)).errors).toContainEqual({
      path: 'rules.0.actions.0.service_id',
      message: 'no service svc_missing',
    });
    const responder = await createUser('Rosa');
    const forbidden = await api(`/api/services/${a}/rules`, {
      method: 'PUT',
      body: { rules: [] },
      headers: responder.auth,
    });
    expect(forbidden.status).toBe(403);
  });

  it('applies rules saved through the API from the next alert on, with the version bumped', async () => {
    const { serviceId, integration } = await serviceWith('generic');
    const severity = (s: 'critical' | 'info') => [
      {
        id: 'sev',
        name: `Everything ${s}`,
        condition: { field: 'summary', op: 'exists' as const },
        actions: [{ type: 'set_severity' as const, severity: s }],
      },
    ];
    expect(await saveRules(serviceId, severity('critical'))).toBe(1);
    const first = await alert(integration.url, { summary: 'One', dedup_key: 'one' });
    expect(first.rules?.version).toBe(1);
    expect(await saveRules(serviceId, severity('info'))).toBe(2);
    const second = await alert(integration.url, { summary: 'Two', dedup_key: 'two' });
    expect(second.rules?.version).toBe(2);
    const bySummary = Object.fromEntries(
      (await serviceIncidents(serviceId)).map((i) => [i.title, i.severity]),
    );
    expect(bySummary).toEqual({ One: 'critical', Two: 'info' });
    expect(
      await json(api(`/api/services/${serviceId}/rules`, { headers: ADMIN }), 200),
    ).toMatchObject({ version: 2, rules: [expect.objectContaining({ name: 'Everything info' })] });
  });

  it('previews rules on the payloads the service recorded, newest first, without saving them', async () => {
    const { serviceId, integration } = await serviceWith('generic');
    await alert(integration.url, { summary: 'Disk full on stg-1', details: { env: 'staging' } });
    await alert(integration.url, { summary: 'Disk full on web-1', details: { env: 'production' } });
    const res = await api(`/api/services/${serviceId}/rules/preview`, {
      body: {
        rules: [
          {
            id: 'staging',
            name: 'Quiet staging',
            condition: { field: 'details.env', op: 'equals', value: 'staging' },
            actions: [{ type: 'suppress' }],
          },
        ],
      },
      headers: ADMIN,
    });
    const preview = await json<{
      results: {
        integrationId: string;
        error: string | null;
        alerts: { outcome: string; matched: { id: string }[]; alert: { summary: string } }[];
      }[];
    }>(res, 200);
    expect(preview.results.map((r) => [r.integrationId, r.error])).toEqual([
      [integration.id, null],
      [integration.id, null],
    ]);
    expect(
      preview.results.map((r) =>
        r.alerts.map((a) => [a.alert.summary, a.outcome, a.matched.length]),
      ),
    ).toEqual([[['Disk full on web-1', 'passed', 0]], [['Disk full on stg-1', 'suppressed', 1]]]);
    // Nothing was saved.
    expect(
      await json(api(`/api/services/${serviceId}/rules`, { headers: ADMIN }), 200),
    ).toMatchObject({ version: 0 });
  });

  it('a router that never had rules (as after a deploy) reads them from D1 once, then applies them', async () => {
    const { serviceId, integration } = await serviceWith('generic');
    const rules = [
      {
        id: 'info',
        name: 'Batch jobs are info',
        enabled: true,
        continue: false,
        condition: { field: 'source', op: 'equals', value: 'cron' },
        actions: [{ type: 'set_severity', severity: 'info' }],
      },
    ];
    // Written straight to D1, as rules saved before this router existed would be.
    await env.DB.prepare(
      'INSERT INTO service_rules (service_id, rules, version, updated_at) VALUES (?, ?, 7, ?)',
    )
      .bind(serviceId, JSON.stringify({ rules }), Date.now())
      .run();
    const answer = await alert(integration.url, {
      summary: 'Nightly export failed',
      source: 'cron',
    });
    expect(answer.rules).toMatchObject({ version: 7, passed: 1 });
    expect((await serviceIncidents(serviceId))[0]?.severity).toBe('info');
  });

  it('keeps a service that rules route to from being deleted, and documents the rules endpoints', async () => {
    const a = await newService('Web');
    const b = await newService('DBA');
    await saveRules(a, [routeTo('to-dba', b)]);
    const res = await api(`/api/services/${b}`, { method: 'DELETE', headers: ADMIN });
    expect(res.status).toBe(409);
    expect((await expectProblem(res)).detail).toContain(`“Route to ${b}” of ${a}`);

    const doc = await json<{ paths: Record<string, Record<string, unknown>> }>(
      api('/api/openapi.json'),
      200,
    );
    expect(Object.keys(doc.paths['/api/services/{id}/rules'] ?? {}).sort()).toEqual(['get', 'put']);
    expect(doc.paths['/api/services/{id}/rules/preview']).toHaveProperty('post');
    expect(doc.paths['/api/services/{id}/suppressed']).toHaveProperty('get');
  });
  it('saves a full set of 100 rules whose JSON is over 64 KB, and refuses one over 512 KB with 413', async () => {
    const a = await newService('Noisy');
    const rule = (i: number, note: string) => ({
      id: `rule-${i}`,
      name: `Annotate check ${i}`,
      condition: { field: 'summary', op: 'contains' as const, value: `check-${i}` },
      actions: [{ type: 'add_note' as const, text: note }],
      continue: true,
    });
    const rules = Array.from({ length: 100 }, (_, i) =>
      rule(i, `Runbook hint ${i}: `.padEnd(900, 'x')),
    );
    expect(JSON.stringify({ rules }).length).toBeGreaterThan(64 * 1024);
    const saved = await putRules(a, rules);
    expect(saved.status).toBe(200);
    expect(await json(api(`/api/services/${a}/rules`, { headers: ADMIN }), 200)).toMatchObject({
      version: 1,
      rules: expect.arrayContaining([expect.objectContaining({ id: 'rule-99' })]),
    });
    const huge = Array.from({ length: 100 }, (_, i) => ({
      ...rule(i, 'n'.padEnd(1000, 'n')),
      actions: Array.from({ length: 6 }, () => ({
        type: 'add_note' as const,
        text: 'n'.padEnd(1000, 'n'),
      })),
    }));
    const refused = await putRules(a, huge);
    expect(refused.status).toBe(413);
    expect((await expectProblem(refused)).detail).toContain('512 KB');
    // Other service routes keep their 64 KB limit.
    const big = await api(`/api/services/${a}`, {
      method: 'PATCH',
      body: { name: 'x'.repeat(70 * 1024) },
      headers: ADMIN,
    });
    expect(big.status).toBe(413);
  });
});
