/** Test helpers: real requests through SELF, real users created through invites. */
import { SELF, env } from 'cloudflare:test';
import type { Incident, TimelineEntry } from '../schema/incident';
import type { ServerMessage } from '../schema/protocol';

export const BASE = 'http://127.0.0.1:8787';
export const ADMIN = { authorization: `Bearer ${env.ADMIN_TOKEN}` };

export interface TestUser {
  id: string;
  name: string;
  role: 'admin' | 'responder' | 'viewer';
  /** Headers that authenticate as this user with a personal API token. */
  auth: Record<string, string>;
  /** Session cookie, for browser-style requests. */
  cookie: string;
}

export async function api(
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...init.headers };
  let body: string | undefined;
  if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers['content-type'] ??= 'application/json';
  }
  return SELF.fetch(`${BASE}${path}`, {
    method: init.method ?? (body ? 'POST' : 'GET'),
    headers,
    body,
  });
}

export async function json<T>(res: Response | Promise<Response>, status?: number): Promise<T> {
  const r = await res;
  const text = await r.text();
  if (status !== undefined && r.status !== status)
    throw new Error(`expected ${status}, got ${r.status}: ${text}`);
  return JSON.parse(text) as T;
}

/** Create a user the way a person would: admin invite → accept on the phone → API token. */
export async function createUser(
  name: string,
  role: TestUser['role'] = 'responder',
): Promise<TestUser> {
  const invite = await json<{ token: string }>(
    api('/api/auth/invites', { body: { role }, headers: ADMIN }),
    201,
  );
  const accepted = await api('/api/auth/accept', { body: { token: invite.token, name } });
  const { user } = await json<{ user: { id: string } }>(accepted.clone(), 200);
  const cookie = (accepted.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const token = await json<{ token: string }>(
    api('/api/tokens', { body: { name: 'tests' }, headers: { cookie, origin: BASE } }),
    201,
  );
  return { id: user.id, name, role, auth: { authorization: `Bearer ${token.token}` }, cookie };
}

export async function openIncident(
  as: TestUser | typeof ADMIN,
  body: Record<string, unknown> = {},
): Promise<Incident> {
  const headers = 'auth' in as ? as.auth : as;
  const res = await api('/api/incidents', {
    body: { title: 'Checkout is down', severity: 'critical', ...body },
    headers,
  });
  return (await json<{ incident: Incident }>(res, 201)).incident;
}

export async function command(
  as: TestUser,
  id: string,
  path: string,
  body: unknown = {},
  extra: Record<string, string> = {},
): Promise<Response> {
  return api(`/api/incidents/${id}/${path}`, { body, headers: { ...as.auth, ...extra } });
}

export async function timeline(id: string): Promise<TimelineEntry[]> {
  return (
    await json<{ timeline: TimelineEntry[] }>(api(`/api/incidents/${id}`, { headers: ADMIN }), 200)
  ).timeline;
}

/** A live-room client over a real WebSocket, collecting every message it receives. */
export class LiveClient {
  readonly messages: ServerMessage[] = [];
  private waiters: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.addEventListener('message', (e) => {
      this.messages.push(JSON.parse(e.data as string) as ServerMessage);
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static async connect(
    id: string,
    headers: Record<string, string>,
    since?: number,
  ): Promise<LiveClient> {
    const res = await SELF.fetch(
      `${BASE}/api/incidents/${id}/live${since !== undefined ? `?since=${since}` : ''}`,
      { headers: { upgrade: 'websocket', ...headers } },
    );
    if (res.status !== 101 || !res.webSocket)
      throw new Error(`live connect failed: ${res.status} ${await res.text()}`);
    res.webSocket.accept();
    return new LiveClient(res.webSocket);
  }

  /** Wait (bounded) until a message matching `pred` has arrived; returns it. */
  async waitFor<T extends ServerMessage>(
    pred: (m: ServerMessage) => m is T,
    timeoutMs?: number,
  ): Promise<T>;
  async waitFor(pred: (m: ServerMessage) => boolean, timeoutMs?: number): Promise<ServerMessage>;
  async waitFor(pred: (m: ServerMessage) => boolean, timeoutMs = 5_000): Promise<ServerMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(pred);
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(`timed out; got ${JSON.stringify(this.messages.map((m) => m.type))}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  events(): TimelineEntry[] {
    return this.messages.flatMap((m) => (m.type === 'event' ? [m.entry] : []));
  }

  send(message: unknown): void {
    this.ws.send(JSON.stringify(message));
  }

  close(): void {
    this.ws.close(1000, 'done');
  }
}
