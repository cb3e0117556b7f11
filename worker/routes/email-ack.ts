/**
 * /api/email/ack: the acknowledge link in an email page, without a session. The token is the push action
 * token (same signing, same 24 h expiry), naming the address it was sent to, so removing the address
 * revokes it. GET only shows the incident and one button; the POST acknowledges. Mail security scanners
 * open every link in a message, and an acknowledgement made by a scanner would silently stop escalation.
 * Each link acknowledges at most once: its POST carries an idempotency key derived from the token.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../app-env';
import { now } from '../clock';
import { getMethod } from '../directory/contact-methods';
import { getUser, isActive } from '../directory/users';
import { limitBody } from '../edge';
import type { Env } from '../env';
import type { CommandResult, IncidentView } from '../incident/object';
import { verifyActionToken, type ActionClaims } from '../push/action-token';
import { incidentStub } from '../stubs';

export const emailAck = new Hono<AppEnv>();
emailAck.use('*', limitBody(4 * 1024));

type Status = 200 | 400 | 401 | 403 | 404 | 409;

emailAck.get('/ack', async (c) => {
  const token = c.req.query('token') ?? '';
  const checked = await check(c.env, token);
  if ('status' in checked) return c.html(page(checked.title, checked.text), checked.status);
  const view = (await incidentStub(c.env, checked.claims.incidentId).view()) as IncidentView | null;
  if (!view) return c.html(page('No such incident', 'This incident no longer exists.'), 404);
  const { incident } = view;
  const label = `#${incident.number} ${incident.title}`;
  if (incident.status !== 'triggered')
    return c.html(
      page(
        `#${incident.number} is ${incident.status}`,
        `${label} is already ${incident.status}${incident.acknowledgedBy ? ` by ${incident.acknowledgedBy.name}` : ''}. Nothing to do.`,
      ),
      200,
    );
  return c.html(
    page(
      `Acknowledge #${incident.number}?`,
      `${label} (${incident.severity}) is waiting for someone. Acknowledging tells the others you are on it and stops the paging.`,
      `<form method="post" action="/api/email/ack"><input type="hidden" name="token" value="${esc(token)}"><button type="submit">Acknowledge #${incident.number}</button></form>`,
    ),
    200,
  );
});

emailAck.post('/ack', async (c) => {
  const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
  const token = typeof form.token === 'string' ? form.token : '';
  const checked = await check(c.env, token);
  if ('status' in checked) return c.html(page(checked.title, checked.text), checked.status);
  const { claims, user } = checked;
  const result = (await incidentStub(c.env, claims.incidentId).command(
    { type: 'acknowledge' },
    { kind: 'user', id: user.id, name: user.name },
    `email-link:${await keyOf(token)}`,
  )) as CommandResult;
  if (!result.ok)
    return c.html(
      page('Not acknowledged', result.problem.detail ?? 'Firebell could not acknowledge it.'),
      result.problem.status as Status,
    );
  const { incident } = result;
  const by = incident.acknowledgedBy?.name;
  const text =
    incident.status === 'acknowledged' && by === user.name
      ? `You acknowledged #${incident.number} ${incident.title}. The others can see you are on it.`
      : `#${incident.number} ${incident.title} is ${incident.status}${by ? ` (acknowledged by ${by})` : ''}.`;
  return c.html(page(`#${incident.number} ${incident.status}`, text), 200);
});

type Checked =
  | { claims: ActionClaims; user: { id: string; name: string } }
  | { status: Status; title: string; text: string };

/** The token is genuine and unexpired, its address is still the person's, and they may acknowledge. */
async function check(env: Env, token: string): Promise<Checked> {
  const claims = await verifyActionToken(env.SESSION_SECRET, token, now());
  const expired = {
    status: 401 as const,
    title: 'Link expired',
    text: 'This link is invalid or has expired; open Firebell and acknowledge from the incident page.',
  };
  if (!claims?.subscriptionId?.startsWith('cm_')) return expired;
  const method = await getMethod(env.DB, claims.userId, claims.subscriptionId);
  if (!method?.verified)
    return {
      ...expired,
      text: 'The address this page was sent to has been removed; open Firebell and acknowledge from the incident page.',
    };
  const user = await getUser(env.DB, claims.userId);
  if (!user || !isActive(user))
    return {
      ...expired,
      text: 'The person this page was sent to no longer has access to Firebell.',
    };
  if (user.role === 'viewer')
    return {
      status: 403,
      title: 'Not allowed',
      text: 'Viewers can watch an incident but not acknowledge it.',
    };
  return { claims, user: { id: user.id, name: user.name } };
}

async function keyOf(token: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token));
  return [...new Uint8Array(digest).slice(0, 16)]
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('');
}

/** A page with no script and no style sheet: it must work in any mail app's browser. */
function page(title: string, text: string, action = ''): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)} · Firebell</title></head><body><h1>${esc(title)}</h1><p>${esc(text)}</p>${action}</body></html>`;
}

function esc(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}
