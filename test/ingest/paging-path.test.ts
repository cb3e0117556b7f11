/**
 * The paging path at the runtime's ceiling (issue 19): the first page goes out from create itself, with the
 * alarm only as its backstop, so a START that runs twice never pages twice and a crash before the page
 * still pages.
 */
import { env, runInDurableObject } from 'cloudflare:test';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Incident } from '../../schema/incident';
import type { CreateIncidentInput } from '../../worker/incident/open';
import type { Paging } from '../../worker/incident/paging';
import { NUMBER_BLOCK } from '../../worker/service/number-block';
import { incidentStub } from '../../worker/stubs';
import { hashSecret } from '../../worker/auth/secrets';
import { ADMIN, api, createUser, timeline, type TestUser } from '../helpers';
import { newIntegration, newService, send, serviceIncidents } from './support';
import { controlClock, fireAlarm, openOn, serviceWithPolicy, texts } from '../escalation/setup';

let ana: TestUser;
let clock: ReturnType<typeof controlClock>;

beforeAll(async () => {
  ana = await createUser('Ana');
});
beforeEach(() => {
  clock = controlClock();
});
afterEach(() => clock.restore());

const oneLevel = () =>
  serviceWithPolicy([{ delayMinutes: 5, targets: [{ type: 'user', id: ana.id }] }]);

/** What a responder sees of the paging: level-1 entries, and the pages counted for reports. */
async function pagesOf(id: string): Promise<{ level1: number; counted: number }> {
  const entries = await timeline(id);
  const { results } = await env.DB.prepare('SELECT user_id FROM pages WHERE incident_id = ?')
    .bind(id)
    .all<{ user_id: string }>();
  return {
    level1: texts(entries).filter((t) => t === 'Escalated to level 1: Ana').length,
    counted: results.length,
  };
}

/** Wait (bounded, no alarm fired by the test) until the timeline has level 1's page. */
async function untilPaged(id: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await pagesOf(id)).level1 === 0) {
    if (Date.now() > deadline) throw new Error(`level 1 never paged: ${texts(await timeline(id))}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Open an incident as create's commit does, and stop there: the state a crash right after it leaves. */
async function openThenCrash(serviceId: string): Promise<string> {
  const id = `inc_crash${crypto.randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const input: CreateIncidentInput = {
    id,
    title: 'Disk full',
    serviceId,
    severity: 'critical',
    actor: { kind: 'integration', id: 'int_crash', name: 'Crash test' },
  };
  await runInDurableObject(incidentStub(env, id), async (instance) => {
    await (instance as unknown as { open(i: CreateIncidentInput): Promise<Incident> }).open(input);
  });
  return id;
}

describe('the first page', () => {
  it('goes out from create without waiting for the alarm, and a START run again pages no one twice', async () => {
    // The test's clock runs ten minutes ahead, so the runtime's own alarm (at that time) cannot be what pages.
    clock.advanceMinutes(10);
    const inc = await openOn(await oneLevel());
    await untilPaged(inc.id);
    // The alarm (three at once) and the START task itself, run again after the page: nothing more is sent.
    await Promise.all([fireAlarm(inc.id), fireAlarm(inc.id), fireAlarm(inc.id)]);
    await runInDurableObject(incidentStub(env, inc.id), async (instance) => {
      const paging = (instance as unknown as { paging: Paging }).paging;
      const start = { id: 'escalate', kind: 'escalation-start', dueAt: clock.now(), data: {} };
      expect(await paging.run(start, clock.now())).toBe(true);
    });
    await fireAlarm(inc.id);
    expect(await pagesOf(inc.id)).toEqual({ level1: 1, counted: 1 });
  });

  it('pages once when the alarm fires while create is still paging', async () => {
    const serviceId = await oneLevel();
    const opening = openOn(serviceId);
    const inc = await opening;
    await Promise.all([fireAlarm(inc.id), untilPaged(inc.id)]);
    await fireAlarm(inc.id);
    expect(await pagesOf(inc.id)).toEqual({ level1: 1, counted: 1 });
  });

  it('still pages, once, after a crash between create and the page', async () => {
    const serviceId = await oneLevel();
    // The test's clock runs ten minutes ahead, so the runtime's own alarm (at that time) stays out of the way.
    clock.advanceMinutes(10);
    // Crashed before create's own run claimed the START: the alarm, due at once, pages.
    const before = await openThenCrash(serviceId);
    expect(await pagesOf(before)).toEqual({ level1: 0, counted: 0 });
    await fireAlarm(before);
    await fireAlarm(before);
    expect(await pagesOf(before)).toEqual({ level1: 1, counted: 1 });

    // Crashed after claiming it (its lease moved it a minute ahead): the alarm pages once the lease is up.
    const claimed = await openThenCrash(serviceId);
    await runInDurableObject(incidentStub(env, claimed), async (_, state) => {
      state.storage.sql.exec(
        "UPDATE schedule SET due_at = ? WHERE id = 'escalate' AND kind = 'escalation-start'",
        clock.now() + 60_000,
      );
    });
    await fireAlarm(claimed);
    expect(await pagesOf(claimed)).toEqual({ level1: 0, counted: 0 });
    clock.advanceMinutes(1.01);
    await fireAlarm(claimed);
    await fireAlarm(claimed);
    expect(await pagesOf(claimed)).toEqual({ level1: 1, counted: 1 });
  });
});

describe('the key check before the 202', () => {
  const alert = (n: number) => ({
    summary: `Disk full ${n}`,
    dedup_key: `disk-${n}`,
    severity: 'critical',
  });

  it('checks a key that names its service in that service, and refuses a revoked key on the very next request', async () => {
    const serviceId = await newService();
    const hook = await newIntegration(serviceId, 'generic');
    expect(hook.key.startsWith(`fbk_${serviceId}.`)).toBe(true);
    expect((await send(hook.url, alert(1))).status).toBe(202);
    expect((await send(hook.url, alert(2))).status).toBe(202);

    const revoked = await api(`/api/services/${serviceId}/integrations/${hook.id}`, {
      method: 'DELETE',
      headers: ADMIN,
    });
    expect(revoked.status).toBe(204);
    expect((await send(hook.url, alert(3))).status).toBe(401);
    expect((await serviceIncidents(serviceId)).length).toBe(2);
  });

  it('refuses a rotated key on the very next request and takes the new one', async () => {
    const serviceId = await newService();
    const hook = await newIntegration(serviceId, 'generic');
    expect((await send(hook.url, alert(1))).status).toBe(202);
    const rotated = await api(`/api/services/${serviceId}/integrations/${hook.id}/rotate`, {
      method: 'POST',
      headers: ADMIN,
    });
    expect(rotated.status).toBe(200);
    const fresh = (await rotated.json()) as { key: string; url: string };
    expect((await send(hook.url, alert(2))).status).toBe(401);
    expect((await send(fresh.url, alert(3))).status).toBe(202);
    // A key for another service's router is refused there: the key names a service it does not belong to.
    const other = await newService('Other');
    const forged = fresh.url.replace(serviceId, other);
    expect((await send(forged, alert(4))).status).toBe(401);
    expect((await serviceIncidents(serviceId)).length).toBe(2);
  });

  it('keeps a key minted before keys named their service working, until it is revoked', async () => {
    const serviceId = await newService();
    const hook = await newIntegration(serviceId, 'generic');
    // As stored before: a key without its service, known to D1 only.
    const old = `fbk_${crypto.randomUUID().replaceAll('-', '')}${'x'.repeat(11)}`;
    await env.DB.prepare('UPDATE integrations SET key_hash = ? WHERE id = ?')
      .bind(await hashSecret(env.SESSION_SECRET, old), hook.id)
      .run();
    const url = hook.url.replace(hook.key, old);
    expect((await send(url, alert(1))).status).toBe(202);
    await api(`/api/services/${serviceId}/integrations/${hook.id}`, {
      method: 'DELETE',
      headers: ADMIN,
    });
    expect((await send(url, alert(2))).status).toBe(401);
  });
});

describe('incident numbers', () => {
  const open = (url: string, n: number) =>
    send(url, { summary: `Queue ${n} stuck`, dedup_key: `queue-${n}`, severity: 'error' });

  it('stay global and distinct, handed to each service router in blocks so most new incidents need no D1 write', async () => {
    const a = await newService('A');
    const b = await newService('B');
    const [hookA, hookB] = [await newIntegration(a, 'generic'), await newIntegration(b, 'generic')];
    expect((await open(hookA.url, 1)).status).toBe(202);
    // B's block is reserved between A's incidents, and an incident opened by hand takes a number in between.
    expect((await open(hookB.url, 1)).status).toBe(202);
    const byHand = await openOn(a);
    await Promise.all([open(hookA.url, 2), open(hookA.url, 3), open(hookB.url, 2)]);
    expect((await open(hookA.url, 4)).status).toBe(202);

    const numbers = async (serviceId: string) =>
      (await serviceIncidents(serviceId))
        .filter((i) => i.id !== byHand.id)
        .map((i) => i.number)
        .sort((x, y) => x - y);
    const [numbersA, numbersB] = [await numbers(a), await numbers(b)];
    const first = numbersA[0] as number;
    expect(numbersA).toEqual([first, first + 1, first + 2, first + 3]);
    expect(numbersB).toEqual([numbersB[0] as number, (numbersB[0] as number) + 1]);
    expect(Math.abs((numbersB[0] as number) - first)).toBeGreaterThanOrEqual(NUMBER_BLOCK);
    expect(new Set([...numbersA, ...numbersB, byHand.number]).size).toBe(7);
    expect(byHand.number).toBeGreaterThanOrEqual(
      Math.max(first, numbersB[0] as number) + NUMBER_BLOCK,
    );
  });
});
