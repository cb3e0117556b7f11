import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Stable problem types; the `type` URI a client can switch on. */
export type ProblemCode =
  | 'bad-request'
  | 'validation'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'method-not-allowed'
  | 'conflict'
  | 'payload-too-large'
  | 'unsupported-media-type'
  | 'upgrade-required'
  | 'rate-limited'
  | 'idempotency-key-reused'
  | 'mapping-fails-everywhere'
  | 'unavailable'
  | 'internal';

const TITLES: Record<ProblemCode, string> = {
  'bad-request': 'Bad request',
  validation: 'Request body is invalid',
  unauthorized: 'Authentication required',
  forbidden: 'Not allowed',
  'not-found': 'Not found',
  'method-not-allowed': 'Method not allowed',
  conflict: 'Conflict',
  'payload-too-large': 'Payload too large',
  'unsupported-media-type': 'Unsupported media type',
  'upgrade-required': 'Upgrade required',
  'rate-limited': 'Too many requests',
  'idempotency-key-reused': 'Idempotency-Key reused for another request',
  'mapping-fails-everywhere': 'The mapping fails on every recent payload',
  unavailable: 'Service unavailable',
  internal: 'Internal error',
};

/** Codes for statuses another layer chose (Hono's HTTPException); any other 4xx is a bad request, 5xx internal. */
const CODE_FOR_STATUS: Partial<Record<number, ProblemCode>> = {
  400: 'bad-request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  409: 'conflict',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  426: 'upgrade-required',
  429: 'rate-limited',
  502: 'unavailable',
  503: 'unavailable',
  504: 'unavailable',
};

/** An RFC 9457 problem document. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ProblemCode;
  [extension: string]: unknown;
}

/** The one error type: thrown anywhere, turned into application/problem+json by app.onError. */
export class ProblemError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ProblemCode,
    detail: string,
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'ProblemError';
  }

  /** Rebuild the error from a problem that crossed an RPC boundary (class identity does not survive it). */
  static from(problem: Problem): ProblemError {
    const { status, code, detail, type: _type, title: _title, ...extensions } = problem;
    // Headers do not cross RPC; a wait the problem states in seconds is the one that must reach the client.
    const headers: Record<string, string> =
      typeof extensions.retryAfter === 'number'
        ? { 'retry-after': String(extensions.retryAfter) }
        : {};
    return new ProblemError(status as ContentfulStatusCode, code, detail, extensions, headers);
  }

  toProblem(): Problem {
    return {
      type: `https://firebell.dev/problems/${this.code}`,
      title: TITLES[this.code],
      status: this.status,
      detail: this.message,
      code: this.code,
      ...this.extensions,
    };
  }
}

/** A problem for a status another layer chose, named after the status; the title stands in for a missing detail. */
export function problemForStatus(
  status: ContentfulStatusCode,
  detail: string | undefined,
  headers: Record<string, string> = {},
): ProblemError {
  const code = CODE_FOR_STATUS[status] ?? (status >= 500 ? 'internal' : 'bad-request');
  return new ProblemError(status, code, detail || `${TITLES[code]}.`, {}, headers);
}

export const badRequest = (detail: string, ext?: Record<string, unknown>) =>
  new ProblemError(400, 'bad-request', detail, ext);
export const unauthorized = (detail: string) =>
  new ProblemError(
    401,
    'unauthorized',
    detail,
    {},
    { 'WWW-Authenticate': 'Bearer realm="firebell"' },
  );
export const forbidden = (detail: string) => new ProblemError(403, 'forbidden', detail);
export const notFound = (detail: string) => new ProblemError(404, 'not-found', detail);
export const conflict = (detail: string, ext?: Record<string, unknown>) =>
  new ProblemError(409, 'conflict', detail, ext);

/** Serialize a problem as a Response (used by onError and by code paths outside Hono, e.g. the DO). */
export function problemResponse(problem: Problem, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: { 'content-type': 'application/problem+json', ...headers },
  });
}
