/**
 * The paging path at the runtime's ceiling (issue 19): the first page goes out from create itself, with the
 * alarm only as its backstop, so a START that runs twice never pages twice and a crash before the page
 * still pages.
 */
import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Actor, Incident, IncidentCommand } from '../../schema/incident';
import type { CreateIncidentInput } from '../../worker/incident/open';
import type { Paging, PagingHost } from '../../worker/incident/paging';
import { NUMBER_BLOCK } from '../../worker/service/number-block';
import { Scheduler } from '../../worker/incident/scheduler';
import { REPEATS_INDEX_DELAY_MS } from '../../worker/incident/effects';
import { incidentStub, serviceRouter } from '../../worker/stubs';
import { hashSecret } from '../../worker/auth/secrets';
import { ADMIN, api, command, createUser, json, timeline, type TestUser } from '../helpers';
import { subscriber } from '../push/fixtures';
import { pagingVersion } from '../../worker/directory/paging-snapshot';
import {
  addMethod,
  deleteMethod,
  markOutcome,
  markVerified,
  saveRules,
} from '../../worker/directory/contact-methods';
import { markSubscriptionSuccess } from '../../worker/directory/push-subscriptions';
import { recordPages } from '../../worker/directory/reports';
import { DEFAULT_RULES } from '../../worker/notify/rules';
import { newIntegration, newService, send, serviceIncidents } from './support';
import {
  controlClock,
  fireAlarm,
  openOn,
  schedule,
  serviceWithPolicy,
  texts,
} from '../escalation/setup';
import type { Layer } from '../../worker/oncall/types';

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

/** Whether the D1 index (lists, numbers, reports) has the incident. */
async function indexed(id: string): Promise<boolean> {
  return (await env.DB.prepare('SELECT 1 FROM incidents WHERE id = ?').bind(id).first()) !== null;
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

  it('lists the incident after a stop between the page and its index write, within a second of the restart', async () => {
    const serviceId = await oneLevel();
    clock.advanceMinutes(10); // the runtime's own alarm stays out of the way
    const id = await openThenCrash(serviceId);
    type Flush = (incident: Incident) => Promise<void>;
    // The object stops once the page's record is committed: its index write (and anything after it) never runs.
    const flushOf = (instance: unknown) => (instance as { effects: { flushIndex: Flush } }).effects;
    let real: Flush | null = null;
    await runInDurableObject(incidentStub(env, id), (instance) => {
      const effects = flushOf(instance);
      real = effects.flushIndex.bind(effects);
      effects.flushIndex = async () => {};
    });
    await fireAlarm(id);
    expect(await pagesOf(id)).toEqual({ level1: 1, counted: 0 });
    expect(await indexed(id)).toBe(false);
    // Back up: the alarm, due a second after START began, writes what the page's record left owed.
    await runInDurableObject(incidentStub(env, id), (instance) => {
      flushOf(instance).flushIndex = real as unknown as Flush;
    });
    clock.advanceMinutes(1.01 / 60);
    await fireAlarm(id);
    expect(await indexed(id)).toBe(true);
    expect(await pagesOf(id)).toEqual({ level1: 1, counted: 1 });
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
    // Crashed before create's own run claimed the START: the alarm, due at once, pages. The opening left its D1
    // index write to that START (the monitor's answer waits on no D1 call), so the alarm writes it too.
    const before = await openThenCrash(serviceId);
    expect(await pagesOf(before)).toEqual({ level1: 0, counted: 0 });
    expect(await indexed(before)).toBe(false);
    await fireAlarm(before);
    await fireAlarm(before);
    expect(await pagesOf(before)).toEqual({ level1: 1, counted: 1 });
    expect(await indexed(before)).toBe(true);

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

describe('the scheduler', () => {
  it('keeps a task cancelled and scheduled afresh while a run of it was still going (a reopen during the first page)', async () => {
    const id = await openThenCrash(await oneLevel());
    const pending = await runInDurableObject(incidentStub(env, id), async (_, state) => {
      const scheduler = new Scheduler(state.storage);
      const t = clock.now() + 3_600_000;
      scheduler.put('test-task', 'test', t);
      await scheduler.runDue(t, async (task) => {
        if (task.id !== 'test-task') return;
        // What acknowledging then reopening does to the START row while its page is on its way.
        await scheduler.cancel('test-task');
        await scheduler.schedule('test-task', 'test', t + 60_000);
      });
      return scheduler.pending().filter((task) => task.id === 'test-task');
    });
    // The finished run's clean-up removed the row it claimed, not the one scheduled afresh.
    expect(pending.map((task) => task.kind)).toEqual(['test']);
  });
});

describe('a page’s escalation state', () => {
  it('is written with the page’s record, after the push, yet an acknowledgement during the push still stops the escalation', async () => {
    const cy = await createUser('Cy');
    await addDevice(`sub_cy${crypto.randomUUID()}`, cy.id); // a push that is real I/O (refused at the send)
    const serviceId = await serviceWithPolicy([
      { delayMinutes: 5, targets: [{ type: 'user', id: cy.id }] },
      { delayMinutes: 5, targets: [{ type: 'user', id: ana.id }] },
    ]);
    clock.advanceMinutes(10); // the runtime's own alarm stays out of the way
    const id = await openThenCrash(serviceId);
    // Cy acknowledges while level 1's page is on its way: decided, its state not yet written.
    let acked: Promise<{ ok: boolean }> | null = null;
    await runInDurableObject(incidentStub(env, id), (instance) => {
      const object = instance as unknown as {
        paging: { host: PagingHost; unwritten: unknown };
        command: (c: IncidentCommand, a: Actor) => Promise<{ ok: boolean }>;
      };
      const { host } = object.paging;
      const incident = host.incident;
      host.incident = () => {
        if (object.paging.unwritten && !acked)
          acked = object.command({ type: 'acknowledge' }, { kind: 'user', id: cy.id, name: 'Cy' });
        return incident();
      };
    });
    await fireAlarm(id);
    expect(await acked).toMatchObject({ ok: true });
    clock.advanceMinutes(5.01);
    await fireAlarm(id);
    const seen = texts(await fireAlarm(id));
    expect(seen).toContain('Acknowledged by Cy');
    expect(seen.filter((t) => t.startsWith('Escalated to'))).toEqual(['Escalated to level 1: Cy']);
    // The page's own state, written after the acknowledgement, did not write over the stop.
    await runInDurableObject(incidentStub(env, id), (_, state) => {
      const doc = state.storage.sql.exec('SELECT doc FROM escalation').one().doc as string;
      expect(JSON.parse(doc)).toMatchObject({ level: 0, stopped: true });
    });
  });
});

describe('pages counted for reports', () => {
  it('are kept in the incident until the index write that carries them to D1 lands, so a restart loses none', async () => {
    const inc = await openOn(await oneLevel());
    await untilPaged(inc.id);
    expect(await pagesOf(inc.id)).toMatchObject({ counted: 1 });
    // What a restart between a page's record and its index write leaves: the count owed in storage, nowhere else.
    const at = clock.now() + 1;
    await runInDurableObject(incidentStub(env, inc.id), async (_, state) => {
      state.storage.sql.exec('INSERT INTO owed_pages (user_id, at) VALUES (?, ?)', ana.id, at);
    });
    // The incident's next change writes the index, and the owed page goes with it.
    expect((await command(ana, inc.id, 'acknowledge')).status).toBe(200);
    expect(await pagesOf(inc.id)).toMatchObject({ counted: 2 });
    await runInDurableObject(incidentStub(env, inc.id), async (_, state) => {
      expect(state.storage.sql.exec('SELECT count(*) AS n FROM owed_pages').one().n).toBe(0);
    });
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

/**
 * Every D1 call the Worker and its objects make (they share this isolate with the test), in order: each `first`,
 * `run`, `all`, `raw` of a statement and each `batch` is one round trip to the database.
 */
const LANE_CACHES = /FROM (webhook_subscriptions|slack_channels|chat_webhooks)\b/;

function countD1(): { stop: () => void; log: string[] } {
  const log: string[] = [];
  const statement = Object.getPrototypeOf(env.DB.prepare('SELECT 1')) as Record<string, unknown>;
  const database = Object.getPrototypeOf(env.DB) as Record<string, unknown>;
  const patched: [Record<string, unknown>, string, unknown][] = [];
  for (const [proto, names] of [
    [statement, ['first', 'run', 'all', 'raw']],
    [database, ['batch']],
  ] as const)
    for (const name of names) {
      const original = proto[name] as (...args: unknown[]) => unknown;
      patched.push([proto, name, original]);
      proto[name] = function (this: unknown, ...args: unknown[]) {
        const text = (this as { statement?: string }).statement;
        // Outgoing webhooks and chat refresh their own caches on a timer: not this alert's work.
        if (!LANE_CACHES.test(text ?? '')) log.push(text ? `${name} ${text}` : name);
        return original.apply(this, args);
      };
    }
  return {
    log,
    stop: () => patched.forEach(([proto, name, original]) => (proto[name] = original)),
  };
}

/** Wait (bounded, reading only the incident's own storage, never D1) until level 1 (or nobody) is paged and indexed. */
/**
 * A device as registering one writes it, straight into D1: a real push service is out of this sandbox's reach,
 * and a loopback endpoint (the default) is refused at the send, at once.
 */
async function addDevice(
  id: string,
  userId: string,
  {
    label = 'Pixel',
    endpoint = `http://127.0.0.1:9/push/${crypto.randomUUID()}`,
    at = clock.now(),
  } = {},
): Promise<void> {
  const keys = await subscriber();
  await env.DB.prepare(
    'INSERT INTO push_subscriptions (id, user_id, label, endpoint, p256dh, auth, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  )
    .bind(id, userId, label, endpoint, keys.p256dh, keys.auth, at)
    .run();
}

async function untilPagedHere(id: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const done = await runInDurableObject(incidentStub(env, id), (_, state) => {
      const sql = state.storage.sql;
      const paged = sql
        .exec(
          "SELECT count(*) AS n FROM timeline WHERE text LIKE 'Escalated to level 1:%' OR kind = 'nobody_paged'",
        )
        .one().n as number;
      const unindexed = sql.exec('SELECT count(*) AS n FROM outbox').one().n as number;
      return paged > 0 && unindexed === 0;
    });
    if (done) return;
    if (Date.now() > deadline) throw new Error(`level 1 never paged and indexed on ${id}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the paging snapshot', () => {
  const fire = (url: string, n: number) =>
    send(url, { summary: `Queue ${n} stuck`, dedup_key: `snap-${n}`, severity: 'critical' });

  it('follows every change to who is paged and how: schedule, override, policy, user, device', async () => {
    const [ben, cat, dan] = [
      await createUser('Ben'),
      await createUser('Cat'),
      await createUser('Dan'),
    ];
    const day = new Date(clock.now() - 86_400_000).toISOString().slice(0, 16);
    const layer = (users: string[]) => ({ users, rotation: { type: 'weekly' }, start: day });
    const schedule = await json<{ schedule: { id: string } }>(
      api('/api/schedules', {
        body: { name: 'Snapshot primary', timeZone: 'UTC', layers: [layer([ben.id])] },
        headers: ADMIN,
      }),
      201,
    );
    const sched = schedule.schedule.id;
    const serviceId = await serviceWithPolicy([
      { delayMinutes: 5, targets: [{ type: 'schedule', id: sched }] },
    ]);
    const hook = await newIntegration(serviceId, 'generic');
    const router = serviceRouter(env, serviceId);
    let n = 0;
    /** A new alert's incident, once level 1 is paged: what its timeline says of the page. */
    const nextPage = async () => {
      n += 1;
      expect((await fire(hook.url, 100 + n)).status).toBe(202);
      const id = (await router.openIncidentFor(`snap-${100 + n}`)) as string;
      await untilPagedHere(id);
      return texts(await timeline(id));
    };
    expect(await nextPage()).toContain('Escalated to level 1: Ben');

    await json(
      api(`/api/schedules/${sched}`, {
        method: 'PUT',
        body: { name: 'Snapshot primary', timeZone: 'UTC', layers: [layer([cat.id])] },
        headers: ADMIN,
      }),
      200,
    );
    expect(await nextPage()).toContain('Escalated to level 1: Cat');

    await json(
      api(`/api/schedules/${sched}/overrides`, {
        body: { userId: dan.id, start: clock.now() - 60_000, end: clock.now() + 3_600_000 },
        headers: ADMIN,
      }),
      201,
    );
    expect(await nextPage()).toContain('Escalated to level 1: Dan');

    const { policy_id: policyId } = (await env.DB.prepare(
      'SELECT policy_id FROM services WHERE id = ?',
    )
      .bind(serviceId)
      .first<{ policy_id: string }>())!;
    await json(
      api(`/api/policies/${policyId}`, {
        method: 'PUT',
        body: {
          name: 'Snapshot policy',
          levels: [{ delayMinutes: 5, targets: [{ type: 'user', id: ana.id }] }],
        },
        headers: ADMIN,
      }),
      200,
    );
    const toAna = await nextPage();
    expect(toAna).toContain('Escalated to level 1: Ana');
    expect(toAna).toContain('Ana cannot be reached: no push device and no verified email or phone');

    // A device (refused at the send, at once, which the timeline says by the device's name).
    await addDevice(`sub_snap${n}`, ana.id, { label: 'Ana’s snapshot phone' });
    const withDevice = await nextPage();
    expect(withDevice.some((t) => t.startsWith('Paged Ana on Ana’s snapshot phone'))).toBe(true);

    await json(
      api(`/api/users/${ana.id}`, { method: 'PATCH', body: { disabled: true }, headers: ADMIN }),
      200,
    );
    try {
      const disabled = await nextPage();
      expect(disabled.some((t) => t.startsWith('Paged Ana'))).toBe(false);
      expect(disabled.join('\n')).toContain('Ana is disabled or removed');
    } finally {
      await api(`/api/users/${ana.id}`, {
        method: 'PATCH',
        body: { disabled: false },
        headers: ADMIN,
      });
    }
  });

  it('escalates an open incident to whoever is on call when the level is due, not when it opened', async () => {
    const [gus, hal] = [await createUser('Gus'), await createUser('Hal')];
    const day = new Date(clock.now() - 86_400_000).toISOString().slice(0, 16);
    const { schedule } = await json<{ schedule: { id: string } }>(
      api('/api/schedules', {
        body: {
          name: 'Snapshot secondary',
          timeZone: 'UTC',
          layers: [{ users: [gus.id], rotation: { type: 'weekly' }, start: day }],
        },
        headers: ADMIN,
      }),
      201,
    );
    const serviceId = await serviceWithPolicy([
      { delayMinutes: 5, targets: [{ type: 'user', id: ana.id }] },
      { delayMinutes: 5, targets: [{ type: 'schedule', id: schedule.id }] },
    ]);
    const inc = await openOn(serviceId);
    await untilPaged(inc.id);
    await json(
      api(`/api/schedules/${schedule.id}/overrides`, {
        body: { userId: hal.id, start: clock.now(), end: clock.now() + 3_600_000 },
        headers: ADMIN,
      }),
      201,
    );
    clock.advanceMinutes(5.01);
    expect(texts(await fireAlarm(inc.id))).toContain('Escalated to level 2: Hal');
  });

  it('attaches the default runbook the router holds, and the next incident follows every change to it', async () => {
    const serviceId = await oneLevel();
    const hook = await newIntegration(serviceId, 'generic');
    const router = serviceRouter(env, serviceId);
    let n = 0;
    const nextRunbook = async () => {
      n += 1;
      expect((await fire(hook.url, 200 + n)).status).toBe(202);
      const id = (await router.openIncidentFor(`snap-${200 + n}`)) as string;
      return texts(await timeline(id)).filter((t) => t.startsWith('Runbook attached'));
    };
    expect(await nextRunbook()).toEqual([]);
    const book = (body: unknown, method = 'POST', path = '') =>
      json<{ id: string }>(
        api(`/api/services/${serviceId}/runbooks${path}`, { method, body, headers: ADMIN }),
      );
    const { id } = await book({ name: 'Disk', steps: [{ text: 'Free space' }] });
    const setDefault = (runbookId: string | null) =>
      json(
        api(`/api/services/${serviceId}/default-runbook`, {
          method: 'PUT',
          body: { runbookId },
          headers: ADMIN,
        }),
        200,
      );
    await setDefault(id);
    expect(await nextRunbook()).toEqual(['Runbook attached: Disk (1 step)']);
    await book({ name: 'Disk v2', steps: [{ text: 'Free' }, { text: 'Grow' }] }, 'PUT', `/${id}`);
    expect(await nextRunbook()).toEqual(['Runbook attached: Disk v2 (2 steps)']);
    await setDefault(null);
    expect(await nextRunbook()).toEqual([]);
    await setDefault(id);
    expect(await nextRunbook()).toEqual(['Runbook attached: Disk v2 (2 steps)']);
    await api(`/api/services/${serviceId}/runbooks/${id}`, { method: 'DELETE', headers: ADMIN });
    expect(await nextRunbook()).toEqual([]);
  });

  it('pages from the directory as it is after D1 is restored to an earlier point, not from a snapshot held under a reused number', async () => {
    const [kim, lee, max] = [ana, await createUser('Lee'), await createUser('Max')];
    const day = new Date(clock.now() - 86_400_000).toISOString().slice(0, 16);
    const layers = (user: string): Layer[] => [
      { id: 'l1', name: 'Primary', users: [user], rotation: { type: 'weekly' }, start: day },
    ];
    const sched = await schedule('Restore primary', layers(kim.id));
    const serviceId = await serviceWithPolicy([
      { delayMinutes: 5, targets: [{ type: 'schedule', id: sched }] },
    ]);
    const hook = await newIntegration(serviceId, 'generic');
    const router = serviceRouter(env, serviceId);
    /** Who is on the schedule, written as any edit writes it (one statement, one bump of the version). */
    const shift = (user: string) =>
      env.DB.prepare('UPDATE schedules SET layers = ? WHERE id = ?')
        .bind(JSON.stringify(layers(user)), sched)
        .run();
    const nextPage = async (n: number) => {
      expect((await fire(hook.url, 300 + n)).status).toBe(202);
      const id = (await router.openIncidentFor(`snap-${300 + n}`)) as string;
      await untilPagedHere(id);
      return texts(await timeline(id)).filter((t) => t.startsWith('Escalated to level 1'));
    };
    const row = () =>
      env.DB.prepare('SELECT epoch, version FROM paging_version').first<{
        epoch: number;
        version: number;
      }>();
    const restorePoint = (await row())!;

    await shift(lee.id);
    expect(await nextPage(1)).toEqual(['Escalated to level 1: Lee']); // held under the version after the shift
    // A point-in-time restore to before the shift: the schedule and the version row as they were then.
    await shift(kim.id);
    await env.DB.prepare('UPDATE paging_version SET version = ?').bind(restorePoint.version).run();
    await env.DB.prepare('UPDATE paging_version SET epoch = ?').bind(restorePoint.epoch).run();
    expect(await row()).toEqual(restorePoint);
    // The same write again counts the same number up, which the held snapshot was kept under: only the epoch,
    // drawn anew, tells the two states apart.
    await shift(max.id);
    expect(await nextPage(2)).toEqual(['Escalated to level 1: Max']);
  });

  it('escalates at the due time with no D1 call before the push, the level warmed just before', async () => {
    const fay = await createUser('Fay');
    await addDevice('sub_fay', fay.id);
    const serviceId = await serviceWithPolicy([
      { delayMinutes: 5, targets: [{ type: 'user', id: ana.id }] },
      { delayMinutes: 5, targets: [{ type: 'user', id: fay.id }] },
    ]);
    const inc = await openOn(serviceId);
    await untilPaged(inc.id);
    const ms = (n: number) => clock.advanceMinutes(n / 60_000);
    ms(5 * 60_000 - 50); // the warm-up is due (100 ms ahead), the level is not
    expect(texts(await fireAlarm(inc.id)).some((t) => t.includes('level 2'))).toBe(false);
    ms(50);
    const counter = countD1();
    try {
      await runDurableObjectAlarm(incidentStub(env, inc.id));
      const calls = counter.log.splice(0);
      expect(texts(await timeline(inc.id))).toContain('Escalated to level 2: Fay');
      expect(calls).toEqual([
        'run UPDATE push_subscriptions SET last_failure_at = ?, last_failure = ? WHERE id = ?',
        'batch', // the index, with level 2 on it and the page counted for reports
      ]);
    } finally {
      counter.stop();
    }
  });

  it('moves its version on every write that can change a page, and not on a page’s own bookkeeping', async () => {
    const user = await createUser('Ivy');
    const version = () => pagingVersion(env.DB);
    const moves = async (write: () => Promise<unknown>) => {
      const before = await version();
      await write();
      return (await version()) !== before;
    };
    const at = clock.now();
    await addMethod(env.DB, {
      id: 'cm_ivy',
      userId: user.id,
      kind: 'email',
      address: 'ivy@example.com',
      now: at,
    });
    expect(await moves(() => markVerified(env.DB, 'cm_ivy', at))).toBe(true);
    expect(
      await moves(() =>
        saveRules(
          env.DB,
          user.id,
          { ...DEFAULT_RULES, high: [{ afterMinutes: 0, channel: 'email' }], workingHours: null },
          at,
        ),
      ),
    ).toBe(true);
    expect(await moves(() => deleteMethod(env.DB, user.id, 'cm_ivy'))).toBe(true);
    // What every page writes after the push: a device's and an address's last outcome, the pages counted.
    await addDevice('sub_ivy', user.id, {
      endpoint: `https://fcm.googleapis.com/fcm/send/${crypto.randomUUID()}`,
      at,
    });
    await addMethod(env.DB, {
      id: 'cm_ivy2',
      userId: user.id,
      kind: 'email',
      address: 'ivy2@example.com',
      now: at,
    });
    expect(await moves(() => markSubscriptionSuccess(env.DB, 'sub_ivy', at))).toBe(false);
    expect(await moves(() => markOutcome(env.DB, 'cm_ivy2', at, 'mailbox full'))).toBe(false);
    expect(
      await moves(() => recordPages(env.DB, [{ incidentId: 'inc_ivy', userId: user.id, at }])),
    ).toBe(false);
  });

  it('pages from what the isolate holds: no D1 call between the 202 and the push', async () => {
    // Someone with a device (its endpoint refused at the send: the outcome is still written after the push).
    const eve = await createUser('Eve');
    await addDevice('sub_eve', eve.id);
    const serviceId = await serviceWithPolicy([
      { delayMinutes: 5, targets: [{ type: 'user', id: eve.id }] },
    ]);
    const hook = await newIntegration(serviceId, 'generic');
    const router = serviceRouter(env, serviceId);
    expect((await fire(hook.url, 0)).status).toBe(202); // warm-up: the router, its keys and the snapshot
    await untilPagedHere((await router.openIncidentFor('snap-0')) as string);

    const counter = countD1();
    try {
      expect((await fire(hook.url, 1)).status).toBe(202);
      const opening = counter.log.splice(0);
      await untilPagedHere((await router.openIncidentFor('snap-1')) as string);
      const paging = counter.log.splice(0);
      expect((await fire(hook.url, 1)).status).toBe(202);
      const duplicate = counter.log.splice(0);
      // The repeat's index write follows its answer, through the outbox (within REPEATS_INDEX_DELAY_MS).
      clock.advanceMinutes(REPEATS_INDEX_DELAY_MS / 60_000);
      await untilPagedHere((await router.openIncidentFor('snap-1')) as string);
      const afterwards = counter.log.splice(0);
      // Level 1 starts from create while the 202 is on its way, so its reads may fall either side of it.
      expect({ opened: [...opening, ...paging], duplicate, afterwards }).toEqual({
        opened: [
          // Level 1's START, after the 202 (the default runbook is the router's), reads D1's paging version alone:
          // the snapshot is current, so the push makes no D1 call of its own.
          "first SELECT epoch || ':' || version AS version FROM paging_version WHERE id = 1",
          'run UPDATE push_subscriptions SET last_failure_at = ?, last_failure = ? WHERE id = ?',
          'batch', // the index, written once, with level 1 on it and the page counted for reports
        ],
        duplicate: [],
        afterwards: ['batch'],
      });
    } finally {
      counter.stop();
    }
  });
});
