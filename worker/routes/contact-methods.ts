/**
 * /api/contact-methods: my email addresses and phone numbers for SMS and voice (add, send a code,
 * verify, remove; a phone's code goes by SMS) and
 * /api/notification-rules: when each channel reaches me, per urgency. A method pages only once verified.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import {
  addEmailBody,
  codeSentSchema,
  type MethodKind,
  contactMethodSchema,
  notificationRulesSchema,
  verifyBody,
} from '../../schema/contact-schemas';
import type { AppEnv } from '../app-env';
import { principalOf, requireRole } from '../auth/middleware';
import { now } from '../clock';
import {
  addMethod,
  countWrongCode,
  deleteMethod,
  getMethod,
  listMethods,
  markVerified,
  rulesFor,
  saveRules,
  storeCode,
  toMethod,
  type ContactMethodRecord,
} from '../directory/contact-methods';
import { limitBody, requireJson, validationHook } from '../edge';
import type { Env } from '../env';
import { ProblemError, badRequest, conflict, notFound } from '../errors';
import { newId } from '../ids';
import { codeMail } from '../notify/email-message';
import { rulesProblem } from '../notify/rules';
import { sendMail, smtpConfigured } from '../notify/smtp';
import { sendSms, twilioConfigured } from '../notify/twilio-api';
import { problemBodySchema } from '../../schema/protocol-schemas';
import { bearer, idParam, problems } from './openapi-shared';

const MAX_METHODS_PER_USER = 8;
const CODE_LIFETIME_MS = 15 * 60_000;
/** One code email a minute per address: the route must not become a way to flood someone's inbox. */
const RESEND_AFTER_MS = 60_000;
/** Wrong codes before the code is void: a million codes, five guesses. */
const MAX_CODE_ATTEMPTS = 5;

export const contactMethods = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
contactMethods.use('*', limitBody(4 * 1024), requireJson());

const idParams = idParam();
const methodAndCode = {
  content: {
    'application/json': {
      schema: z.object({ method: contactMethodSchema, code: codeSentSchema }),
    },
  },
};
const unavailable = {
  description: 'Email (or, for a phone, Twilio) is not configured on this server',
  content: { 'application/problem+json': { schema: problemBodySchema } },
};

contactMethods.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: ['contact methods'],
    summary:
      'My email addresses and phone numbers for pages (push devices are under /api/push/subscriptions)',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    responses: {
      200: {
        description: 'Methods',
        content: {
          'application/json': { schema: z.object({ methods: z.array(contactMethodSchema) }) },
        },
      },
      401: problems[401],
    },
  }),
  async (c) =>
    c.json({ methods: (await listMethods(c.env.DB, principalOf(c).id)).map(toMethod) }, 200),
);

contactMethods.openapi(
  createRoute({
    method: 'post',
    path: '/',
    tags: ['contact methods'],
    summary:
      'Add an email address, or a phone number for SMS or voice; a 6-digit code is emailed or texted to it, and it pages once verified',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    request: {
      body: { required: true, content: { 'application/json': { schema: addEmailBody } } },
    },
    responses: {
      201: { description: 'Added, unverified; says whether the code went out', ...methodAndCode },
      400: problems[400],
      401: problems[401],
      409: problems[409],
      503: unavailable,
    },
  }),
  async (c) => {
    const body = c.req.valid('json');
    requireSender(c.env, body.kind);
    const who = principalOf(c);
    const address =
      body.kind === 'email' ? body.address.toLowerCase() : body.address.replace(/[\s()-]/g, '');
    const mine = await listMethods(c.env.DB, who.id);
    if (mine.length >= MAX_METHODS_PER_USER)
      throw conflict(
        `You already have ${mine.length} addresses and numbers; remove one you no longer use first.`,
      );
    const added = await addMethod(c.env.DB, {
      id: newId('cm'),
      userId: who.id,
      kind: body.kind,
      address,
      now: now(),
    });
    if (!added) throw conflict(`You already added ${address}.`);
    const code = await sendCode(c.env, added, now());
    return c.json({ method: toMethod(added), code }, 201, {
      location: `/api/contact-methods/${added.id}`,
    });
  },
);

contactMethods.openapi(
  createRoute({
    method: 'post',
    path: '/{id}/code',
    tags: ['contact methods'],
    summary:
      'Email or text a new verification code (at most one a minute); the last one stops working',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    request: { params: idParams },
    responses: {
      200: { description: 'What the mail server answered', ...methodAndCode },
      401: problems[401],
      404: problems[404],
      409: problems[409],
      429: problems[429],
      503: unavailable,
    },
  }),
  async (c) => {
    const method = await ownMethod(c.env, principalOf(c).id, c.req.valid('param').id);
    requireSender(c.env, method.kind);
    if (method.verified) throw conflict(`${method.address} is already verified.`);
    const at = now();
    const issuedAt = method.codeExpiresAt === null ? null : method.codeExpiresAt - CODE_LIFETIME_MS;
    if (issuedAt !== null && at - issuedAt < RESEND_AFTER_MS) {
      const retryAfter = Math.ceil((RESEND_AFTER_MS - (at - issuedAt)) / 1000);
      throw new ProblemError(
        429,
        'rate-limited',
        `A code was sent less than a minute ago; check ${method.address}${method.kind === 'email' ? ' (and its spam folder)' : ''}, or ask again in ${retryAfter} s.`,
        { retryAfter },
        { 'retry-after': String(retryAfter) },
      );
    }
    const code = await sendCode(c.env, method, at);
    return c.json({ method: toMethod(method), code }, 200);
  },
);

contactMethods.openapi(
  createRoute({
    method: 'post',
    path: '/{id}/verify',
    tags: ['contact methods'],
    summary: 'Verify an address or number with the code emailed or texted to it',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    request: {
      params: idParams,
      body: { required: true, content: { 'application/json': { schema: verifyBody } } },
    },
    responses: {
      200: {
        description: 'Verified: it pages from now on',
        content: { 'application/json': { schema: z.object({ method: contactMethodSchema }) } },
      },
      400: problems[400],
      401: problems[401],
      404: problems[404],
    },
  }),
  async (c) => {
    const method = await ownMethod(c.env, principalOf(c).id, c.req.valid('param').id);
    const at = now();
    if (method.verified) return c.json({ method: toMethod(method) }, 200);
    if (!method.codeHash || method.codeExpiresAt === null || method.codeExpiresAt <= at)
      throw badRequest('That code has expired; ask for a new one.');
    if (method.codeAttempts >= MAX_CODE_ATTEMPTS)
      throw badRequest('Too many wrong codes; ask for a new one.');
    if ((await codeHash(c.env, method.id, c.req.valid('json').code)) !== method.codeHash) {
      await countWrongCode(c.env.DB, method.id);
      const left = MAX_CODE_ATTEMPTS - method.codeAttempts - 1;
      throw badRequest(
        left > 0
          ? `That is not the code sent to ${method.address}; ${left} ${left === 1 ? 'try' : 'tries'} left.`
          : 'That is not the code, and it was the last try; ask for a new one.',
      );
    }
    await markVerified(c.env.DB, method.id, at);
    return c.json({ method: { ...toMethod(method), verified: true } }, 200);
  },
);

contactMethods.openapi(
  createRoute({
    method: 'delete',
    path: '/{id}',
    tags: ['contact methods'],
    summary:
      'Stop paging one of my addresses or numbers; links already emailed to it stop working, replies from it are no longer taken',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    request: { params: idParams },
    responses: { 204: { description: 'Removed' }, 401: problems[401], 404: problems[404] },
  }),
  async (c) => {
    if (!(await deleteMethod(c.env.DB, principalOf(c).id, c.req.valid('param').id)))
      throw notFound('You have no address or number with that id.');
    return c.body(null, 204);
  },
);

export const notificationRules = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
notificationRules.use('*', limitBody(8 * 1024), requireJson());

const rulesResponse = {
  content: { 'application/json': { schema: z.object({ rules: notificationRulesSchema }) } },
};

notificationRules.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: ['contact methods'],
    summary: 'My notification rules (the default until I save mine: push at once, email at 3 min)',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    responses: { 200: { description: 'Rules', ...rulesResponse }, 401: problems[401] },
  }),
  async (c) => c.json({ rules: await rulesFor(c.env.DB, principalOf(c).id) }, 200),
);

notificationRules.openapi(
  createRoute({
    method: 'put',
    path: '/',
    tags: ['contact methods'],
    summary:
      'Replace my notification rules: per urgency (critical/error high, warning/info low) the steps, and working hours for low urgency',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    request: {
      body: {
        required: true,
        content: { 'application/json': { schema: notificationRulesSchema } },
      },
    },
    responses: {
      200: { description: 'Saved', ...rulesResponse },
      400: problems[400],
      401: problems[401],
    },
  }),
  async (c) => {
    const rules = c.req.valid('json');
    const problem = rulesProblem(rules);
    if (problem) throw badRequest(problem);
    const sorted = {
      ...rules,
      high: [...rules.high].sort((a, b) => a.afterMinutes - b.afterMinutes),
      low: [...rules.low].sort((a, b) => a.afterMinutes - b.afterMinutes),
    };
    await saveRules(c.env.DB, principalOf(c).id, sorted, now());
    return c.json({ rules: sorted }, 200);
  },
);

async function ownMethod(env: Env, userId: string, id: string): Promise<ContactMethodRecord> {
  const method = await getMethod(env.DB, userId, id);
  if (!method) throw notFound('You have no address or number with that id.');
  return method;
}

function requireSender(env: Env, kind: MethodKind): void {
  if (kind !== 'email') {
    if (!twilioConfigured(env))
      throw new ProblemError(
        503,
        'unavailable',
        'SMS and voice are not configured on this server: the operator must set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM (see docs/sms-voice.md).',
      );
    return;
  }
  if (!smtpConfigured(env))
    throw new ProblemError(
      503,
      'unavailable',
      'Email is not configured on this server: the operator must set SMTP_HOST and MAIL_FROM (see README, Email).',
    );
}

/** A fresh code: stored hashed, emailed or texted in clear; what the server said comes back to the person. */
async function sendCode(
  env: Env,
  method: ContactMethodRecord,
  at: number,
): Promise<{ sent: boolean; message: string }> {
  const n = crypto.getRandomValues(new Uint32Array(1))[0]! % 1_000_000;
  const code = String(n).padStart(6, '0');
  await storeCode(env.DB, method.id, await codeHash(env, method.id, code), at + CODE_LIFETIME_MS);
  if (method.kind !== 'email') {
    const texted = await sendSms(
      env,
      method.address,
      `Your Firebell verification code is ${code}. It expires in 15 minutes.`,
    );
    return texted.kind === 'accepted'
      ? { sent: true, message: `A code is on its way to ${method.address} by SMS.` }
      : {
          sent: false,
          message: `Twilio did not take the code for ${method.address}: ${texted.reply}`,
        };
  }
  const outcome = await sendMail(env, codeMail(method.address, code));
  if (outcome.kind === 'accepted')
    return { sent: true, message: `A code is on its way to ${method.address}.` };
  return {
    sent: false,
    message: `The mail server did not take the code for ${method.address}: ${outcome.reply}`,
  };
}

/** Keyed by the server secret and the method, so a leaked row does not give the code away. */
async function codeHash(env: Env, methodId: string, code: string): Promise<string> {
  const digest = await crypto.subtle.digest(
    'SHA-256',
    new TextEncoder().encode(`firebell contact code v1|${env.SESSION_SECRET}|${methodId}|${code}`),
  );
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
