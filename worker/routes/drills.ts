/**
 * Page drills: a team's drill settings (admins), "Run drill now" (admins), the team's drill report, and
 * the methods currently failing a drill, which the on-call screen flags. Mounted at /api/teams and /api/drills.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import {
  type Drill,
  drillSchema,
  drillSettingsBody,
  drillSettingsResponse,
  failingMethodSchema,
} from '../../schema/drill-schemas';
import type { AppEnv } from '../app-env';
import { principalOf, requireRole } from '../auth/middleware';
import { now } from '../clock';
import { teamExists } from '../directory/teams';
import { drillsStub } from '../drills/object';
import { failingMethods, getSettings, listDrills, saveSettings } from '../drills/store';
import { limitBody, requireJson, validationHook } from '../edge';
import { conflict, notFound } from '../errors';
import { bearer, idParam, problems, writeProblems } from './openapi-shared';

export const teamDrills = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
teamDrills.use('*', limitBody(8 * 1024), requireJson());
export const drills = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

const idParams = idParam('team_…');
const settingsResponse = {
  content: { 'application/json': { schema: drillSettingsResponse } },
};

/** Addresses and numbers are personal: others than the person and admins see "a…@example.com", "+44…23". */
function masked<T extends { channel: string; label: string }>(
  item: T,
  owner: string,
  viewer: { id: string; role: string },
): T {
  if (item.channel === 'push' || viewer.role === 'admin' || viewer.id === owner) return item;
  if (item.channel !== 'email')
    return { ...item, label: `${item.label.slice(0, 3)}…${item.label.slice(-2)}` };
  const at = item.label.lastIndexOf('@');
  return { ...item, label: `${item.label.slice(0, 1)}…${item.label.slice(at)}` };
}

const maskDrill = (d: Drill, viewer: { id: string; role: string }): Drill => ({
  ...d,
  people: d.people.map((p) => ({
    ...p,
    checks: p.checks.map((c) => masked(c, p.userId, viewer)),
  })),
});

async function requireTeam(db: D1Database, id: string): Promise<void> {
  if (!(await teamExists(db, id))) throw notFound(`There is no team ${id}.`);
}

teamDrills.openapi(
  createRoute({
    method: 'get',
    path: '/{id}/drill-settings',
    tags: ['drills'],
    summary: 'The team’s drill settings and when its next scheduled drill runs',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    request: { params: idParams },
    responses: {
      200: { description: 'Settings', ...settingsResponse },
      401: problems[401],
      404: problems[404],
    },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    await requireTeam(c.env.DB, id);
    const [settings, nextDrillAt] = await Promise.all([
      getSettings(c.env.DB, id),
      drillsStub(c.env, id).nextDrillAt(),
    ]);
    return c.json({ settings, nextDrillAt }, 200);
  },
);

teamDrills.openapi(
  createRoute({
    method: 'put',
    path: '/{id}/drill-settings',
    tags: ['drills'],
    summary:
      'Drill the incoming on-call person N minutes before each handoff (null: on demand only)',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: {
      params: idParams,
      body: { required: true, content: { 'application/json': { schema: drillSettingsBody } } },
    },
    responses: {
      200: { description: 'Saved; the next drill is planned', ...settingsResponse },
      ...writeProblems,
      404: problems[404],
    },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    await requireTeam(c.env.DB, id);
    const settings = c.req.valid('json');
    await saveSettings(c.env.DB, id, settings, now());
    const nextDrillAt = await drillsStub(c.env, id).configure(id);
    return c.json({ settings, nextDrillAt }, 200);
  },
);

teamDrills.openapi(
  createRoute({
    method: 'post',
    path: '/{id}/drills',
    tags: ['drills'],
    summary:
      'Run a drill now: a test page over every method of whoever is on call and whoever comes on next',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: { params: idParams },
    responses: {
      201: {
        description:
          'The drill, running: push checks wait for their receipts, SMS and voice for Twilio’s status callback',
        content: { 'application/json': { schema: z.object({ drill: drillSchema }) } },
      },
      401: problems[401],
      403: problems[403],
      404: problems[404],
      409: problems[409],
    },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    await requireTeam(c.env.DB, id);
    const drill = await drillsStub(c.env, id).runNow(id, principalOf(c).id);
    if (!drill)
      throw conflict(
        'Nobody is on call in this team’s schedules now or at the next handoff: there is nobody to drill.',
      );
    return c.json({ drill }, 201);
  },
);

teamDrills.openapi(
  createRoute({
    method: 'get',
    path: '/{id}/drills',
    tags: ['drills'],
    summary:
      'The team’s drill report, newest first: who was drilled, which methods passed, time to receipt',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    request: { params: idParams },
    responses: {
      200: {
        description: 'The last 20 drills',
        content: { 'application/json': { schema: z.object({ drills: z.array(drillSchema) }) } },
      },
      401: problems[401],
      404: problems[404],
    },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    await requireTeam(c.env.DB, id);
    const viewer = principalOf(c);
    return c.json(
      { drills: (await listDrills(c.env.DB, id)).map((d) => maskDrill(d, viewer)) },
      200,
    );
  },
);

drills.openapi(
  createRoute({
    method: 'get',
    path: '/failing',
    tags: ['drills'],
    summary:
      'Methods that failed their person’s latest drill (last 7 days): the on-call screen flags them',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    responses: {
      200: {
        description: 'Failing methods, newest first',
        content: {
          'application/json': { schema: z.object({ failing: z.array(failingMethodSchema) }) },
        },
      },
      401: problems[401],
    },
  }),
  async (c) => {
    const viewer = principalOf(c);
    const failing = await failingMethods(c.env.DB, now());
    return c.json({ failing: failing.map((f) => masked(f, f.userId, viewer)) }, 200);
  },
);
