import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Incident, TimelineEntry } from '../../schema/incident';
import { Firebell, until } from './harness';

let fb: Firebell;
beforeAll(async () => {
  fb = await Firebell.start();
});
afterAll(async () => {
  await fb?.dispose();
});

async function invite(name: string): Promise<string> {
  const { body } = await fb.api<{ token: string }>('/api/auth/invites', {
    body: { role: 'responder' },
  });
  const res = await fetch(`${fb.origin}/api/auth/accept`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: body.token, name }),
  });
  return ((await res.json()) as { user: { id: string } }).user.id;
}

const timeline = async (id: string) =>
  (await fb.api<{ timeline: TimelineEntry[] }>(`/api/incidents/${id}`)).body.timeline;
const escalations = (entries: TimelineEntry[], level: number) =>
  entries.filter((e) => e.text.startsWith(`Escalated to level ${level}:`));

describe('escalation across a server restart', () => {
  it('escalates to level 2 exactly once when the server was down while the delay ran out', async () => {
    const ana = await invite('Ana');
    const ben = await invite('Ben');
    const delayMs = 4_000;
    const policy = await fb.api<{ policy: { id: string } }>('/api/policies', {
      body: {
        name: 'Fast',
        levels: [
          { delayMinutes: delayMs / 60_000, targets: [{ type: 'user', id: ana }] },
          { delayMinutes: 60, targets: [{ type: 'user', id: ben }] },
        ],
      },
    });
    expect(policy.status).toBe(201);
    const service = await fb.api<{ service: { id: string } }>('/api/services', {
      body: { name: 'checkout', policyId: policy.body.policy.id },
    });
    expect(service.status).toBe(201);

    const opened = await fb.api<{ incident: Incident }>('/api/incidents', {
      body: { title: 'Checkout down', serviceId: service.body.service.id, severity: 'critical' },
    });
    const id = opened.body.incident.id;
    const level1 = await until(
      async () => escalations(await timeline(id), 1)[0],
      'level 1 to be paged',
    );

    // Down before the delay runs out, back after it did: the alarm that came due while stopped must fire once.
    await fb.stop('SIGTERM');
    await until(
      () => Date.now() > level1.at + delayMs + 500,
      'the level-1 delay to run out while the server is down',
      delayMs + 5_000,
    );
    await fb.boot();

    await until(
      async () => escalations(await timeline(id), 2).length > 0,
      'level 2 to be paged after the restart',
    );
    // A second restart must not repeat the step either.
    await fb.restart('SIGKILL');
    const entries = await until(async () => {
      const all = await timeline(id);
      return all.length ? all : undefined;
    }, 'the incident to answer after the second restart');
    expect(escalations(entries, 1)).toHaveLength(1);
    expect(escalations(entries, 2)).toHaveLength(1);
    expect(escalations(entries, 2)[0]?.text).toBe('Escalated to level 2: Ben');
  });
});
