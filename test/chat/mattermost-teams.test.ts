/**
 * Mattermost and Microsoft Teams, inside workerd: incident events posted one way to their incoming webhooks (a
 * real HTTP receiver on 127.0.0.1, test/setup/webhook-receiver.mjs), and Mattermost's `/firebell` slash command
 * checked by its token.
 */
import { env, runDurableObjectAlarm, SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Incident } from '../../schema/incident';
import { clearHookCache } from '../../worker/chat/chat-hooks';
import { slackQueue } from '../../worker/chat/slack-queue';
import { incidentStub } from '../../worker/stubs';
import { ADMIN, BASE, api, createUser, json, timeline, type TestUser } from '../helpers';
import { openOn, serviceWithPolicy } from '../escalation/setup';
import { receiver, type Answer } from '../webhooks/receiver';

let ana: TestUser;

beforeAll(async () => {
  env.ALLOW_INSECURE_OUTBOUND = 'true';
  ana = await createUser('Ana');
});

async function hooked(kind: 'mattermost' | 'teams', answers: Answer[] = []) {
  const serviceId = await serviceWithPolicy([
    { delayMinutes: 5, targets: [{ type: 'user', id: ana.id }] },
  ]);
  const rx = await receiver(answers);
  const { hook } = await json<{ hook: { id: string; urlHint: string } }>(
    api('/api/chat/hooks', { body: { serviceId, kind, url: rx.url }, headers: ADMIN }),
    201,
  );
  clearHookCache();
  return { serviceId, rx, hook };
}

/** Run the incident's alarm and the hook's queue until `check` holds; bounded. */
async function pump<T>(
  incidentId: string,
  hookId: string,
  check: () => Promise<T | undefined | false>,
) {
  const deadline = Date.now() + 8_000;
  for (;;) {
    await runDurableObjectAlarm(incidentStub(env, incidentId));
    await runDurableObjectAlarm(slackQueue(env, `${incidentId}/${hookId}`));
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await scheduler.wait(20);
  }
}

const bodies = async (rx: Awaited<ReturnType<typeof receiver>>) =>
  (await rx.received()).map((r) => JSON.parse(r.body) as Record<string, unknown>);

describe('Teams and Mattermost incoming webhooks', () => {
  it('posts a new incident to Teams as an Adaptive Card, then the acknowledgement as another, never showing the URL back', async () => {
    const { serviceId, rx, hook } = await hooked('teams');
    const listed = await (await api('/api/chat/hooks', { headers: ADMIN })).text();
    expect(listed).toContain(hook.id);
    expect(listed).not.toContain(rx.url);
    const incident = await openOn(serviceId, 'Disk full on db-1');
    await json(
      api(`/api/incidents/${incident.id}/acknowledge`, { body: {}, headers: ana.auth }),
      200,
    );
    const got = await pump(incident.id, hook.id, async () => {
      const b = await bodies(rx);
      // The escalation's card may already show "acknowledged"; wait for the acknowledgement's own.
      return b.length >= 2 && JSON.stringify(b.at(-1)).includes('Acknowledged by Ana') && b;
    });
    const card = got[0] as {
      type: string;
      attachments: {
        contentType: string;
        content: { type: string; body: unknown[]; actions: { url: string }[] };
      }[];
    };
    expect(card.type).toBe('message');
    expect(card.attachments[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(card.attachments[0]?.content.type).toBe('AdaptiveCard');
    expect(JSON.stringify(card)).toContain(`#${incident.number} Disk full on db-1`);
    expect(card.attachments[0]?.content.actions[0]?.url).toContain(`/incidents/${incident.id}`);
    expect(JSON.stringify(got.at(-1))).toContain('Acknowledged by Ana');
  });

  it('posts to Mattermost as Markdown, and shows a 410 from it on the incident timeline', async () => {
    const { serviceId, rx, hook } = await hooked('mattermost', [
      { status: 200 },
      { status: 410, body: 'gone' },
    ]);
    const incident = await openOn(serviceId, 'Queue backlog');
    const [first] = await pump(incident.id, hook.id, async () => {
      const b = await bodies(rx);
      return b.length >= 1 && b;
    });
    expect(String(first?.text)).toContain(`[#${incident.number} Queue backlog]`);
    await json(
      api(`/api/incidents/${incident.id}/acknowledge`, { body: {}, headers: ana.auth }),
      200,
    );
    const refused = await pump(incident.id, hook.id, async () =>
      (await timeline(incident.id)).find((e) => e.text.startsWith('Mattermost refused')),
    );
    expect(refused.text).toContain('HTTP 410');
  });
});

describe('Mattermost /firebell', () => {
  const send = (form: Record<string, string>) =>
    SELF.fetch(`${BASE}/hooks/mattermost/commands`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });

  it('refuses a wrong token, links with a Settings code, and acknowledges as the linked user', async () => {
    const team = `mmteam${crypto.randomUUID().slice(0, 8)}`;
    const token = 'mm-token-0123456789';
    const saved = await api(`/api/chat/mattermost/${team}`, {
      method: 'PUT',
      body: { token },
      headers: ADMIN,
    });
    expect(saved.status).toBe(204);
    const base = {
      team_id: team,
      user_id: 'mmu1',
      user_name: 'ana',
      channel_id: 'ch1',
      command: '/firebell',
    };
    const forged = await send({ ...base, token: 'wrong-token-000', text: 'help' });
    expect(forged.status).toBe(401);
    expect(forged.headers.get('content-type')).toContain('application/problem+json');
    const { code } = await json<{ code: string }>(
      api('/api/slack/link-code', { method: 'POST', headers: ana.auth }),
      201,
    );
    const linked = await json<{ text: string }>(
      send({ ...base, token, text: `link ${code}` }),
      200,
    );
    expect(linked.text).toContain('Ana');
    const incident: Incident = await openOn(
      await serviceWithPolicy([{ delayMinutes: 5, targets: [{ type: 'user', id: ana.id }] }]),
    );
    const acked = await json<{ text: string }>(
      send({ ...base, token, text: `ack ${incident.number}` }),
      200,
    );
    expect(acked.text).toContain(`#${incident.number} as Ana`);
    const now = await json<{ incident: Incident }>(
      api(`/api/incidents/${incident.id}`, { headers: ADMIN }),
      200,
    );
    expect(now.incident.acknowledgedBy?.name).toBe('Ana');
  });
});
