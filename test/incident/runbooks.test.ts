import { describe, expect, it } from 'vitest';
import type { IncidentRunbook, Runbook, RunbookInput } from '../../schema/runbook-schemas';
import type { ReviewFacts } from '../../schema/review';
import {
  ADMIN,
  LiveClient,
  api,
  command,
  createUser,
  json,
  openIncident,
  timeline,
} from '../helpers';
import { expectProblem, onlyIncident, serviceWith } from '../ingest/support';
import { alert, putRules, saveRules } from '../rules/support';

const FAILOVER: RunbookInput = {
  name: 'Database failover',
  body: 'Check the [dashboard](https://grafana.example/d/db?var-host={{ details.host }}) first.',
  steps: [
    {
      text: 'Check replication lag',
      link: 'https://grafana.example/d/db?var-host={{ details.host }}',
    },
    { text: 'Page the DBA' },
    {
      text: 'Fail over the primary',
      link: 'https://console.example/{{ details.region }}/failover',
    },
  ],
};

const createRunbook = (serviceId: string, body: unknown = FAILOVER) =>
  api(`/api/services/${serviceId}/runbooks`, { body, headers: ADMIN });

async function newRunbook(serviceId: string, body: RunbookInput = FAILOVER): Promise<Runbook> {
  return json<Runbook>(createRunbook(serviceId, body), 201);
}

async function incidentRunbook(id: string): Promise<IncidentRunbook | null> {
  return (
    await json<{ runbook: IncidentRunbook | null }>(
      api(`/api/incidents/${id}/runbook`, { headers: ADMIN }),
      200,
    )
  ).runbook;
}

const setDefault = (serviceId: string, runbookId: string | null) =>
  api(`/api/services/${serviceId}/default-runbook`, {
    method: 'PUT',
    body: { runbookId },
    headers: ADMIN,
  });

describe('runbooks', () => {
  it('an admin creates, lists, edits and deletes a service’s runbooks', async () => {
    const { serviceId } = await serviceWith('generic');
    const created = await newRunbook(serviceId);
    expect(created).toMatchObject({ serviceId, name: 'Database failover' });
    expect(created.id).toMatch(/^rb_/);
    const edited = await json<Runbook>(
      api(`/api/services/${serviceId}/runbooks/${created.id}`, {
        method: 'PUT',
        body: { ...FAILOVER, name: 'DB failover', steps: [{ text: 'Only step' }] },
        headers: ADMIN,
      }),
      200,
    );
    expect(edited.steps).toEqual([{ text: 'Only step' }]);
    const listed = await json<{ runbooks: Runbook[]; defaultRunbookId: string | null }>(
      api(`/api/services/${serviceId}/runbooks`, { headers: ADMIN }),
      200,
    );
    expect(listed.runbooks.map((r) => r.name)).toEqual(['DB failover']);
    expect(listed.defaultRunbookId).toBeNull();
    const gone = await api(`/api/services/${serviceId}/runbooks/${created.id}`, {
      method: 'DELETE',
      headers: ADMIN,
    });
    expect(gone.status).toBe(204);
    expect(
      (await api(`/api/services/${serviceId}/runbooks/${created.id}`, { headers: ADMIN })).status,
    ).toBe(404);
  });

  it('refuses a runbook without steps, with a step too long, or with a link that is not http(s), naming the field', async () => {
    const { serviceId } = await serviceWith('generic');
    const cases: [unknown, string][] = [
      [{ name: 'x', steps: [] }, 'steps'],
      [{ name: 'x', steps: [{ text: 'y'.repeat(501) }] }, 'steps.0.text'],
      [{ name: 'x', steps: [{ text: 'Open it', link: 'javascript:alert(1)' }] }, 'steps.0.link'],
      [{ name: 'x', body: 'see [here](data:text/html,hi)', steps: [{ text: 'a' }] }, 'body'],
      [
        { name: 'x', steps: [{ text: 'a', link: 'https://g.example/{{ nope.host }}' }] },
        'steps.0.link',
      ],
    ];
    for (const [body, field] of cases) {
      const res = await createRunbook(serviceId, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const problem = await expectProblem(res);
      expect(problem.errors).toEqual(
        expect.arrayContaining([expect.objectContaining({ path: field })]),
      );
    }
  });

  it('refuses a rule that attaches an unknown runbook, naming the action’s field', async () => {
    const { serviceId } = await serviceWith('generic');
    const res = await putRules(serviceId, [
      {
        id: 'db',
        name: 'Database',
        condition: { field: 'summary', op: 'contains', value: 'db' },
        actions: [{ type: 'attach_runbook', runbook_id: 'rb_missing' }],
      },
    ]);
    expect(res.status).toBe(400);
    const problem = await expectProblem(res);
    expect(problem.detail).toContain('rules.0.actions.0.runbook_id: no runbook rb_missing');
  });

  it('gives an incident opened by hand the service’s default runbook', async () => {
    const { serviceId } = await serviceWith('generic');
    const runbook = await newRunbook(serviceId, {
      name: 'Checkout down',
      steps: [{ text: 'Roll back' }],
    });
    expect((await setDefault(serviceId, runbook.id)).status).toBe(200);
    const incident = await openIncident(ADMIN, { serviceId });
    const attached = await incidentRunbook(incident.id);
    expect(attached?.name).toBe('Checkout down');
    expect(attached?.steps).toEqual([
      { number: 1, text: 'Roll back', done: false, by: null, at: null },
    ]);
    expect((await timeline(incident.id)).map((e) => e.text)).toContain(
      'Runbook attached: Checkout down (1 step)',
    );
  });

  it('attaches the runbook a rule names, with links filled from the alert, and keeps it when the runbook is edited later', async () => {
    const { serviceId, integration } = await serviceWith('generic');
    const fallback = await newRunbook(serviceId, { name: 'Default', steps: [{ text: 'Look' }] });
    await setDefault(serviceId, fallback.id);
    const runbook = await newRunbook(serviceId);
    await saveRules(serviceId, [
      {
        id: 'db',
        name: 'Database alerts get the failover runbook',
        condition: { field: 'summary', op: 'contains', value: 'database' },
        actions: [{ type: 'attach_runbook', runbook_id: runbook.id }],
      },
    ]);
    await alert(integration.url, {
      summary: 'database primary down',
      details: { host: 'db-1 west/a', region: 'eu-west-1' },
    });
    const { incident } = await onlyIncident(serviceId);
    const attached = await incidentRunbook(incident.id);
    expect(attached?.name).toBe('Database failover');
    expect(attached?.steps.map((s) => s.link)).toEqual([
      'https://grafana.example/d/db?var-host=db-1%20west%2Fa',
      undefined,
      'https://console.example/eu-west-1/failover',
    ]);
    expect(attached?.body).toBe(
      'Check the [dashboard](https://grafana.example/d/db?var-host=db-1%20west%2Fa) first.',
    );
    await api(`/api/services/${serviceId}/runbooks/${runbook.id}`, {
      method: 'PUT',
      body: { name: 'Rewritten', steps: [{ text: 'Something else' }] },
      headers: ADMIN,
    });
    expect((await incidentRunbook(incident.id))?.steps.map((s) => s.text)).toEqual([
      'Check replication lag',
      'Page the DBA',
      'Fail over the primary',
    ]);
    const refused = await api(`/api/services/${serviceId}/runbooks/${runbook.id}`, {
      method: 'DELETE',
      headers: ADMIN,
    });
    expect(refused.status).toBe(409);
  });

  it('records “Ada completed step 3: Fail over the primary” live for everyone, unticking too, and the review lists the steps done', async () => {
    const { serviceId } = await serviceWith('generic');
    const runbook = await newRunbook(serviceId);
    await setDefault(serviceId, runbook.id);
    const ada = await createUser('Ada');
    const ben = await createUser('Ben');
    const incident = await openIncident(ADMIN, { serviceId });
    const watcher = await LiveClient.connect(incident.id, ben.auth);
    await watcher.waitFor((m) => m.type === 'snapshot');

    expect((await command(ada, incident.id, 'runbook-steps', { step: 3, done: true })).status).toBe(
      200,
    );
    const ticked = await watcher.waitFor(
      (m) => m.type === 'event' && m.entry.kind === 'runbook_step',
    );
    expect(ticked.type === 'event' && ticked.entry.text).toBe(
      'Ada completed step 3: Fail over the primary',
    );
    // Ticking it again changes nothing; step 1 by Ben; Ben unticks nothing of Ada's but his own.
    expect((await command(ada, incident.id, 'runbook-steps', { step: 3, done: true })).status).toBe(
      200,
    );
    await command(ben, incident.id, 'runbook-steps', { step: 1, done: true });
    await command(ben, incident.id, 'runbook-steps', { step: 1, done: false });
    await watcher.waitFor(
      (m) => m.type === 'event' && m.entry.text === 'Ben unticked step 1: Check replication lag',
    );
    expect(
      (await timeline(incident.id)).filter((e) => e.kind === 'runbook_step').map((e) => e.text),
    ).toEqual([
      'Ada completed step 3: Fail over the primary',
      'Ben completed step 1: Check replication lag',
      'Ben unticked step 1: Check replication lag',
    ]);
    watcher.close();

    const steps = (await incidentRunbook(incident.id))?.steps ?? [];
    expect(steps.map((s) => [s.done, s.by?.name ?? null])).toEqual([
      [false, null],
      [false, null],
      [true, 'Ada'],
    ]);

    await command(ada, incident.id, 'resolve');
    const review = await json<{ facts: ReviewFacts }>(
      api(`/api/incidents/${incident.id}/review`, { method: 'POST', headers: ada.auth }),
      201,
    );
    expect(review.facts.runbook).toEqual({
      name: 'Database failover',
      steps: [
        expect.objectContaining({ number: 1, done: false, by: null }),
        expect.objectContaining({ number: 2, done: false, by: null }),
        expect.objectContaining({
          number: 3,
          text: 'Fail over the primary',
          done: true,
          by: 'Ada',
        }),
      ],
    });
    expect(review.facts.runbook?.steps[2]?.at).toEqual(expect.any(Number));
    const markdown = await (
      await api(`/api/incidents/${incident.id}/review.md`, { headers: ada.auth })
    ).text();
    expect(markdown).toContain('## Runbook: Database failover');
    expect(markdown).toMatch(
      /- \[x\] 3\. Fail over the primary \(Ada, \d{4}-\d\d-\d\d [\d:]+ UTC\)/,
    );
    expect(markdown).toContain('- [ ] 1. Check replication lag');
  });

  it('takes a tick sent over the live socket, answers the sender and shows it to everyone', async () => {
    const { serviceId } = await serviceWith('generic');
    await setDefault(serviceId, (await newRunbook(serviceId)).id);
    const ada = await createUser('Ada');
    const ben = await createUser('Ben');
    const incident = await openIncident(ADMIN, { serviceId });
    const a = await LiveClient.connect(incident.id, ada.auth);
    const b = await LiveClient.connect(incident.id, ben.auth);
    await a.waitFor((m) => m.type === 'snapshot');
    a.send({ type: 'command', id: 't1', command: { type: 'tick_step', step: 2, done: true } });
    const result = await a.waitFor((m) => m.type === 'result' && m.id === 't1');
    expect(result.type === 'result' && result.ok).toBe(true);
    const seen = await b.waitFor((m) => m.type === 'event' && m.entry.kind === 'runbook_step');
    expect(seen.type === 'event' && seen.entry.text).toBe('Ada completed step 2: Page the DBA');
    a.close();
    b.close();
  });

  it('refuses a step the runbook does not have (400) and ticking on an incident without a runbook (409)', async () => {
    const { serviceId } = await serviceWith('generic');
    await setDefault(
      serviceId,
      (await newRunbook(serviceId, { name: 'Short', steps: [{ text: 'One' }] })).id,
    );
    const ada = await createUser('Ada');
    const withRunbook = await openIncident(ADMIN, { serviceId });
    const past = await command(ada, withRunbook.id, 'runbook-steps', { step: 2, done: true });
    expect(past.status).toBe(400);
    expect((await expectProblem(past)).detail).toContain('steps 1 to 1');
    const bare = await openIncident(ADMIN, {});
    const none = await command(ada, bare.id, 'runbook-steps', { step: 1, done: true });
    expect(none.status).toBe(409);
    expect(await incidentRunbook(bare.id)).toBeNull();
  });
});
