/** /api/teams: named groups of users that schedules belong to (admin writes, viewer reads). */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import {
  teamInput,
  teamMembersBody,
  teamRenameBody,
  teamSchema,
} from '../../schema/people-schemas';
import type { AppEnv } from '../app-env';
import { requireRole } from '../auth/middleware';
import { now } from '../clock';
import {
  createTeam,
  deleteTeam,
  getTeam,
  listTeams,
  renameTeam,
  schedulesOfTeam,
  setTeamMembers,
  unknownUsers,
} from '../directory/teams';
import { invalid, limitBody, requireJson, validationHook } from '../edge';
import { conflict, notFound } from '../errors';
import { newId } from '../ids';
import { bearer, problems, writeProblems } from './openapi-shared';

export const teams = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
teams.use('*', limitBody(32 * 1024), requireJson());

const id = z.string().min(1).max(64);
const teamResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: z.object({ team: teamSchema }) } },
});
const idParam = z.object({
  id: id.openapi({ param: { name: 'id', in: 'path' }, example: 'team_…' }),
});

async function checkUsers(db: D1Database, ids: string[]): Promise<void> {
  const missing = new Set(await unknownUsers(db, ids));
  if (missing.size)
    throw invalid(
      ids.flatMap((u, i) =>
        missing.has(u) ? [{ path: `userIds.${i}`, message: `unknown user ${u}` }] : [],
      ),
    );
}

async function found(db: D1Database, teamId: string) {
  const team = await getTeam(db, teamId);
  if (!team) throw notFound(`No team ${teamId}.`);
  return team;
}

teams.openapi(
  createRoute({
    method: 'post',
    path: '/',
    tags: ['teams'],
    summary: 'Create a team',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: {
      body: {
        required: true,
        content: {
          'application/json': {
            schema: teamInput,
          },
        },
      },
    },
    responses: {
      201: teamResponse('The new team'),
      ...writeProblems,
    },
  }),
  async (c) => {
    const body = c.req.valid('json');
    await checkUsers(c.env.DB, body.userIds);
    const teamId = newId('team');
    await createTeam(c.env.DB, {
      id: teamId,
      name: body.name,
      userIds: body.userIds,
      createdAt: now(),
    });
    return c.json({ team: await found(c.env.DB, teamId) }, 201, {
      location: `/api/teams/${teamId}`,
    });
  },
);

teams.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: ['teams'],
    summary: 'Every team with its members',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    responses: {
      200: {
        description: 'Teams by name',
        content: { 'application/json': { schema: z.object({ teams: z.array(teamSchema) }) } },
      },
      401: problems[401],
    },
  }),
  async (c) => c.json({ teams: await listTeams(c.env.DB) }, 200),
);

teams.openapi(
  createRoute({
    method: 'get',
    path: '/{id}',
    tags: ['teams'],
    summary: 'One team with its members',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    request: { params: idParam },
    responses: { 200: teamResponse('The team'), 401: problems[401], 404: problems[404] },
  }),
  async (c) => c.json({ team: await found(c.env.DB, c.req.valid('param').id) }, 200),
);

teams.openapi(
  createRoute({
    method: 'put',
    path: '/{id}/members',
    tags: ['teams'],
    summary: 'Replace a team’s members',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: {
      params: idParam,
      body: {
        required: true,
        content: { 'application/json': { schema: teamMembersBody } },
      },
    },
    responses: {
      200: teamResponse('The team'),
      ...writeProblems,
      404: problems[404],
    },
  }),
  async (c) => {
    const teamId = c.req.valid('param').id;
    const body = c.req.valid('json');
    await checkUsers(c.env.DB, body.userIds);
    if (!(await setTeamMembers(c.env.DB, teamId, body.userIds)))
      throw notFound(`No team ${teamId}.`);
    return c.json({ team: await found(c.env.DB, teamId) }, 200);
  },
);

teams.openapi(
  createRoute({
    method: 'patch',
    path: '/{id}',
    tags: ['teams'],
    summary: 'Rename a team',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: {
      params: idParam,
      body: {
        required: true,
        content: {
          'application/json': {
            schema: teamRenameBody,
          },
        },
      },
    },
    responses: {
      200: teamResponse('The team'),
      ...writeProblems,
      404: problems[404],
    },
  }),
  async (c) => {
    const teamId = c.req.valid('param').id;
    if (!(await renameTeam(c.env.DB, teamId, c.req.valid('json').name)))
      throw notFound(`No team ${teamId}.`);
    return c.json({ team: await found(c.env.DB, teamId) }, 200);
  },
);

teams.openapi(
  createRoute({
    method: 'delete',
    path: '/{id}',
    tags: ['teams'],
    summary: 'Delete a team that owns no schedule (its members stay users)',
    security: bearer,
    middleware: [requireRole('admin')] as const,
    request: { params: idParam },
    responses: {
      204: { description: 'Deleted' },
      401: problems[401],
      403: problems[403],
      404: problems[404],
      409: problems[409],
    },
  }),
  async (c) => {
    const teamId = c.req.valid('param').id;
    const team = await found(c.env.DB, teamId);
    // The delete re-checks in the same statements: a schedule given to the team meanwhile keeps it.
    if (await deleteTeam(c.env.DB, teamId)) return c.body(null, 204);
    const schedules = await schedulesOfTeam(c.env.DB, teamId);
    const names = schedules.map((s) => `“${s.name}” (${s.id})`).join(', ') || 'a schedule';
    throw conflict(
      `Team “${team.name}” owns ${schedules.length === 1 ? 'schedule' : 'schedules'} ${names}; move ${schedules.length === 1 ? 'it' : 'them'} to another team or none first.`,
      { schedules },
    );
  },
);
