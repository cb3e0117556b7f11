/**
 * Checks at the edge of the system, before any handler: body size, content type, schema failures.
 */
import type { Hook } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from './app-env';
import { ProblemError } from './errors';
import { isWebSocketUpgrade } from './incident/room';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Refuse bodies over `maxBytes` with 413, whether or not Content-Length tells the truth. `maxBytes` may depend on
 * the path, for a router whose routes take bodies of different sizes.
 */
export function limitBody(
  maxBytes: number | ((path: string) => number),
): MiddlewareHandler<AppEnv> {
  if (typeof maxBytes === 'number') return bodyLimitOf(maxBytes);
  const byLimit = new Map<number, MiddlewareHandler<AppEnv>>();
  return (c, next) => {
    const max = maxBytes(c.req.path);
    let limit = byLimit.get(max);
    if (!limit) byLimit.set(max, (limit = bodyLimitOf(max)));
    return limit(c, next);
  };
}

function bodyLimitOf(maxBytes: number): MiddlewareHandler<AppEnv> {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ProblemError(
        413,
        'payload-too-large',
        `Request bodies are limited to ${Math.round(maxBytes / 1024)} KB.`,
      );
    },
  });
}

/** API writes speak JSON: anything else with a body gets 415 naming the type we expect. */
export function requireJson(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (BODY_METHODS.has(c.req.method)) {
      const type = c.req.header('content-type');
      const hasBody =
        c.req.header('content-length') !== '0' &&
        (type !== undefined ||
          c.req.header('transfer-encoding') !== undefined ||
          Number(c.req.header('content-length') ?? 0) > 0);
      if (hasBody && !/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type ?? '')) {
        throw new ProblemError(
          415,
          'unsupported-media-type',
          `Send the body as application/json (got ${type ?? 'no Content-Type'}).`,
        );
      }
    }
    await next();
  };
}

/** Turns a failed zod validation into a 400 problem that names each bad field. */
export const validationHook: Hook<unknown, AppEnv, string, unknown> = (result) => {
  if (result.success) return;
  throw invalid(
    result.error.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message })),
  );
};

/** A 400 naming each bad field, from the schema or from checks that need the database (unknown ids). */
export function invalid(errors: { path: string; message: string }[]): ProblemError {
  return new ProblemError(
    400,
    'validation',
    errors.map((e) => `${e.path}: ${e.message}`).join('; ') || 'The request did not validate.',
    { errors },
  );
}

/** WebSocket routes refuse plain HTTP with 426, naming the protocol to upgrade to (RFC 9110 §15.5.22). */
export function requireWebSocketUpgrade(upgrade: string | undefined): void {
  if (!isWebSocketUpgrade(upgrade))
    throw new ProblemError(
      426,
      'upgrade-required',
      'This endpoint is a WebSocket: connect with Upgrade: websocket.',
      {},
      { upgrade: 'websocket' },
    );
}
