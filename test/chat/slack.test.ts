/**
 * Slack, inside workerd with the real incident object, the real SlackQueue and a stand-in of the Slack Web
 * API on 127.0.0.1 (test/setup/slack-stand-in.mjs) that checks the bot token, the JSON and Block Kit limits.
 * Requests from Slack are signed here as Slack signs them (v0 HMAC over `v0:timestamp:body`).
 */
import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { TITLE_MAX_CHARS, type Incident, type TimelineEntry } from '../../schema/incident';
import type { SlackError } from '../../schema/slack-schemas';
import { ADMIN, api, createUser, json, timeline, type TestUser } from '../helpers';
import { openOn, serviceWithPolicy, serviceWithoutPolicy } from '../escalation/setup';
import {
  buttonPress,
  calls,
  dueNow,
  failNext,
  installWorkspace,
  mapChannel,
  messages,
  pump,
  sendSigned,
  slash,
  uniqueSlackUser,
  violations,
  type Block,
  type Posted,
} from './support';

let ana: TestUser;
let viewer: TestUser;

beforeAll(async () => {
  env.ALLOW_INSECURE_OUTBOUND = 'true';
  ana = await createUser('Ana');
  viewer = await createUser('Vic', 'viewer');
});

const incidentOf = async (id: string) =>
  (await json<{ incident: Incident }>(api(`/api/incidents/${id}`, { headers: ADMIN }), 200))
    .incident;

/** The incident's root message in the channel (the one not in a thread). */
async function rootOf(channel: string): Promise<[string, Posted] | undefined> {
  return Object.entries(await messages(channel)).find(([, m]) => m.thread_ts === null);
}

const blockText = (blocks: Block[] | null) =>
  (blocks ?? [])
    .flatMap((b) => [
      b.text?.text ?? '',
      ...(b.fields ?? []).map((f) => f.text),
      ...(b.type === 'context' ? (b.elements ?? []).map((e) => (e as { text: string }).text) : []),
    ])
    .join('\n');
const buttons = (blocks: Block[] | null) =>
  (blocks ?? [])
    .filter((b) => b.type === 'actions')
    .flatMap((b) => b.elements ?? [])
    .map((e) => (typeof e.text === 'string' ? e.text : e.text?.text));

/** A service paging Ana, mapped to a fresh channel of a fresh workspace, and one incident on it, posted. */
async function postedIncident() {
  const ws = await installWorkspace();
  const serviceId = await serviceWithPolicy([
    { delayMinutes: 5, targets: [{ type: 'user', id: ana.id }] },
  ]);
  const channel = await mapChannel(serviceId, ws.teamId);
  const incident = await openOn(serviceId, 'Checkout is down');
  const [ts] = await pump(incident.id, () => rootOf(channel), 'the incident message');
  return { ws, serviceId, channel, incident, ts };
}

/** Link a Slack user to `user` the way a person does: a code from Settings, sent as `/firebell link CODE`. */
async function link(
  ws: { teamId: string; signingSecret: string },
  user: TestUser,
  slackUser: string,
) {
  const { code } = await json<{ code: string }>(
    api('/api/slack/link-code', { method: 'POST', headers: user.auth }),
    201,
  );
  const res = await sendSigned(
    '/hooks/slack/commands',
    slash(ws.teamId, slackUser, 'CDM', `link ${code}`),
    ws.signingSecret,
  );
  const body = await json<{ text: string }>(res, 200);
  expect(body.text).toContain(user.name);
}

describe('installing Slack', () => {
  it('installs a workspace without ever answering its bot token or signing secret, and keeps them encrypted', async () => {
    const ws = await installWorkspace();
    const list = await api('/api/slack/workspaces', { headers: ADMIN });
    const text = await list.text();
    expect(text).toContain(ws.teamId);
    expect(text).not.toContain(ws.botToken);
    expect(text).not.toContain(ws.signingSecret);
    const row = await env.DB.prepare(
      'SELECT bot_token, signing_secret FROM slack_workspaces WHERE team_id = ?',
    )
      .bind(ws.teamId)
      .first<{ bot_token: string; signing_secret: string }>();
    expect(row?.bot_token).not.toContain(ws.botToken);
    expect(row?.signing_secret).not.toContain(ws.signingSecret);
  });

  it('refuses a responder, a malformed token and an API base on a private address, with a problem naming the field', async () => {
    const body = {
      teamId: 'T1',
      name: 'Acme',
      botToken: 'xoxb-1234-abcd',
      signingSecret: 'abcdefgh1234',
    };
    const asResponder = await api('/api/slack/workspaces', { body, headers: ana.auth });
    expect(asResponder.status).toBe(403);
    const badToken = await api('/api/slack/workspaces', {
      body: { ...body, botToken: 'hunter2' },
      headers: ADMIN,
    });
    expect(badToken.status).toBe(400);
    expect(badToken.headers.get('content-type')).toContain('application/problem+json');
    expect(await badToken.text()).toContain('botToken');
    env.ALLOW_INSECURE_OUTBOUND = undefined;
    try {
      const local = await api('/api/slack/workspaces', {
        body: { ...body, apiBase: 'http://10.0.0.5/api' },
        headers: ADMIN,
      });
      expect(local.status).toBe(400);
      expect(await local.text()).toContain('apiBase');
    } finally {
      env.ALLOW_INSECURE_OUTBOUND = 'true';
    }
  });

  it('maps a service to a channel, refusing an unknown workspace or service; the OpenAPI document lists it', async () => {
    const ws = await installWorkspace();
    const serviceId = await serviceWithoutPolicy();
    const channel = await mapChannel(serviceId, ws.teamId);
    const { channels } = await json<{ channels: { serviceId: string; channelId: string }[] }>(
      api('/api/slack/channels', { headers: ADMIN }),
      200,
    );
    expect(channels).toContainEqual(expect.objectContaining({ serviceId, channelId: channel }));
    const unknownTeam = await api(`/api/slack/channels/${serviceId}`, {
      method: 'PUT',
      body: { teamId: 'TNOPE', channelId: 'C1' },
      headers: ADMIN,
    });
    expect(unknownTeam.status).toBe(400);
    expect(await unknownTeam.text()).toContain('TNOPE');
    const unknownService = await api('/api/slack/channels/svc_nope', {
      method: 'PUT',
      body: { teamId: ws.teamId, channelId: 'C1' },
      headers: ADMIN,
    });
    expect(unknownService.status).toBe(404);
    const doc = await json<{ paths: Record<string, unknown> }>(api('/api/openapi.json'), 200);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/slack/workspaces',
        '/api/slack/channels/{serviceId}',
        '/api/slack/link-code',
      ]),
    );
  });
});

describe('incident messages in Slack', () => {
  it('posts a new incident as a Block Kit message with severity, title, service, who is paged, alerts, and the three buttons', async () => {
    const { channel, incident } = await postedIncident();
    const [first] = await calls(channel);
    expect(first?.method).toBe('chat.postMessage');
    const root = (await rootOf(channel))?.[1] as Posted;
    const text = blockText(root.blocks);
    expect(text).toContain(`#${incident.number} Checkout is down`);
    expect(text).toContain('critical');
    expect(text).toContain(`Service ${incident.serviceId}`);
    expect(text).toContain('*Alerts*');
    expect(text).toContain(`/incidents/${incident.id}`);
    expect(buttons(root.blocks)).toEqual(['Acknowledge', 'Resolve', 'Open']);
    // Ana is paged by the policy: once the page is out the message says so.
    const named = await pump(
      incident.id,
      async () =>
        blockText((await rootOf(channel))?.[1].blocks ?? null).includes('Ana') ? true : null,
      'Ana named as paged',
    );
    expect(named).toBe(true);
    expect(await violations()).toEqual([]);
  });

  it('updates the same message in place when the incident is acknowledged, and puts the event in its thread', async () => {
    const { channel, incident, ts } = await postedIncident();
    await json(
      api(`/api/incidents/${incident.id}/acknowledge`, { body: {}, headers: ana.auth }),
      200,
    );
    const root = await pump(
      incident.id,
      async () => {
        const r = (await messages(channel))[ts];
        return r && r.updates > 0 && blockText(r.blocks).includes('Acknowledged') ? r : null;
      },
      'the message updated',
    );
    expect(buttons(root.blocks)).toEqual(['Resolve', 'Open']);
    const thread = Object.values(await messages(channel)).filter((m) => m.thread_ts === ts);
    expect(thread.map((m) => m.text).join('\n')).toMatch(/Ana.*acknowledged/i);
    // One message for the incident, never a second root.
    expect(Object.values(await messages(channel)).filter((m) => m.thread_ts === null)).toHaveLength(
      1,
    );
  });

  it('keeps within Block Kit limits with the longest title and an 8000-character note', async () => {
    const ws = await installWorkspace();
    const serviceId = await serviceWithoutPolicy();
    const channel = await mapChannel(serviceId, ws.teamId);
    const incident = await openOn(
      serviceId,
      `${'Very long title '.repeat(40)}`.slice(0, TITLE_MAX_CHARS),
    );
    await json(
      api(`/api/incidents/${incident.id}/notes`, {
        body: { text: 'x'.repeat(8000) },
        headers: ana.auth,
      }),
      200,
    );
    const reply = await pump(
      incident.id,
      async () => Object.values(await messages(channel)).find((m) => m.thread_ts !== null),
      'the note in the thread',
    );
    expect(reply.text.length).toBeLessThanOrEqual(3000);
    const root = (await rootOf(channel))?.[1] as Posted;
    for (const b of root.blocks ?? []) expect(b.text?.text.length ?? 0).toBeLessThanOrEqual(3000);
    expect(await violations()).toEqual([]);
  });

  it('retries when Slack answers 500 and 429, and posts the message once', async () => {
    const ws = await installWorkspace();
    const serviceId = await serviceWithoutPolicy();
    const channel = await mapChannel(serviceId, ws.teamId);
    await failNext(channel, [{ status: 500 }, { status: 429, retryAfter: 1 }]);
    const incident = await openOn(serviceId);
    // Each retry is due seconds later: bring it forward, as the passing of time would.
    const root = await pump(
      incident.id,
      async () => (await dueNow(incident.id), rootOf(channel)),
      'the message after two failures',
    );
    expect(root).toBeDefined();
    const posts = (await calls(channel)).filter(
      (c) => c.method === 'chat.postMessage' && !c.body.thread_ts,
    );
    expect(posts).toHaveLength(3);
  });

  it('shows channel_not_found on the incident timeline and in Admin instead of dropping it', async () => {
    const ws = await installWorkspace();
    const serviceId = await serviceWithoutPolicy();
    const channel = await mapChannel(serviceId, ws.teamId, 'CNOTFOUND');
    const incident = await openOn(serviceId);
    const entry = await pump(
      incident.id,
      async () => (await timeline(incident.id)).find((e) => /Slack refused/.test(e.text)),
      'the refusal on the timeline',
    );
    expect(entry.text).toContain('channel_not_found');
    const { errors } = await json<{ errors: SlackError[] }>(
      api('/api/slack/errors', { headers: ADMIN }),
      200,
    );
    expect(errors).toContainEqual(
      expect.objectContaining({
        incidentId: incident.id,
        channelId: channel,
        error: 'channel_not_found',
      }),
    );
  });

  it('reports invalid_auth when the bot token was revoked', async () => {
    const ws = await installWorkspace({ acceptToken: false });
    const serviceId = await serviceWithoutPolicy();
    await mapChannel(serviceId, ws.teamId);
    const incident = await openOn(serviceId);
    const entry = await pump(
      incident.id,
      async () =>
        (await timeline(incident.id)).find((e: TimelineEntry) => /Slack refused/.test(e.text)),
      'invalid_auth on the timeline',
    );
    expect(entry.text).toContain('invalid_auth');
  });
});

describe('buttons and /firebell from Slack', () => {
  it('acknowledges from a signed button press by a linked user, and the message shows it', async () => {
    const { ws, channel, incident, ts } = await postedIncident();
    const slackUser = uniqueSlackUser();
    await link(ws, ana, slackUser);
    const res = await sendSigned(
      '/hooks/slack/interactivity',
      buttonPress(ws.teamId, slackUser, channel, 'firebell_ack', incident.id),
      ws.signingSecret,
    );
    expect(res.status).toBe(200);
    const root = await pump(
      incident.id,
      async () => {
        const r = (await messages(channel))[ts];
        return r && blockText(r.blocks).includes('Acknowledged by Ana') ? r : null;
      },
      'the message acknowledged by Ana',
    );
    expect(buttons(root.blocks)).toEqual(['Resolve', 'Open']);
    const now = await incidentOf(incident.id);
    expect(now.status).toBe('acknowledged');
    expect(now.acknowledgedBy?.name).toBe('Ana');
  });

  it('answers an unlinked Slack user with an ephemeral message on how to link, and changes nothing', async () => {
    const { ws, channel, incident } = await postedIncident();
    const stranger = uniqueSlackUser();
    const res = await sendSigned(
      '/hooks/slack/interactivity',
      buttonPress(ws.teamId, stranger, channel, 'firebell_resolve', incident.id),
      ws.signingSecret,
    );
    expect(res.status).toBe(200);
    const told = await pump(
      incident.id,
      async () =>
        (await calls(channel)).find(
          (c) => c.method === 'chat.postEphemeral' && c.body.user === stranger,
        ),
      'the ephemeral answer',
    );
    expect(told.body.text).toMatch(/not linked.*\/firebell link/s);
    expect((await incidentOf(incident.id)).status).toBe('triggered');
  });

  it('refuses forged, stale and replayed requests', async () => {
    const { ws, channel, incident } = await postedIncident();
    const body = buttonPress(ws.teamId, uniqueSlackUser(), channel, 'firebell_ack', incident.id);
    const forged = await sendSigned('/hooks/slack/interactivity', body, 'not-the-secret');
    expect(forged.status).toBe(401);
    expect(forged.headers.get('content-type')).toContain('application/problem+json');
    expect(await forged.text()).toContain('signature');
    const stale = await sendSigned('/hooks/slack/interactivity', body, ws.signingSecret, {
      at: Date.now() - 6 * 60_000,
    });
    expect(stale.status).toBe(401);
    expect(await stale.text()).toContain('five minutes');
    const at = Date.now();
    const once = await sendSigned(
      '/hooks/slack/commands',
      slash(ws.teamId, 'U1', channel, 'help'),
      ws.signingSecret,
      { at },
    );
    expect(once.status).toBe(200);
    const again = await sendSigned(
      '/hooks/slack/commands',
      slash(ws.teamId, 'U1', channel, 'help'),
      ws.signingSecret,
      { at },
    );
    expect(again.status).toBe(401);
    expect(await again.text()).toContain('replay');
    const unsigned = await sendSigned(
      '/hooks/slack/commands',
      slash(ws.teamId, 'U1', channel, 'help'),
      ws.signingSecret,
      {
        signature: '',
      },
    );
    expect(unsigned.status).toBe(401);
  });

  it('runs /firebell note, ack and resolve as the linked user, answering at once', async () => {
    const { ws, channel, incident } = await postedIncident();
    const slackUser = uniqueSlackUser();
    await link(ws, ana, slackUser);
    const run = async (text: string) =>
      (
        await json<{ response_type: string; text: string }>(
          sendSigned(
            '/hooks/slack/commands',
            slash(ws.teamId, slackUser, channel, text),
            ws.signingSecret,
          ),
          200,
        )
      ).text;
    expect(await run(`note ${incident.number} rolled back the deploy`)).toContain(
      `#${incident.number}`,
    );
    await pump(
      incident.id,
      async () =>
        (await timeline(incident.id)).find((e) => e.text.includes('rolled back the deploy')),
      'the note',
    );
    expect(await run(`ack #${incident.number}`)).toContain('as Ana');
    await pump(
      incident.id,
      async () => (await incidentOf(incident.id)).status === 'acknowledged',
      'acknowledged',
    );
    expect(await run(`resolve ${incident.number}`)).toContain('Resolved');
    const root = await pump(
      incident.id,
      async () => {
        const r = (await rootOf(channel))?.[1];
        return r && blockText(r.blocks).includes('Resolved by Ana') ? r : null;
      },
      'the message resolved',
    );
    expect(buttons(root.blocks)).toEqual(['Open']);
    const thread = Object.values(await messages(channel))
      .map((m) => m.text ?? '')
      .join('\n');
    expect(thread).toContain('rolled back the deploy');
  });

  it('answers help, oncall, an unknown verb, a missing incident and an unlinked user', async () => {
    const ws = await installWorkspace();
    const serviceId = await serviceWithPolicy([
      { delayMinutes: 5, targets: [{ type: 'user', id: ana.id }] },
    ]);
    const slackUser = uniqueSlackUser();
    const run = async (user: string, text: string) =>
      (
        await json<{ text: string }>(
          sendSigned('/hooks/slack/commands', slash(ws.teamId, user, 'C1', text), ws.signingSecret),
          200,
        )
      ).text;
    expect(await run(slackUser, 'help')).toContain('/firebell ack 42');
    expect(await run(slackUser, 'ack 1')).toMatch(/not linked/);
    await link(ws, ana, slackUser);
    expect(await run(slackUser, 'dance')).toContain('/firebell help');
    expect(await run(slackUser, 'ack 99999999')).toContain('no incident #99999999');
    const oncall = await run(slackUser, `oncall Service ${serviceId}`);
    expect(oncall).toContain(`Service ${serviceId}`);
    expect(oncall).toContain('Ana');
    expect(await run(slackUser, 'link WRONG-CODE')).toMatch(/unknown or has expired/);
  });

  it('opens an incident with /firebell new and gives a mentioned, linked teammate a role', async () => {
    const ws = await installWorkspace();
    const serviceId = await serviceWithoutPolicy();
    const ben = await createUser('Ben');
    const [anaSlack, benSlack] = [uniqueSlackUser(), uniqueSlackUser()];
    await link(ws, ana, anaSlack);
    await link(ws, ben, benSlack);
    const run = async (text: string) =>
      (
        await json<{ text: string }>(
          sendSigned(
            '/hooks/slack/commands',
            slash(ws.teamId, anaSlack, 'C1', text),
            ws.signingSecret,
          ),
          200,
        )
      ).text;
    const opened = await run(
      `new "Payments timing out" --severity critical --service "Service ${serviceId}"`,
    );
    const number = Number(/#(\d+)/.exec(opened)?.[1]);
    expect(opened).toContain('Payments timing out');
    const id = await env.DB.prepare('SELECT id FROM incidents WHERE number = ?')
      .bind(number)
      .first<{ id: string }>();
    const incident = await incidentOf(id?.id ?? '');
    expect(incident).toMatchObject({
      title: 'Payments timing out',
      severity: 'critical',
      serviceId,
    });
    expect(await run(`role ${number} commander <@${benSlack}|ben>`)).toContain('to Ben');
    await pump(
      incident.id,
      async () => (await incidentOf(incident.id)).roles.incident_commander === ben.id,
      'the role',
    );
    expect(await run(`role ${number} commander @nobody`)).toMatch(/linked/);
    expect(await run(`new "x" --severity loud`)).toMatch(/Severity is one of/);
  });

  it('lets a linked viewer read but not act', async () => {
    const { ws, channel, incident } = await postedIncident();
    const slackUser = uniqueSlackUser();
    await link(ws, viewer, slackUser);
    const res = await json<{ text: string }>(
      sendSigned(
        '/hooks/slack/commands',
        slash(ws.teamId, slackUser, channel, `ack ${incident.number}`),
        ws.signingSecret,
      ),
      200,
    );
    expect(res.text).toContain('viewer');
    expect((await incidentOf(incident.id)).status).toBe('triggered');
  });
});
