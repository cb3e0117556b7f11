/** OpenAPI pieces every route file uses: the problem response, the auth scheme, JSON answers and `{id}`. */
import { z } from '@hono/zod-openapi';
import { problemBodySchema } from '../../schema/protocol-schemas';

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: problemBodySchema } },
});

/** The error responses a route can produce, for its OpenAPI entry. */
export const problems = {
  400: problem('The body or parameters did not validate'),
  401: problem('No or invalid credentials'),
  403: problem('Signed in, but not allowed'),
  404: problem('No such resource'),
  409: problem('The change conflicts with the current state'),
  413: problem('Body too large'),
  415: problem('Body is not JSON'),
  422: problem('The Idempotency-Key was already used with a different body'),
  429: problem('Too many requests: wait Retry-After seconds'),
} as const;

/** What any authenticated JSON write can answer besides its own outcomes. */
export const writeProblems = {
  400: problems[400],
  401: problems[401],
  403: problems[403],
  413: problems[413],
  415: problems[415],
} as const;

export const bearer: Record<string, string[]>[] = [{ bearerAuth: [] }, { sessionCookie: [] }];

/** A JSON answer described by its schema, for an OpenAPI entry. */
export const json = <T extends z.ZodTypeAny>(description: string, schema: T) => ({
  description,
  content: { 'application/json': { schema } },
});

/** `{id}` in a path: one of the ids Firebell hands out; `example` shows its prefix in the reference. */
export const idParam = (example?: string) =>
  z.object({
    id: z
      .string()
      .min(1)
      .max(64)
      .openapi({ param: { name: 'id', in: 'path' }, ...(example ? { example } : {}) }),
  });
