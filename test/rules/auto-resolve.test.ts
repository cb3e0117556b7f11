import { env, runDurableObjectAlarm } from 'cloudflare:test';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { incidentStub } from '../../worker/stubs';
import { controlClock } from '../escalation/setup';
import { onlyIncident, serviceWith } from '../ingest/support';
import { alert, saveRules } from './support';

let clock: ReturnType<typeof controlClock>;
beforeEach(() => {
  clock = controlClock();
});
afterEach(() => clock.restore());

describe('an auto_resolve rule', () => {
  it('resolves the incident 30 minutes after its last alert, each new alert moving the deadline', async () => {
    const { serviceId, integration } = await serviceWith('generic');
    await saveRules(serviceId, [
      {
        id: 'flappy',
        name: 'Flapping checks resolve themselves',
        condition: { field: 'source', op: 'equals', value: 'synthetics' },
        actions: [{ type: 'auto_resolve', after_minutes: 30 }],
      },
    ]);
    const body = { summary: 'Login check slow', source: 'synthetics', dedup_key: 'login' };
    const id = (await alert(integration.url, body)).incidents[0]?.incidentId as string;
    clock.advanceMinutes(20);
    await alert(integration.url, body);
    clock.advanceMinutes(29);
    await runDurableObjectAlarm(incidentStub(env, id));
    expect((await onlyIncident(serviceId)).incident.status).toBe('triggered');

    clock.advanceMinutes(1);
    await runDurableObjectAlarm(incidentStub(env, id));
    const { incident, timeline } = await onlyIncident(serviceId);
    expect(incident.status).toBe('resolved');
    expect(timeline.map((e) => e.text)).toContain(
      'Resolved by Firebell: no new alert for 30 minutes (event rule auto_resolve)',
    );
  });
});
