/**
 * The one way the PWA talks HTTP to the Worker: same-origin cookies, JSON bodies,
 * an Idempotency-Key on every POST, and problem+json turned into an ApiError.
 */
import type {
  ApiToken,
  Incident,
  IncidentDetail,
  IncidentPage,
  OnCallNow,
  ProblemBody,
  PushDevice,
  Service,
  Severity,
  User,
} from './types';

/** A failed request; `detail` is written for the user and is safe to show as is. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly code: string = 'unknown',
    readonly type: string = 'about:blank',
    /** The problem's extension members, e.g. a 409's `current` or a 404's `suggested`. */
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = 'ApiError';
  }
}

export interface RequestOptions {
  signal?: AbortSignal;
  /** Reuse one key across retries of the same user intent; a fresh one is made otherwise. */
  idempotencyKey?: string;
}

let onUnauthorized: (() => void) | null = null;

/** Routes whose 401 says nothing about the session: sign-in itself, and the action-token routes a page's link uses. */
const NOT_SESSION = /^\/api\/(auth\/|push\/ack\b|push\/receipts\b)/;

/** Something the user can act on that is not a failed request (e.g. push set-up); its message is shown as is. */
export class UserFacingError extends Error {
  override name = 'UserFacingError';
}

/** True when a request never got an answer: the phone is offline or the server is unreachable. */
export const isNetworkError = (err: unknown): boolean =>
  err instanceof ApiError && err.code === 'network';

/** Called on any 401 outside /api/auth/: the session is gone, so the app shows the signed-out screen. */
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

async function request<T>(
  method: Method,
  path: string,
  body?: unknown,
  opts: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  const hasBody = method === 'POST' || method === 'PATCH' || method === 'PUT';
  if (hasBody) headers['content-type'] = 'application/json';
  if (method === 'POST') headers['idempotency-key'] = opts.idempotencyKey ?? crypto.randomUUID();
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: hasBody ? JSON.stringify(body ?? {}) : undefined,
      signal: opts.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(
      0,
      navigator.onLine === false
        ? 'You are offline.'
        : 'Firebell could not be reached. Check your connection.',
      'network',
    );
  }
  if (res.status === 401 && !NOT_SESSION.test(path)) onUnauthorized?.();
  if (!res.ok) throw await toApiError(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

async function toApiError(res: Response): Promise<ApiError> {
  const fallback = `Request failed (${res.status}${res.statusText ? ` ${res.statusText}` : ''}).`;
  if (!/\bjson\b/.test(res.headers.get('content-type') ?? ''))
    return new ApiError(res.status, fallback);
  try {
    const {
      detail,
      title,
      code,
      type,
      status: _status,
      ...extensions
    } = (await res.json()) as Partial<ProblemBody> & Record<string, unknown>;
    return new ApiError(res.status, detail || title || fallback, code, type, extensions);
  } catch {
    return new ApiError(res.status, fallback);
  }
}

/** GET a JSON resource. */
export const get = <T>(path: string, opts?: RequestOptions) =>
  request<T>('GET', path, undefined, opts);
/** POST a JSON body. */
export const post = <T>(path: string, body: unknown, opts?: RequestOptions) =>
  request<T>('POST', path, body, opts);
/** PATCH a JSON body. */
export const patch = <T>(path: string, body: unknown, opts?: RequestOptions) =>
  request<T>('PATCH', path, body, opts);
/** PUT a JSON body. */
export const put = <T>(path: string, body: unknown, opts?: RequestOptions) =>
  request<T>('PUT', path, body, opts);
/** DELETE a resource. */
export const del = (path: string, opts?: RequestOptions) =>
  request<void>('DELETE', path, undefined, opts);

// Endpoints. Keep them thin: a path and a shape.

/** The browser's session: `user` is null when signed out (a 200, so a signed-out start logs no console error). */
export const getSession = (opts?: RequestOptions) =>
  get<{ user: User | null }>('/api/auth/session', opts);
export const acceptInvite = (token: string, name?: string) =>
  post<{ user: User }>('/api/auth/accept', name ? { token, name } : { token });
export const logout = () => post<unknown>('/api/auth/logout', {});
/** Change my display name. */
export const renameMe = (name: string) => patch<{ user: User }>('/api/me', { name });
export const listUsers = (opts?: RequestOptions) => get<{ users: User[] }>('/api/users', opts);
export const listServices = (opts?: RequestOptions) =>
  get<{ services: Service[] }>('/api/services', opts);
/** Who each service's escalation policy pages right now. */
export const getOnCall = (opts?: RequestOptions) => get<OnCallNow>('/api/oncall', opts);

export interface IncidentQuery {
  status?: string[];
  assignee?: 'me' | string;
  /** Incidents waiting on this user: assignee, role holder, or paged while unacknowledged. */
  involves?: 'me' | string;
  service?: string;
  severity?: Severity;
  limit?: number;
  cursor?: string | null;
}

export function listIncidents(query: IncidentQuery, opts?: RequestOptions): Promise<IncidentPage> {
  const params = new URLSearchParams();
  if (query.status?.length) params.set('status', query.status.join(','));
  if (query.assignee) params.set('assignee', query.assignee);
  if (query.involves) params.set('involves', query.involves);
  if (query.service) params.set('service', query.service);
  if (query.severity) params.set('severity', query.severity);
  params.set('limit', String(query.limit ?? 50));
  if (query.cursor) params.set('cursor', query.cursor);
  return get<IncidentPage>(`/api/incidents?${params}`, opts);
}

/** The incident with its newest timeline page, or (`before`) the page of entries before that seq. */
export const getIncident = (id: string, opts?: RequestOptions & { before?: number }) =>
  get<IncidentDetail>(
    `/api/incidents/${encodeURIComponent(id)}${opts?.before ? `?before=${opts.before}` : ''}`,
    opts,
  );

/** Body of each incident command, keyed by its path segment. */
export interface CommandBodies {
  acknowledge: Record<string, never>;
  resolve: { note?: string };
  reopen: { reason?: string };
  notes: { text: string };
  'status-updates': { text: string };
  severity: { severity: Severity };
  title: { title: string };
  reassign: { assignees: string[] };
  roles: { role: string; userId: string };
  'roles/unassign': { role: string };
  escalate: Record<string, never>;
}

/** Path of an incident command, e.g. /api/incidents/inc_1/acknowledge. */
export const commandPath = (id: string, command: keyof CommandBodies) =>
  `/api/incidents/${encodeURIComponent(id)}/${command}`;

/** Run a command on an incident; resolves with the incident as it is afterwards. */
export function runCommand<K extends keyof CommandBodies>(
  id: string,
  command: K,
  body: CommandBodies[K],
  opts?: RequestOptions,
): Promise<{ incident: Incident }> {
  return post(commandPath(id, command), body, opts);
}

/** Acknowledge with a page's action token instead of the session (the one-tap link a notification opens). */
export const ackWithToken = (token: string, incidentId: string, idempotencyKey: string) =>
  post<{ incident: Incident }>('/api/push/ack', { token, incidentId }, { idempotencyKey });

// Push devices

export const vapidPublicKey = () => get<{ publicKey: string }>('/api/push/vapid-public-key');
export const listDevices = (opts?: RequestOptions) =>
  get<{ subscriptions: PushDevice[] }>('/api/push/subscriptions', opts);
export const registerDevice = (body: {
  endpoint: string;
  keys: { p256dh: string; auth: string };
  label: string;
}) =>
  // testPage: a new device gets a test page at once; its receipt verifies the device
  post<{ subscription: PushDevice; testPage?: string }>('/api/push/subscriptions', body);
export const renameDevice = (id: string, label: string) =>
  patch<{ subscription: PushDevice }>(`/api/push/subscriptions/${encodeURIComponent(id)}`, {
    label,
  });
export const removeDevice = (id: string) =>
  del(`/api/push/subscriptions/${encodeURIComponent(id)}`);
export const testDevice = (id: string) =>
  post<{ removed: boolean; message: string }>(
    `/api/push/subscriptions/${encodeURIComponent(id)}/test`,
    {},
  );

// Personal API tokens

export const listTokens = (opts?: RequestOptions) =>
  get<{ tokens: ApiToken[] }>('/api/tokens', opts);
export const createToken = (name: string) =>
  post<ApiToken & { token: string }>('/api/tokens', { name });
export const revokeToken = (id: string) => del(`/api/tokens/${encodeURIComponent(id)}`);
