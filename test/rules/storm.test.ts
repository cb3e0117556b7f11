/** A storm under rules: every alert of a 200-alert group is judged once, and the outcomes add up. */
import { describe, expect, it } from 'vitest';
import { alertGroup, newIntegration, newService, onlyIncident, send } from '../ingest/support';
import { activity, saveRules, type Accepted } from './support';

describe('an alert storm under event rules', () => {
  it('judges each of 200 alerts once: dropped, suppressed, routed and passed add up to 200', async () => {
    const web = await newService('Nodes');
    const dba = await newService('DBA');
    const integration = await newIntegration(web, 'alertmanager');
    // The instance number's last digit decides: 0 dropped, 1–2 suppressed, 3 routed, the rest pass.
    const lastDigit = (digits: string) => ({
      field: 'labels.instance',
      op: 'matches' as const,
      value: `^node-\\d*[${digits}]\\.`,
    });
    await saveRules(web, [
      {
        id: 'canary',
        name: 'Drop canaries',
        condition: lastDigit('0'),
        actions: [{ type: 'drop' }],
      },
      {
        id: 'quiet',
        name: 'Quiet the spares',
        condition: lastDigit('12'),
        actions: [{ type: 'suppress' }],
      },
      {
        id: 'db',
        name: 'Route DB nodes',
        condition: lastDigit('3'),
        actions: [{ type: 'route', service_id: dba }],
      },
    ]);
    const res = await send(integration.url, alertGroup(0, 200));
    expect(res.status).toBe(202);
    const { rules } = (await res.json()) as Accepted;
    expect(rules).toMatchObject({
      judged: 200,
      dropped: 20,
      suppressed: 40,
      routed: 20,
      passed: 120,
    });
    expect(rules?.alerts).toHaveLength(200);

    expect((await onlyIncident(web)).incident.alertCount).toBe(120);
    expect((await onlyIncident(dba)).incident.alertCount).toBe(20);
    const { suppressed, drops } = await activity(web);
    expect(suppressed).toHaveLength(40);
    expect(drops).toEqual([expect.objectContaining({ ruleId: 'canary', count: 20 })]);
  });
});
