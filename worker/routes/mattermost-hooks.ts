/**
 * Mattermost's `/firebell` slash command (/hooks/mattermost/commands): the same commands as Slack's, checked
 * with the token Mattermost sends (compared in constant time), acting as the linked Firebell user. The incident
 * command is quick (one Durable Object call), so it runs before the answer and the answer says how it went.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../app-env';
import { safeEqual } from '../auth/secrets';
import { mattermostToken, mattermostUser, redeemForMattermost } from '../chat/chat-hooks';
import { onCallText } from '../chat/oncall-text';
import { HELP_TEXT, parseSlashCommand } from '../chat/slash-command';
import { now } from '../clock';
import { incidentIdByNumber } from '../directory/incident-index';
import { limitBody } from '../edge';
import { badRequest, unauthorized } from '../errors';
import type { CommandResult } from '../incident/object';
import { incidentStub } from '../stubs';

export const mattermostHooks = new Hono<AppEnv>();
mattermostHooks.use('*', limitBody(64 * 1024));

mattermostHooks.post('/commands', async (c) => {
  const form = new URLSearchParams(new TextDecoder().decode(await c.req.arrayBuffer()));
  const teamId = form.get('team_id');
  if (!teamId) throw badRequest('No team_id: the request must come from Mattermost.');
  const expected = await mattermostToken(c.env.DB, c.env.SESSION_SECRET, teamId);
  if (!expected || !(await safeEqual(form.get('token') ?? '', expected)))
    throw unauthorized('The slash command token does not match the one configured for this team.');
  const reply = (text: string) => c.json({ response_type: 'ephemeral', text }, 200);
  const mmUser = form.get('user_id') ?? '';
  const parsed = parseSlashCommand(form.get('text') ?? '');
  if (parsed.kind === 'help') return reply(HELP_TEXT.replace(/\*/g, '**'));
  if (parsed.kind === 'unknown') return reply(parsed.detail);
  if (parsed.kind === 'link') {
    const linked = await redeemForMattermost(
      c.env.DB,
      c.env.SESSION_SECRET,
      parsed.code,
      { teamId, mmUserId: mmUser, mmName: form.get('user_name') ?? mmUser },
      now(),
    );
    return reply(
      linked
        ? `Linked: in Firebell you are **${linked.name}**.`
        : 'That code is unknown or has expired: get a fresh one in Firebell → Settings → Link Slack.',
    );
  }
  const who = await mattermostUser(c.env.DB, teamId, mmUser);
  if (!who)
    return reply(
      'Your Mattermost user is not linked to Firebell yet, so nothing was changed: get a code in Firebell → Settings and send `/firebell link CODE`.',
    );
  if (parsed.kind === 'oncall')
    return reply((await onCallText(c.env.DB, now(), parsed.service)).replace(/\*/g, '**'));
  if (who.role === 'viewer') return reply(`You are a viewer in Firebell (${who.name}).`);
  if (parsed.kind === 'role' || parsed.kind === 'new')
    return reply('In Mattermost, `role` and `new` are not available yet: use Firebell itself.');
  const incidentId = await incidentIdByNumber(c.env.DB, parsed.number);
  if (!incidentId) return reply(`There is no incident #${parsed.number}.`);
  const result = (await incidentStub(c.env, incidentId).command(parsed.command, {
    kind: 'user',
    id: who.id,
    name: who.name,
  })) as CommandResult;
  if (!result.ok) return reply(result.problem.detail);
  return reply(`${parsed.verb} #${parsed.number} as ${who.name}.`);
});
