/**
 * Requests from Slack: button presses (/hooks/slack/interactivity) and the `/firebell` slash command
 * (/hooks/slack/commands). Each is verified with the workspace's signing secret (v0 HMAC, five-minute window)
 * and refused when forged, stale or replayed. Slack wants an answer within 3 s, so the answer goes first and
 * the work (the incident command, an ephemeral reply) runs after it through waitUntil.
 */
import { Hono, type Context } from 'hono';
import type { IncidentCommand } from '../../schema/incident';
import type { AppEnv } from '../app-env';
import { onCallText } from '../chat/oncall-text';
import { callSlack } from '../chat/slack-api';
import {
  credentials,
  firstSighting,
  linkedUser,
  redeemLinkCode,
  renameLink,
  type SlackCredentials,
} from '../chat/slack-directory';
import { ACK_ACTION, RESOLVE_ACTION } from '../chat/slack-message';
import { verifySlack } from '../chat/slack-verify';
import { HELP_TEXT, parseSlashCommand } from '../chat/slash-command';
import { now } from '../clock';
import { incidentIdByNumber } from '../directory/incident-index';
import { listServices } from '../directory/services';
import { newId } from '../ids';
import type { Env } from '../env';
import { limitBody } from '../edge';
import { badRequest, unauthorized } from '../errors';
import type { CommandResult } from '../incident/object';
import { incidentStub } from '../stubs';

export const slackHooks = new Hono<AppEnv>();
slackHooks.use('*', limitBody(64 * 1024));

type Linked = { id: string; name: string; role: string };

const linkHelp = (origin: string) =>
  `Your Slack user is not linked to Firebell yet, so nothing was changed. Open ${origin}/settings, choose “Link Slack”, and send the code it shows here as \`/firebell link CODE\`.`;

const originOf = (c: Context<AppEnv>) =>
  c.env.PUBLIC_URL ? new URL(c.env.PUBLIC_URL).origin : new URL(c.req.url).origin;

/** Read the form body, find its workspace, and check the signature, the window and that it is not a replay. */
async function verified(
  c: Context<AppEnv>,
  teamOf: (form: URLSearchParams) => string | null,
): Promise<{ form: URLSearchParams; workspace: SlackCredentials }> {
  // Slack sends forms; the signature is over the exact bytes, so read them as they came.
  const body = new TextDecoder().decode(await c.req.arrayBuffer());
  const form = new URLSearchParams(body);
  const teamId = teamOf(form);
  if (!teamId) throw badRequest('No team id in the request: it must come from Slack.');
  const workspace = await credentials(c.env.DB, c.env.SESSION_SECRET, teamId);
  if (!workspace) throw unauthorized(`Slack workspace ${teamId} is not installed in Firebell.`);
  const signature = c.req.header('x-slack-signature');
  const verdict = await verifySlack(
    workspace.signingSecret,
    { timestamp: c.req.header('x-slack-request-timestamp'), signature },
    body,
    now(),
  );
  if (!verdict.ok) throw unauthorized(verdict.detail);
  if (!(await firstSighting(c.env.DB, signature as string, now())))
    throw unauthorized('This request was already received: refused as a replay.');
  return { form, workspace };
}

/** Tell one person something only they see, in the channel they acted in. */
function ephemeral(
  c: Context<AppEnv>,
  workspace: SlackCredentials,
  channel: string | undefined,
  user: string,
  text: string,
): void {
  if (!channel) return;
  c.executionCtx.waitUntil(
    callSlack(c.env, workspace, 'chat.postEphemeral', { channel, user, text }).then((r) => {
      if (r.kind !== 'ok') console.error('slack: ephemeral refused', r.error);
    }),
  );
}

/** Run a command on an incident as the linked user; a refusal comes back to them as an ephemeral message. */
async function act(
  env: Env,
  incidentId: string,
  command: IncidentCommand,
  who: Linked,
  tell: (text: string) => void,
): Promise<void> {
  // RPC return types are structurally rewritten by workers-types; the object returns a CommandResult.
  const result = (await incidentStub(env, incidentId).command(command, {
    kind: 'user',
    id: who.id,
    name: who.name,
  })) as CommandResult;
  // A success shows in the channel: the change reaches the message through the incident's chat outbox.
  if (result.ok) return;
  tell(result.problem.detail);
}

function parsePayload(form: URLSearchParams): Record<string, unknown> {
  try {
    return JSON.parse(form.get('payload') ?? '') as Record<string, unknown>;
  } catch {
    throw badRequest('The form field `payload` must be Slack’s interaction JSON.');
  }
}

slackHooks.post('/interactivity', async (c) => {
  const { form, workspace } = await verified(c, (f) => {
    const team = parsePayload(f).team as { id?: string } | undefined;
    return team?.id ?? null;
  });
  const payload = parsePayload(form) as {
    type?: string;
    user?: { id?: string };
    channel?: { id?: string };
    actions?: { action_id?: string; value?: string }[];
  };
  const action = payload.actions?.[0];
  const slackUser = payload.user?.id;
  const type =
    action?.action_id === ACK_ACTION
      ? 'acknowledge'
      : action?.action_id === RESOLVE_ACTION
        ? 'resolve'
        : null;
  // Open is a link button: Slack still reports the press, and there is nothing to do.
  if (payload.type !== 'block_actions' || !type || !slackUser || !action?.value)
    return c.body(null, 200);
  const channel = payload.channel?.id;
  const tell = (text: string) => ephemeral(c, workspace, channel, slackUser, text);
  const who = await linkedUser(c.env.DB, workspace.teamId, slackUser);
  if (!who) {
    tell(linkHelp(originOf(c)));
    return c.body(null, 200);
  }
  if (who.role === 'viewer') {
    tell(
      `You are a viewer in Firebell (${who.name}): ask an admin for the responder role to ${type} incidents.`,
    );
    return c.body(null, 200);
  }
  c.executionCtx.waitUntil(act(c.env, action.value, { type }, who, tell));
  return c.body(null, 200);
});

slackHooks.post('/commands', async (c) => {
  const { form, workspace } = await verified(c, (f) => f.get('team_id'));
  const slackUser = form.get('user_id') ?? '';
  const channel = form.get('channel_id') ?? undefined;
  const reply = (text: string) => c.json({ response_type: 'ephemeral', text }, 200);
  const parsed = parseSlashCommand(form.get('text') ?? '');
  if (parsed.kind === 'help') return reply(HELP_TEXT);
  if (parsed.kind === 'unknown') return reply(parsed.detail);
  if (parsed.kind === 'link') {
    const linked = await redeemLinkCode(
      c.env.DB,
      c.env.SESSION_SECRET,
      parsed.code,
      {
        teamId: workspace.teamId,
        slackUserId: slackUser,
        slackName: form.get('user_name') ?? slackUser,
      },
      now(),
    );
    if (!linked)
      return reply(
        'That code is unknown or has expired: get a fresh one in Firebell → Settings → Link Slack.',
      );
    // Keep Slack's own display name with the link (for Settings), after the answer.
    c.executionCtx.waitUntil(
      callSlack(c.env, workspace, 'users.info', { user: slackUser }).then(async (r) => {
        const profile =
          r.kind === 'ok' ? (r.body.user as { real_name?: string; name?: string }) : null;
        const name = profile?.real_name || profile?.name;
        if (name) await renameLink(c.env.DB, workspace.teamId, slackUser, name);
      }),
    );
    return reply(
      `Linked: in Firebell you are *${linked.name}*. Buttons and commands now act as you.`,
    );
  }
  const who = await linkedUser(c.env.DB, workspace.teamId, slackUser);
  if (!who) return reply(linkHelp(originOf(c)));
  if (parsed.kind === 'oncall') return reply(await onCallText(c.env.DB, now(), parsed.service));
  if (who.role === 'viewer')
    return reply(
      `You are a viewer in Firebell (${who.name}): ask an admin for the responder role.`,
    );
  if (parsed.kind === 'new') {
    const services = await listServices(c.env.DB);
    const wanted = parsed.service?.toLowerCase();
    const service = wanted
      ? services.find((s) => s.name.toLowerCase() === wanted || s.id === parsed.service)
      : null;
    if (wanted && !service) return reply(`There is no service “${parsed.service}”.`);
    const id = newId('inc');
    const incident = await incidentStub(c.env, id).create({
      id,
      title: parsed.title,
      severity: parsed.severity,
      serviceId: service?.id ?? null,
      actor: { kind: 'user', id: who.id, name: who.name },
    });
    return reply(`Opened #${incident.number} ${incident.title} as ${who.name}.`);
  }
  const incidentId = await incidentIdByNumber(c.env.DB, parsed.number);
  if (!incidentId) return reply(`There is no incident #${parsed.number}.`);
  const tell = (text: string) => ephemeral(c, workspace, channel, slackUser, text);
  if (parsed.kind === 'role') {
    const roles = (c.env.INCIDENT_ROLES ?? 'incident_commander,incident_manager')
      .split(',')
      .map((r) => r.trim());
    const role =
      roles.find((r) => r === parsed.role) ?? roles.find((r) => r.split('_').includes(parsed.role));
    if (!role) return reply(`No role “${parsed.role}”: the roles are ${roles.join(', ')}.`);
    // Slack escapes a mention as <@U123|name> (the manifest asks it to); a linked Slack user names a Firebell one.
    const mentioned = /^<@([A-Z0-9]+)(?:\|[^>]*)?>$/.exec(parsed.mention)?.[1];
    const holder = mentioned ? await linkedUser(c.env.DB, workspace.teamId, mentioned) : null;
    if (!holder)
      return reply(`Mention a teammate whose Slack user is linked to Firebell, like @ana.`);
    c.executionCtx.waitUntil(
      act(c.env, incidentId, { type: 'assign_role', role, userId: holder.id }, who, tell),
    );
    return reply(`Gave ${role} on #${parsed.number} to ${holder.name}.`);
  }
  c.executionCtx.waitUntil(act(c.env, incidentId, parsed.command, who, tell));
  return reply(`${parsed.verb} #${parsed.number} as ${who.name}.`);
});
