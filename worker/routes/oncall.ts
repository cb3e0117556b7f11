/**
 * /api/oncall: who is on call right now for each service (the PWA's home screen), my own upcoming
 * shifts, and my personal calendar feed. Everyone shown carries `reachable`, so a responder who
 * could not be paged is visible before an incident needs them.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env';
import { principalOf, requireRole } from '../auth/middleware';
import { now } from '../clock';
import { loadSnapshot, reachableUsers } from '../directory/on-call';
import { listPolicies, policyTargets, servicesWithPolicy } from '../directory/policies';
import { listSchedules } from '../directory/schedules';
import { validationHook } from '../edge';
import { renderShifts } from '../oncall';
import { COVERAGE_DAYS } from '../../schema/oncall';
import { myShiftsSchema, onCallNowSchema } from '../../schema/oncall-schemas';
import { targetGaps } from '../oncall/gaps';
import { coverageData, resolveIn, targetsInvolve } from '../oncall/targets';
import { DAY } from '../oncall/zone';
import { issuedFeedSchema } from '../../schema/credential-schemas';
import { issueFeed } from './calendar';
import { bearer, problems } from './openapi-shared';

export const oncall = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

const UPCOMING_DAYS = 14;

oncall.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: ['on-call'],
    summary: 'Who each service’s escalation policy pages right now, level by level',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    request: {
      query: z.object({
        mine: z
          .enum(['0', '1', 'true', 'false'])
          .optional()
          .openapi({ description: '1: only services whose policy can page me' }),
      }),
    },
    responses: {
      200: {
        description: 'Services with a policy, by name',
        content: {
          'application/json': {
            schema: onCallNowSchema,
          },
        },
      },
      400: problems[400],
      401: problems[401],
    },
  }),
  async (c) => {
    const mine = ['1', 'true'].includes(c.req.valid('query').mine ?? '');
    const me = principalOf(c).id;
    const at = now();
    const [services, policies] = await Promise.all([
      servicesWithPolicy(c.env.DB),
      listPolicies(c.env.DB),
    ]);
    const byId = new Map(policies.map((p) => [p.id, p]));
    const paged = services.flatMap((s) => {
      const policy = byId.get(s.policyId);
      return policy ? [{ service: s, policy }] : [];
    });
    // One load for every service: schedules and names are shared across policies.
    const until = at + COVERAGE_DAYS * DAY;
    const snapshot = await loadSnapshot(
      c.env.DB,
      paged.flatMap((p) => policyTargets(p.policy)),
      at,
      until,
    );
    const shown = mine
      ? paged.filter((p) => targetsInvolve(snapshot, policyTargets(p.policy), me))
      : paged;
    const resolved = shown.map((p) => ({
      ...p,
      levels: p.policy.levels.map((l) => ({
        delayMinutes: l.delayMinutes,
        ...resolveIn(snapshot, l.targets),
      })),
    }));
    const reachable = await reachableUsers(
      c.env.DB,
      resolved.flatMap((r) => r.levels.flatMap((l) => l.userIds)),
    );
    return c.json(
      {
        at,
        until,
        services: resolved.map(({ service, policy, levels }) => ({
          id: service.id,
          name: service.name,
          policy: { id: policy.id, name: policy.name },
          levels: levels.map((l, i) => ({
            level: i + 1,
            delayMinutes: l.delayMinutes,
            users: l.userIds.map((u) => ({
              id: u,
              name: l.names[u] ?? u,
              reachable: reachable.has(u),
            })),
            empty: l.empty,
          })),
          reachesNobody: levels.every((l) => l.userIds.length === 0),
          gaps: targetGaps(policyTargets(policy), coverageData(snapshot), at, until),
        })),
      },
      200,
    );
  },
);

oncall.openapi(
  createRoute({
    method: 'get',
    path: '/me',
    tags: ['on-call'],
    summary: `My shifts on every schedule over the next ${UPCOMING_DAYS} days (a shift under way starts at now)`,
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    responses: {
      200: {
        description: 'Shifts by start',
        content: {
          'application/json': {
            schema: myShiftsSchema,
          },
        },
      },
      401: problems[401],
    },
  }),
  async (c) => {
    const me = principalOf(c).id;
    const from = now();
    const to = from + UPCOMING_DAYS * DAY;
    const [schedules, reachable] = await Promise.all([
      listSchedules(c.env.DB, { from, to }),
      reachableUsers(c.env.DB, [me]),
    ]);
    const shifts = schedules
      .flatMap((s) =>
        renderShifts(s, from, to)
          .filter((shift) => shift.userId === me)
          .map((shift) => ({
            scheduleId: s.id,
            scheduleName: s.name,
            start: shift.start,
            end: shift.end,
            override: shift.override ?? false,
          })),
      )
      .sort((a, b) => a.start - b.start || a.scheduleName.localeCompare(b.scheduleName));
    return c.json({ from, to, reachable: reachable.has(me), shifts }, 200);
  },
);

oncall.openapi(
  createRoute({
    method: 'post',
    path: '/me/calendar-feed',
    tags: ['on-call'],
    summary: 'A new secret iCalendar URL with my shifts on every schedule',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    responses: {
      201: {
        description: 'Subscribe to this URL; it is shown once',
        content: { 'application/json': { schema: issuedFeedSchema } },
      },
      401: problems[401],
    },
  }),
  async (c) =>
    c.json(await issueFeed(c.env, c.req.url, 'user', principalOf(c).id, principalOf(c).id), 201),
);
