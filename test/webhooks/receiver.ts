/** The test side of the webhook receiver (test/setup/webhook-receiver.mjs) and subscription fixtures. */
import { env, runDurableObjectAlarm } from 'cloudflare:test';
import { inject } from 'vitest';
import type { WebhookEvent, WebhookSubscription } from '../../schema/webhook-schemas';
import { ADMIN, api, json } from '../helpers';

export interface Received {
  headers: Record<string, string>;
  body: string;
}
export type Answer =
  { status: number; headers?: Record<string, string>; body?: string } | { drop: true };

let n = 0;

/** A fresh receiver path; `answers` are given in order, then 200s. */
export async function receiver(answers: Answer[] = []) {
  const origin = inject('webhookReceiver');
  // Random too: another test file may use the receiver at the same moment.
  const key = `r${crypto.randomUUID().slice(0, 8)}${(n++).toString(36)}`;
  await fetch(`${origin}/script/${key}`, { method: 'PUT', body: JSON.stringify(answers) });
  return {
    url: `${origin}/hook/${key}`,
    received: async (): Promise<Received[]> =>
      (await fetch(`${origin}/received/${key}`)).json<Received[]>(),
  };
}

/** Wait (bounded, no fixed sleep) until `check` holds; polls every few ms. */
export async function until<T>(
  what: string,
  probe: () => Promise<T>,
  check: (v: T) => boolean,
  timeoutMs = 5_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (check(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await scheduler.wait(10);
  }
}

export async function subscribe(
  url: string,
  body: Partial<{ serviceId: string | null; events: string[] }> = {},
): Promise<{ webhook: WebhookSubscription; secret: string }> {
  return json(
    api('/api/webhooks', {
      body: { url, events: ['incident.triggered', 'incident.acknowledged'], ...body },
      headers: ADMIN,
    }),
    201,
  );
}

let evt = 0;
export function event(incidentNumber = 1, over: Partial<WebhookEvent> = {}): WebhookEvent {
  return {
    version: 1,
    id: `evt_test${Date.now().toString(36)}${(evt++).toString(36)}`,
    type: 'incident.triggered',
    occurred_at: new Date().toISOString(),
    incident: {
      id: `inc_test${incidentNumber}`,
      number: incidentNumber,
      title: `Disk full #${incidentNumber}`,
      status: 'triggered',
      severity: 'critical',
      service: null,
      url: `http://127.0.0.1:8787/incidents/inc_test${incidentNumber}`,
    },
    actor: { type: 'system' },
    entry: null,
    ...over,
  };
}

export function queueOf(id: string) {
  return env.WEBHOOK_QUEUE.get(env.WEBHOOK_QUEUE.idFromName(id));
}

/** Run the queue's alarm now, as the runtime would at its due time (false when none was set). */
export function fireQueue(id: string): Promise<boolean> {
  return runDurableObjectAlarm(queueOf(id));
}
