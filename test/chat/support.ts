/** The test side of the Slack stand-in (test/setup/slack-stand-in.mjs): workspaces, channels, signed requests. */
import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { inject } from 'vitest';
import { clearChannelCache } from '../../worker/chat/slack-directory';
import { slackQueue } from '../../worker/chat/slack-queue';
import { incidentStub } from '../../worker/stubs';
import { ADMIN, BASE, api, json } from '../helpers';

export interface Call {
  method: string;
  body: Record<string, unknown> & {
    blocks?: Block[];
    ts?: string;
    thread_ts?: string;
    text?: string;
  };
}
export interface Block {
  type: string;
  text?: { text: string };
  fields?: { text: string }[];
  elements?: { type: string; text?: { text: string } | string; action_id?: string; url?: string }[];
}
export interface Posted {
  text: string;
  blocks: Block[] | null;
  thread_ts: string | null;
  updates: number;
}

let n = 0;
const unique = (prefix: string) =>
  `${prefix}${crypto.randomUUID().slice(0, 8).toUpperCase()}${(n++).toString(36).toUpperCase()}`; // unique across test files

export const slackApi = () => inject('slackApi');

/** Install a fresh workspace (its own team id, bot token and signing secret) against the stand-in. */
export async function installWorkspace(opts: { acceptToken?: boolean } = {}) {
  const teamId = unique('T');
  const botToken = `xoxb-${unique('tok').toLowerCase()}`;
  const signingSecret = `secret-${unique('s')}`;
  if (opts.acceptToken !== false)
    await fetch(`${slackApi()}/tokens/${botToken}`, { method: 'PUT' });
  const res = await api('/api/slack/workspaces', {
    body: { teamId, name: `Team ${teamId}`, botToken, signingSecret, apiBase: `${slackApi()}/api` },
    headers: ADMIN,
  });
  await json(res, 201);
  return { teamId, botToken, signingSecret };
}

/** Map a service to a fresh channel id (prefix CNOTFOUND / CNOTIN to make the stand-in refuse). */
export async function mapChannel(serviceId: string, teamId: string, prefix = 'C'): Promise<string> {
  const channelId = unique(prefix);
  await json(
    api(`/api/slack/channels/${serviceId}`, {
      method: 'PUT',
      body: { teamId, channelId },
      headers: ADMIN,
    }),
    200,
  );
  clearChannelCache();
  return channelId;
}

export const calls = async (channel: string): Promise<Call[]> =>
  (await fetch(`${slackApi()}/calls/${channel}`)).json();
export const messages = async (channel: string): Promise<Record<string, Posted>> =>
  (await fetch(`${slackApi()}/messages/${channel}`)).json();
export const violations = async (): Promise<unknown[]> =>
  (await fetch(`${slackApi()}/violations`)).json();
export const failNext = (channel: string, answers: { status: number; retryAfter?: number }[]) =>
  fetch(`${slackApi()}/fail/${channel}`, { method: 'PUT', body: JSON.stringify(answers) });

/**
 * Run the incident's alarm (which hands events to its Slack queue) and the queue's alarm, as the runtime
 * would, until `check` holds; bounded, no fixed sleep.
 */
export async function pump<T>(
  incidentId: string,
  check: () => Promise<T | undefined | false | null>,
  what: string,
  timeoutMs = 8_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await runDurableObjectAlarm(incidentStub(env, incidentId));
    await runDurableObjectAlarm(slackQueue(env, incidentId));
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await scheduler.wait(20);
  }
}

/** Make the incident's waiting Slack retries due now (instead of waiting out the backoff). */
export async function dueNow(incidentId: string): Promise<void> {
  await runInDurableObject(slackQueue(env, incidentId), (_queue, state) => {
    state.storage.sql.exec('UPDATE queue SET next_at = 0');
  });
}

/** Sign a body as Slack does: v0=hex(HMAC-SHA256(secret, "v0:" + ts + ":" + body)). */
export async function slackSign(secret: string, timestamp: string, body: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = await crypto.subtle.sign(
    'HMAC',
    key,
    new TextEncoder().encode(`v0:${timestamp}:${body}`),
  );
  return `v0=${[...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** POST a form body to a Slack hook, signed with `secret` at `at` (ms), as Slack sends it. */
export async function sendSigned(
  path: '/hooks/slack/interactivity' | '/hooks/slack/commands',
  body: string,
  secret: string,
  opts: { at?: number; signature?: string } = {},
): Promise<Response> {
  const timestamp = String(Math.floor((opts.at ?? Date.now()) / 1000));
  const signature = opts.signature ?? (await slackSign(secret, timestamp, body));
  const { SELF } = await import('cloudflare:test');
  return SELF.fetch(`${BASE}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': signature,
    },
    body,
  });
}

/** A block_actions interaction body: `user` pressed the button `actionId` on the incident's message. */
export function buttonPress(
  teamId: string,
  user: string,
  channel: string,
  actionId: string,
  incidentId: string,
) {
  const payload = {
    type: 'block_actions',
    team: { id: teamId },
    user: { id: user },
    channel: { id: channel },
    actions: [{ action_id: actionId, value: incidentId, type: 'button' }],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** A slash command body: `/firebell <text>` typed by `user` in `channel`. */
export function slash(teamId: string, user: string, channel: string, text: string) {
  return new URLSearchParams({
    command: '/firebell',
    text,
    team_id: teamId,
    user_id: user,
    user_name: user.toLowerCase(),
    channel_id: channel,
    response_url: 'https://hooks.slack.com/commands/T/1/x',
  }).toString();
}

export const uniqueSlackUser = () => unique('U');
