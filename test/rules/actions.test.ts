import { describe, expect, it } from 'vitest';
import {
  newIntegration,
  newService,
  onlyIncident,
  serviceIncidents,
  serviceWith,
} from '../ingest/support';
import { activity, alert, saveRules } from './support';

describe('event rules', () => {
  it('a rule raises a database alert to critical, and the incident shows it and names the rule', async () => {
    const { serviceId, integration } = await serviceWith('generic');
    await saveRules(serviceId, [
      {
        id: 'db-critical',
        name: 'Database alerts are critical',
        condition: { field: 'summary', op: 'contains', value: 'database' },
        actions: [{ type: 'set_severity', severity: 'critical' }],
      },
    ]);
    const answer = await alert(integration.url, {
      summary: 'Database replica lag 40s',
      severity: 'warning',
    });
    expect(answer.rules?.alerts).toEqual([
      expect.objectContaining({
        outcome: 'passed',
        rules: [{ id: 'db-critical', name: 'Database alerts are critical' }],
      }),
    ]);
    const { incident, alerts, timeline } = await onlyIncident(serviceId);
    expect(incident.severity).toBe('critical');
    expect(alerts[0]?.rules).toEqual([{ id: 'db-critical', name: 'Database alerts are critical' }]);
    expect(timeline[0]?.text).toContain('Rules matched: Database alerts are critical');
  });

  it('stops at the first rule that matches, unless that rule says continue', async () => {
    const { serviceId, integration } = await serviceWith('generic');
    const rules = (goOn: boolean) => [
      {
        id: 'db',
        name: 'Database host',
        condition: { field: 'source', op: 'equals' as const, value: 'db-1' },
        actions: [{ type: 'set_severity' as const, severity: 'critical' as const }],
        continue: goOn,
      },
      {
        id: 'lag-title',
        name: 'Lag title',
        condition: { field: 'summary', op: 'contains' as const, value: 'lag' },
        actions: [{ type: 'set_title' as const, template: '{{ source }}: {{ summary }}' }],
      },
    ];
    await saveRules(serviceId, rules(false));
    const first = await alert(integration.url, {
      summary: 'Replica lag',
      source: 'db-1',
      dedup_key: 'a',
    });
    expect(first.rules?.alerts[0]?.rules.map((r) => r.id)).toEqual(['db']);

    await saveRules(serviceId, rules(true));
    const second = await alert(integration.url, {
      summary: 'Replica lag',
      source: 'db-1',
      dedup_key: 'b',
    });
    expect(second.rules?.alerts[0]?.rules.map((r) => r.id)).toEqual(['db', 'lag-title']);

    const titles = (await serviceIncidents(serviceId)).map((i) => [i.title, i.severity]).sort();
    expect(titles).toEqual([
      ['Replica lag', 'critical'],
      ['db-1: Replica lag', 'critical'],
    ]);
  });

  it('suppresses staging alerts: recorded with the rule, no incident, nobody paged', async () => {
    const { serviceId, integration } = await serviceWith('generic');
    await saveRules(serviceId, [
      {
        id: 'staging',
        name: 'Quiet staging',
        condition: { field: 'details.env', op: 'equals', value: 'staging' },
        actions: [{ type: 'suppress' }],
      },
    ]);
    const answer = await alert(integration.url, {
      summary: 'Disk 91% on stg-web-1',
      details: { env: 'staging' },
    });
    expect(answer.incidents).toEqual([]);
    expect(answer.rules).toMatchObject({ judged: 1, suppressed: 1, passed: 0 });
    expect(answer.rules?.alerts[0]).toMatchObject({ outcome: 'suppressed', serviceId });
    expect(await serviceIncidents(serviceId)).toEqual([]);
    const { suppressed, drops } = await activity(serviceId);
    expect(suppressed).toEqual([
      expect.objectContaining({
        summary: 'Disk 91% on stg-web-1',
        rules: [{ id: 'staging', name: 'Quiet staging' }],
      }),
    ]);
    expect(drops).toEqual([]);

    // A production alert still opens its incident.
    await alert(integration.url, { summary: 'Disk 91% on web-1', details: { env: 'production' } });
    expect((await onlyIncident(serviceId)).incident.title).toBe('Disk 91% on web-1');
  });

  it('drops a noisy check and counts each drop against its rule', async () => {
    const { serviceId, integration } = await serviceWith('generic');
    await saveRules(serviceId, [
      {
        id: 'heartbeat',
        name: 'Drop heartbeats',
        condition: { field: 'summary', op: 'matches', value: '^heartbeat\\b' },
        actions: [{ type: 'drop' }],
      },
    ]);
    for (const n of [1, 2, 3]) {
      const answer = await alert(integration.url, { summary: `heartbeat ${n}` });
      expect(answer.rules?.alerts[0]?.outcome).toBe('dropped');
    }
    expect(await serviceIncidents(serviceId)).toEqual([]);
    const { suppressed, drops } = await activity(serviceId);
    expect(suppressed).toEqual([]);
    expect(drops).toEqual([
      expect.objectContaining({ ruleId: 'heartbeat', name: 'Drop heartbeats', count: 3 }),
    ]);
  });

  it('routes database alerts to the DBA service, which opens the incident and shows the rule', async () => {
    const { serviceId: web, integration } = await serviceWith('generic');
    const dba = await newService('DBA');
    await saveRules(web, [
      {
        id: 'to-dba',
        name: 'Route DB alerts',
        condition: {
          any: [
            { field: 'summary', op: 'contains', value: 'postgres' },
            { field: 'source', op: 'in', value: ['db-1', 'db-2'] },
          ],
        },
        actions: [{ type: 'route', service_id: dba }],
      },
    ]);
    const answer = await alert(integration.url, { summary: 'Connections at 95%', source: 'db-2' });
    expect(answer.rules?.alerts[0]).toMatchObject({
      outcome: 'routed',
      serviceId: dba,
      then: 'passed',
      rules: [{ id: 'to-dba', name: 'Route DB alerts' }],
    });
    expect(await serviceIncidents(web)).toEqual([]);
    const { incident, timeline } = await onlyIncident(dba);
    expect(incident.id).toBe(answer.incidents[0]?.incidentId);
    expect(timeline[0]?.text).toContain('Rules matched: Route DB alerts');
  });

  it('groups two alerts from one host into one incident with a dedup key made from a template', async () => {
    const { serviceId, integration } = await serviceWith('generic');
    await saveRules(serviceId, [
      {
        id: 'by-host',
        name: 'One incident per host',
        condition: { field: 'source', op: 'exists' },
        actions: [{ type: 'set_dedup_key', template: 'host-{{ source }}' }],
      },
    ]);
    const a = await alert(integration.url, {
      summary: 'CPU 99%',
      source: 'web-7',
      dedup_key: 'cpu',
    });
    const b = await alert(integration.url, {
      summary: 'Swap full',
      source: 'web-7',
      dedup_key: 'swap',
    });
    expect(a.incidents[0]).toMatchObject({ dedupKey: 'host-web-7', result: 'opened' });
    expect(b.incidents[0]).toMatchObject({
      dedupKey: 'host-web-7',
      result: 'appended',
      incidentId: a.incidents[0]?.incidentId,
    });
    const { incident, timeline } = await onlyIncident(serviceId);
    expect(incident.alertCount).toBe(2);
    expect(timeline.map((e) => e.text)).toContain(
      'Alert: Swap full. Rules matched: One incident per host',
    );
  });

  it('refuses at run time to route an alert past a third service, and pages where it is with a note', async () => {
    const services = [await newService('A')];
    for (const name of ['B', 'C', 'D', 'E']) services.push(await newService(name));
    const integration = await newIntegration(services[0] as string, 'generic');
    // Saved from the end, so every target exists: A → B → C → D → E has no loop, only too many hops.
    for (let i = services.length - 2; i >= 0; i--)
      await saveRules(services[i] as string, [
        {
          id: `next-${i}`,
          name: `Onward ${i}`,
          condition: { field: 'summary', op: 'exists' },
          actions: [{ type: 'route', service_id: services[i + 1] as string }],
        },
      ]);
    const answer = await alert(integration.url, { summary: 'Passed around' });
    const d = services[3] as string;
    expect(answer.rules?.alerts[0]).toMatchObject({
      outcome: 'routed',
      serviceId: d,
      then: 'passed',
      notes: [expect.stringContaining('already passed 3 services')],
    });
    expect((await onlyIncident(d)).alerts[0]?.rules?.map((r) => r.id)).toEqual([
      'next-0',
      'next-1',
      'next-2',
      'next-3',
    ]);
    expect(await serviceIncidents(services[4] as string)).toEqual([]);
  });
});
