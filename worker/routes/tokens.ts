/** Personal API tokens for scripts: shown once, stored as keyed hashes, revocable. */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { apiTokenSchema, issuedTokenSchema, newTokenBody } from '../../schema/credential-schemas';
import type { AppEnv } from '../app-env';
import { principalOf, requireRole } from '../auth/middleware';
import { hashSecret } from '../auth/secrets';
import { closeSockets } from '../auth/sockets';
import { now } from '../clock';
import { createApiToken, listApiTokens, revokeApiToken } from '../directory/credentials';
import { limitBody, requireJson, validationHook } from '../edge';
import { notFound } from '../errors';
import { newId, newSecret } from '../ids';
import { bearer, problems } from './openapi-shared';

export const tokens = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
tokens.use('*', limitBody(16 * 1024), requireJson());

tokens.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: ['tokens'],
    summary: 'My API tokens (never the secrets)',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    responses: {
      200: {
        description: 'Tokens',
        content: { 'application/json': { schema: z.object({ tokens: z.array(apiTokenSchema) }) } },
      },
      401: problems[401],
    },
  }),
  async (c) => c.json({ tokens: await listApiTokens(c.env.DB, principalOf(c).id) }, 200),
);

tokens.openapi(
  createRoute({
    method: 'post',
    path: '/',
    tags: ['tokens'],
    summary: 'Create a personal API token; the secret is in this response only',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    request: {
      body: {
        required: true,
        content: {
          'application/json': {
            schema: newTokenBody,
          },
        },
      },
    },
    responses: {
      201: {
        description: 'The token',
        content: { 'application/json': { schema: issuedTokenSchema } },
      },
      400: problems[400],
      401: problems[401],
    },
  }),
  async (c) => {
    const { name } = c.req.valid('json');
    const token = newSecret('fbt');
    const id = newId('tok');
    const at = now();
    await createApiToken(c.env.DB, {
      id,
      userId: principalOf(c).id,
      name,
      tokenHash: await hashSecret(c.env.SESSION_SECRET, token),
      now: at,
    });
    return c.json({ id, name, createdAt: at, lastUsedAt: null, revokedAt: null, token }, 201);
  },
);

tokens.openapi(
  createRoute({
    method: 'delete',
    path: '/{id}',
    tags: ['tokens'],
    summary: 'Revoke one of my tokens (sockets opened with it close at once)',
    security: bearer,
    middleware: [requireRole('viewer')] as const,
    request: { params: z.object({ id: z.string().max(64) }) },
    responses: { 204: { description: 'Revoked' }, 401: problems[401], 404: problems[404] },
  }),
  async (c) => {
    const who = principalOf(c);
    const hash = await revokeApiToken(c.env.DB, who.id, c.req.valid('param').id, now());
    if (!hash) throw notFound('You have no live token with that id.');
    await closeSockets(c.env, who.id, { kind: 'api-token', hash });
    return c.body(null, 204);
  },
);
