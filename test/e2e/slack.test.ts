/**
 * Acceptance: Slack against Firebell started as `npm start` starts it, a Slack Web API stand-in on 127.0.0.1
 * (test/setup/slack-stand-in.mjs, checking the bot token, JSON and Block Kit limits) and a responder's phone in
 * Chromium. Ana links her Slack user from Settings; an alert opens an incident, whose Block Kit message lands in
 * the channel; her signed button press acknowledges it; her incident page turns to Acknowledged live and the
 * Slack message is updated in place, with the event in its thread.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlackStandIn } from '../setup/slack-stand-in.mjs';
import {
  firebellInChromium,
  fireWebhook,
  incidentTitled,
  serviceFor,
  signInThroughInvite,
} from './browser';
import { until } from './harness';

const stand = firebellInChromium({ ALLOW_INSECURE_OUTBOUND: 'true' });
let slack: { origin: string; close: () => Promise<void> };
beforeAll(async () => {
  slack = await startSlackStandIn();
});
afterAll(async () => {
  await slack?.close();
});

const TEAM = 'TE2E0001';
const CHANNEL = 'CE2E0001';
const SLACK_USER = 'UE2EANA1';
const SECRET = 'e2e-signing-secret-0123456789';
const TOKEN = 'xoxb-e2e-0001-abcdef';

interface Posted {
  text: string;
  blocks:
    | {
        type: string;
        text?: { text: string };
        fields?: { text: string }[];
        elements?: { text?: unknown }[];
      }[]
    | null;
  thread_ts: string | null;
  updates: number;
}

const messages = async (): Promise<Record<string, Posted>> =>
  (await fetch(`${slack.origin}/messages/${CHANNEL}`)).json() as Promise<Record<string, Posted>>;
const flat = (m: Posted) => JSON.stringify(m.blocks);

/** POST a form to a Slack hook, signed as Slack signs it: v0=hex(HMAC-SHA256(secret, v0:ts:body)). */
async function fromSlack(path: string, form: Record<string, string>): Promise<Response> {
  const body = new URLSearchParams(form).toString();
  const ts = String(Math.floor(Date.now() / 1000));
  const signature = `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
  return fetch(`${stand.fb.origin}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': ts,
      'x-slack-signature': signature,
    },
    body,
  });
}

describe('Slack end to end', () => {
  it('alert → Slack message → signed Acknowledge press → acknowledged live in the PWA and the message updated', async () => {
    const { fb, browser } = stand;
    await fetch(`${slack.origin}/tokens/${TOKEN}`, { method: 'PUT' });
    const ana = await signInThroughInvite(fb, browser, 'Ana');
    const hook = await serviceFor(fb, ana.user.id, { name: 'checkout' });
    const services = await fb.api<{ services: { id: string; name: string }[] }>('/api/services');
    const serviceId = services.body.services.find((s) => s.name === 'checkout')?.id ?? '';
    const installed = await fb.api('/api/slack/workspaces', {
      body: {
        teamId: TEAM,
        name: 'E2E',
        botToken: TOKEN,
        signingSecret: SECRET,
        apiBase: `${slack.origin}/api`,
      },
    });
    expect(installed.status).toBe(201);
    const mapped = await fb.api(`/api/slack/channels/${serviceId}`, {
      method: 'PUT',
      body: { teamId: TEAM, channelId: CHANNEL },
    });
    expect(mapped.status).toBe(200);

    // Ana links her Slack user from Settings: a one-time code she sends as /firebell link CODE.
    await ana.page.goto(`${fb.origin}/settings`);
    // Settings shows the button once every section above it has loaded (lib/in-order.ts), so none moves it.
    await ana.page.getByRole('button', { name: 'Link Slack' }).click();
    const command = await ana.page.getByRole('textbox', { name: 'Slack command' }).inputValue();
    expect(command).toMatch(/^\/firebell link [A-Z0-9]{4}-[A-Z0-9]{4}$/);
    const linked = await fromSlack('/hooks/slack/commands', {
      command: '/firebell',
      text: command.replace('/firebell ', ''),
      team_id: TEAM,
      user_id: SLACK_USER,
      user_name: 'ana',
      channel_id: CHANNEL,
    });
    expect(((await linked.json()) as { text: string }).text).toContain('Ana');

    const alertedAt = Date.now();
    await fireWebhook(hook, 'Checkout 5xx above 2%', 'checkout-5xx');
    const incident = await incidentTitled(fb, 'Checkout 5xx above 2%');
    const [ts, root] = await until(
      async () => Object.entries(await messages()).find(([, m]) => m.thread_ts === null),
      'the incident message in Slack',
    );
    console.info(`alert → Slack message: ${Date.now() - alertedAt} ms (upper bound, polled)`);
    expect(flat(root)).toContain(`#${incident.number} Checkout 5xx above 2%`);
    expect(flat(root)).toContain('Acknowledge');

    await ana.page.goto(`${fb.origin}/incidents/${incident.id}`);
    await ana.page.getByText('Live', { exact: true }).waitFor();

    const pressedAt = Date.now();
    const press = await fromSlack('/hooks/slack/interactivity', {
      payload: JSON.stringify({
        type: 'block_actions',
        team: { id: TEAM },
        user: { id: SLACK_USER },
        channel: { id: CHANNEL },
        actions: [{ action_id: 'firebell_ack', value: incident.id, type: 'button' }],
      }),
    });
    expect(press.status).toBe(200);
    await ana.page
      .getByText('Acknowledged by Ana', { exact: true })
      .first()
      .waitFor({ timeout: 10_000 });
    const updated = await until(async () => {
      const m = (await messages())[ts];
      return m && m.updates > 0 && flat(m).includes('Acknowledged by Ana') ? m : undefined;
    }, 'the Slack message updated');
    console.info(
      `button press → message updated: ${Date.now() - pressedAt} ms (upper bound, polled)`,
    );
    expect(flat(updated)).not.toContain('"Acknowledge"');
    const thread = Object.values(await messages()).filter((m) => m.thread_ts === ts);
    expect(thread.map((m) => m.text).join('\n')).toMatch(/Acknowledged by Ana/);
    const violations = (await (await fetch(`${slack.origin}/violations`)).json()) as unknown[];
    expect(violations).toEqual([]);
    await ana.context.close();
  });
});
