/**
 * Post-incident reviews (/api/incidents/:id/review…) and the action items across them (/api/action-items).
 * The pre-filled facts come from the incident's object; the authored text and history live in D1.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env';
import { principalOf, requireRole } from '../auth/middleware';
import { now } from '../clock';
import {
  createReview,
  getReview,
  listActionItems,
  refreshFacts,
  saveReview,
} from '../directory/reviews';
import { getService } from '../directory/services';
import { userNames } from '../directory/users';
import { limitBody, requireJson, validationHook } from '../edge';
import { ProblemError, conflict, notFound } from '../errors';
import { newId } from '../ids';
import { incidentStub } from '../stubs';
import type { IncidentView } from '../incident/object';
import { planEdit } from '../review/edit';
import { buildFacts, mentionedUserIds } from '../review/facts';
import { renderMarkdown } from '../review/markdown';
import {
  actionItemListingSchema,
  reviewEditSchema,
  reviewSchema,
} from '../../schema/review-schemas';
import type { Review } from '../../schema/review';
import { bearer, idParam, problems } from './openapi-shared';

// No use('*') here: this app shares the /api/incidents prefix, and a wildcard would reach the incident routes too.
export const reviews = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
export const actionItems = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

const idParams = idParam('inc_…');
const reviewResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: reviewSchema } },
});

/** Critical and error incidents that are resolved get a nudge: the 404 says a review is suggested. */
const SUGGEST_FOR = new Set(['critical', 'error']);

const incidentView = async (c: Context<AppEnv>, id: string): Promise<IncidentView> => {
  // The whole timeline: a review reads every entry once. RPC return types are rewritten by workers-types.
  const view = (await incidentStub(c.env, id).history()) as IncidentView | null;
  if (!view) throw notFound(`No incident ${id}.`);
  return view;
};

async function factsFor(c: Context<AppEnv>, id: string) {
  const view = await incidentView(c, id);
  return buildFacts(view, await userNames(c.env.DB, mentionedUserIds(view)), now());
}

async function reviewOr404(c: Context<AppEnv>, id: string): Promise<Review> {
  const review = await getReview(c.env.DB, id);
  if (review) return review;
  const { incident } = await incidentView(c, id);
  const suggested = incident.status === 'resolved' && SUGGEST_FOR.has(incident.severity);
  const hint = suggested
    ? ` A review is suggested for a resolved ${incident.severity} incident: POST to this URL to start one.`
    : ' POST to this URL to start one.';
  throw new ProblemError(404, 'not-found', `Incident ${id} has no review yet.${hint}`, {
    suggested,
  });
}

reviews.openapi(
  createRoute({
    method: 'post',
    path: '/{id}/review',
    tags: ['reviews'],
    summary:
      'Start the review, pre-filled from the incident (returns the existing one, its facts refreshed while unpublished)',
    security: bearer,
    middleware: [requireRole('responder')] as const,
    request: { params: idParams },
    responses: {
      200: reviewResponse('The review that already existed'),
      201: reviewResponse('The new draft'),
      401: problems[401],
      403: problems[403],
      404: problems[404],
    },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    const facts = await factsFor(c, id);
    const created = await createReview(c.env.DB, facts, principalOf(c).id, now());
    if (!created) await refreshFacts(c.env.DB, facts);
    const review = await getReview(c.env.DB, id);
    if (!review) throw new Error(`review of ${id} vanished after create`);
    return created
      ? c.json(review, 201, { location: `/api/incidents/${id}/review` })
      : c.json(review, 200);
  },
);

reviews.openapi(
  createRoute({
    method: 'get',
    path: '/{id}/review',
    tags: ['reviews'],
    summary:
      'The review; 404 with `suggested: true` when a resolved critical/error incident has none',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    request: { params: idParams },
    responses: { 200: reviewResponse('The review'), 401: problems[401], 404: problems[404] },
  }),
  async (c) => c.json(await reviewOr404(c, c.req.valid('param').id), 200),
);

reviews.openapi(
  createRoute({
    method: 'put',
    path: '/{id}/review',
    tags: ['reviews'],
    summary:
      'Edit sections, action items and status; 409 with `current` when your version is stale',
    security: bearer,
    middleware: [requireRole('responder'), limitBody(64 * 1024), requireJson()] as const,
    request: {
      params: idParams,
      body: { required: true, content: { 'application/json': { schema: reviewEditSchema } } },
    },
    responses: {
      200: reviewResponse('The review after the edit'),
      400: problems[400],
      401: problems[401],
      403: problems[403],
      404: problems[404],
      409: problems[409],
      413: problems[413],
      415: problems[415],
    },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    const input = c.req.valid('json');
    const current = await reviewOr404(c, id);
    const owners = (input.actionItems ?? []).flatMap((i) => (i.ownerId ? [i.ownerId] : []));
    const plan = planEdit(current, input, {
      now: now(),
      newId: () => newId('act'),
      users: await userNames(c.env.DB, owners),
    });
    if (!plan.changes.length) return c.json(current, 200);
    const who = principalOf(c);
    if (!(await saveReview(c.env.DB, id, current.version, plan, who.id, now()))) {
      const latest = await getReview(c.env.DB, id);
      throw conflict(
        `Someone else saved this review while you were editing (it is now at version ${latest?.version}). Merge your edits into the current text and send again.`,
        { current: latest },
      );
    }
    // Published now: the incident's object owes the webhook event and sends it in order with the others.
    // The review is saved either way: a failure here loses the event, never the edit.
    if (current.status !== 'published' && plan.status === 'published' && plan.publishedAt)
      await incidentStub(c.env, id)
        .reviewPublished({ kind: 'user', id: who.id, name: who.name }, plan.publishedAt)
        .catch((err: unknown) => console.error(`review ${id}: webhook event not owed`, err));
    return c.json((await getReview(c.env.DB, id)) as Review, 200);
  },
);

reviews.openapi(
  createRoute({
    method: 'get',
    path: '/{id}/review.md',
    tags: ['reviews'],
    summary: 'The review as a Markdown document',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    request: { params: idParams },
    responses: {
      200: { description: 'Markdown', content: { 'text/markdown': { schema: z.string() } } },
      401: problems[401],
      404: problems[404],
    },
  }),
  async (c) => {
    const review = await reviewOr404(c, c.req.valid('param').id);
    const service = review.facts.serviceId
      ? await getService(c.env.DB, review.facts.serviceId)
      : null;
    return c.body(renderMarkdown(review, service?.name ?? null), 200, {
      'content-type': 'text/markdown; charset=utf-8',
      'content-disposition': `inline; filename="incident-${review.facts.number}-review.md"`,
    });
  },
);

reviews.openapi(
  createRoute({
    method: 'get',
    path: '/{id}/review.json',
    tags: ['reviews'],
    summary: 'The review as a JSON document to download',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    request: { params: idParams },
    responses: { 200: reviewResponse('The review'), 401: problems[401], 404: problems[404] },
  }),
  async (c) => {
    const review = await reviewOr404(c, c.req.valid('param').id);
    return c.json(review, 200, {
      'content-disposition': `inline; filename="incident-${review.facts.number}-review.json"`,
    });
  },
);

actionItems.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: ['reviews'],
    summary: 'Action items across all reviews, soonest due first',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    request: {
      query: z.object({
        status: z.enum(['open', 'overdue', 'done']).optional().openapi({
          description:
            'open = not done; overdue = not done and due before today (UTC); default all',
        }),
        owner: z.string().max(64).optional().openapi({ description: 'a user id, or "me"' }),
        limit: z.coerce.number().int().min(1).max(500).default(200),
      }),
    },
    responses: {
      200: {
        description: 'Action items',
        content: {
          'application/json': {
            schema: z.object({ actionItems: z.array(actionItemListingSchema) }),
          },
        },
      },
      400: problems[400],
      401: problems[401],
    },
  }),
  async (c) => {
    const q = c.req.valid('query');
    const ownerId = q.owner === 'me' ? principalOf(c).id : q.owner;
    const today = new Date(now()).toISOString().slice(0, 10);
    return c.json(
      {
        actionItems: await listActionItems(c.env.DB, {
          status: q.status,
          ownerId,
          today,
          limit: q.limit,
        }),
      },
      200,
    );
  },
);
