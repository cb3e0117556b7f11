/** Escalation fixtures: services, policies and schedules written straight into the D1 directory. */
import { env, runDurableObjectAlarm } from 'cloudflare:test';
import type { Incident, TimelineEntry } from '../../schema/incident';
import type { EscalationLevel } from '../../schema/oncall';
import { setClock } from '../../worker/clock';
import type { Layer } from '../../worker/oncall/types';
import { ADMIN, api, json, timeline } from '../helpers';
import { incidentStub } from '../../worker/stubs';

let seq = 0;
const unique = (prefix: string) => `${prefix}_${Date.now().toString(36)}${(seq++).toString(36)}`;

/** A controllable clock: time only moves when the test says so. */
export function controlClock(): {
  now: () => number;
  advanceMinutes: (m: number) => void;
  restore: () => void;
} {
  let t = Date.now();
  const restore = setClock(() => t);
  return { now: () => t, advanceMinutes: (m) => (t += m * 60_000), restore };
}

export async function serviceWithPolicy(
  levels: EscalationLevel[],
  opts: { repeat?: number; renotifyMinutes?: number | null } = {},
): Promise<string> {
  const policyId = unique('pol');
  const serviceId = unique('svc');
  const at = Date.now();
  await env.DB.prepare(
    'INSERT INTO escalation_policies (id, name, levels, repeat, renotify_minutes, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  )
    .bind(
      policyId,
      `Policy ${policyId}`,
      JSON.stringify(levels),
      opts.repeat ?? 1,
      opts.renotifyMinutes ?? null,
      at,
      at,
    )
    .run();
  await env.DB.prepare('INSERT INTO services (id, name, policy_id, created_at) VALUES (?, ?, ?, ?)')
    .bind(serviceId, `Service ${serviceId}`, policyId, at)
    .run();
  return serviceId;
}

export async function serviceWithoutPolicy(): Promise<string> {
  const id = unique('svc');
  await env.DB.prepare(
    'INSERT INTO services (id, name, policy_id, created_at) VALUES (?, ?, NULL, ?)',
  )
    .bind(id, `Service ${id}`, Date.now())
    .run();
  return id;
}

export async function schedule(name: string, layers: Layer[], timeZone = 'UTC'): Promise<string> {
  const id = unique('sch');
  await env.DB.prepare(
    'INSERT INTO schedules (id, name, time_zone, layers, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
  )
    .bind(id, name, timeZone, JSON.stringify(layers), Date.now(), Date.now())
    .run();
  return id;
}

export async function openOn(serviceId: string, title = 'Disk full'): Promise<Incident> {
  return (
    await json<{ incident: Incident }>(
      api('/api/incidents', { body: { title, serviceId, severity: 'critical' }, headers: ADMIN }),
      201,
    )
  ).incident;
}

/** Fire the incident's alarm now (as the runtime would at its due time) and return the timeline. */
export async function fireAlarm(id: string): Promise<TimelineEntry[]> {
  await runDurableObjectAlarm(incidentStub(env, id));
  return timeline(id);
}

/** Wait (bounded) for the first page after an incident opens: its alarm is due at once. */
export async function untilEscalated(
  id: string,
  pattern: RegExp,
  timeoutMs = 5_000,
): Promise<TimelineEntry[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const entries = await fireAlarm(id);
    if (entries.some((e) => pattern.test(e.text)) || pattern.test(texts(entries).join('\n')))
      return entries;
    if (Date.now() > deadline)
      throw new Error(
        `no entry matching ${pattern}; timeline: ${entries.map((e) => e.text).join(' | ')}`,
      );
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const texts = (entries: TimelineEntry[]) => entries.map((e) => e.text);
