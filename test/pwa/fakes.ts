/**
 * Stand-ins for the network in PWA component tests: a routed fetch stub and a scriptable WebSocket.
 * Real-browser end-to-end tests (test/e2e) talk to the real Worker instead.
 */
import { vi } from 'vitest';
import type { Incident, IncidentSummary, TimelineEntry } from '../../schema/incident';
import type { FeedMessage, ServerMessage } from '../../schema/protocol';

export function incident(overrides: Partial<Incident> = {}): Incident {
  return {
    id: 'inc_1',
    number: 4,
    title: 'Checkout latency above 2s',
    description: '',
    serviceId: 'svc_checkout',
    severity: 'critical',
    status: 'triggered',
    assignees: ['u_me'],
    roles: {},
    dedupKey: null,
    alertCount: 2,
    firingCount: 2,
    notificationCount: 2,
    truncatedAlerts: 0,
    titleEdited: false,
    paged: [],
    createdAt: Date.now() - 5 * 60_000,
    createdBy: { kind: 'integration', id: 'int_am', name: 'Alertmanager' },
    acknowledgedAt: null,
    acknowledgedBy: null,
    resolvedAt: null,
    resolvedBy: null,
    updatedAt: Date.now() - 5 * 60_000,
    escalationLevel: 1,
    nobodyPaged: false,
    lastSeq: 1,
    ...overrides,
  };
}

export function entry(seq: number, overrides: Partial<TimelineEntry> = {}): TimelineEntry {
  return {
    seq,
    kind: 'note',
    at: Date.now() - (100 - seq) * 1000,
    actor: { kind: 'user', id: 'u_ann', name: 'Ann' },
    text: `entry ${seq}`,
    ...overrides,
  };
}

export const me = { id: 'u_me', name: 'Mo', role: 'responder' as const };

/** A row of the incident list (GET /api/incidents, the feed), from the same defaults as `incident()`. */
export function summary(overrides: Partial<IncidentSummary> = {}): IncidentSummary {
  const {
    id,
    number,
    title,
    serviceId,
    severity,
    status,
    assignees,
    roles,
    paged,
    alertCount,
    firingCount,
    notificationCount,
    createdAt,
    acknowledgedAt,
    resolvedAt,
    updatedAt,
    nobodyPaged,
    escalationLevel,
  } = incident();
  return {
    id,
    number,
    title,
    serviceId,
    severity,
    status,
    assignees,
    roles,
    paged,
    alertCount,
    firingCount,
    notificationCount,
    createdAt,
    acknowledgedAt,
    resolvedAt,
    updatedAt,
    nobodyPaged,
    escalationLevel,
    ...overrides,
  };
}

export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

export function problem(status: number, detail: string, code = 'conflict'): Response {
  return new Response(
    JSON.stringify({
      type: `https://firebell.dev/problems/${code}`,
      title: code,
      status,
      detail,
      code,
    }),
    {
      status,
      headers: { 'content-type': 'application/problem+json' },
    },
  );
}

type Handler = (req: {
  method: string;
  url: URL;
  body: unknown;
  headers: Headers;
  init: RequestInit;
}) => Response | Promise<Response>;

/** Stub global fetch with handlers keyed "METHOD /path" (query ignored); unmatched requests 404. Returns the call log. */
export function stubFetch(routes: Record<string, Handler>) {
  const calls: { method: string; url: URL; body: unknown; headers: Headers; init: RequestInit }[] =
    [];
  const fn = vi.fn(async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(String(input), location.origin);
    const method = (init.method ?? 'GET').toUpperCase();
    const body = typeof init.body === 'string' ? JSON.parse(init.body) : undefined;
    const req = { method, url, body, headers: new Headers(init.headers), init };
    calls.push(req);
    const handler = routes[`${method} ${url.pathname}`];
    return handler
      ? handler(req)
      : problem(404, `No route for ${method} ${url.pathname}`, 'not-found');
  });
  vi.stubGlobal('fetch', fn);
  return calls;
}

/** A WebSocket the test drives: `open()`, `receive(msg)`, `drop()`. Every instance is kept in `FakeWebSocket.all`. */
export class FakeWebSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  static all: FakeWebSocket[] = [];

  readyState = FakeWebSocket.CONNECTING;
  sent: unknown[] = [];
  onopen: ((ev: Event) => void) | null = null;
  onmessage: ((ev: MessageEvent) => void) | null = null;
  onclose: ((ev: CloseEvent) => void) | null = null;
  onerror: ((ev: Event) => void) | null = null;

  constructor(readonly url: string) {
    FakeWebSocket.all.push(this);
  }

  static install(): void {
    FakeWebSocket.all = [];
    vi.stubGlobal('WebSocket', FakeWebSocket);
  }

  static get last(): FakeWebSocket {
    const ws = FakeWebSocket.all.at(-1);
    if (!ws) throw new Error('no WebSocket was opened');
    return ws;
  }

  get since(): number {
    return Number(new URL(this.url).searchParams.get('since'));
  }

  open(): void {
    this.readyState = FakeWebSocket.OPEN;
    this.onopen?.(new Event('open'));
  }

  receive(msg: ServerMessage | FeedMessage): void {
    this.onmessage?.(new MessageEvent('message', { data: JSON.stringify(msg) }));
  }

  /** The server or the network drops the connection. */
  drop(code = 1006): void {
    this.readyState = FakeWebSocket.CLOSED;
    this.onclose?.(new CloseEvent('close', { code }));
  }

  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }

  close(code = 1000): void {
    if (this.readyState === FakeWebSocket.CLOSED) return;
    this.readyState = FakeWebSocket.CLOSED;
    this.onclose?.(new CloseEvent('close', { code }));
  }
}

// Web Push in the browser: a service worker registration, PushManager and Notification, all scriptable.
// setup.ts removes navigator.serviceWorker after each test.

export const toBase64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

/** 65 bytes, 0x04 first: an uncompressed P-256 point as base64url. */
export const VAPID = toBase64url(Uint8Array.from({ length: 65 }, (_, i) => (i === 0 ? 4 : i)));

export interface FakeSubscription {
  endpoint: string;
  options: { applicationServerKey: ArrayBuffer | null };
  toJSON(): { endpoint: string; keys: { p256dh: string; auth: string } };
  unsubscribe(): Promise<boolean>;
}

export function subscription(endpoint = 'https://push.example.net/send/abc'): FakeSubscription {
  const key = Uint8Array.from({ length: 65 }, (_, i) => (i === 0 ? 4 : i));
  return {
    endpoint,
    options: { applicationServerKey: key.buffer },
    toJSON: () => ({ endpoint, keys: { p256dh: 'BPp256dh', auth: 'authsecret' } }),
    unsubscribe: vi.fn(async () => true),
  };
}

/** A browser with a service worker, the Push API and Notification, all scriptable. */
export function browserWith(opts: {
  permission?: NotificationPermission;
  answer?: NotificationPermission;
  existing?: FakeSubscription | null;
  subscribe?: () => Promise<FakeSubscription>;
}) {
  const Notification = Object.assign(function Notification() {}, {
    permission: opts.permission ?? 'default',
    requestPermission: vi.fn(async () => {
      Notification.permission = opts.answer ?? 'granted';
      return Notification.permission;
    }),
  });
  const pushManager = {
    getSubscription: vi.fn(async () => opts.existing ?? null),
    subscribe: vi.fn(opts.subscribe ?? (async () => subscription())),
  };
  const registration = { pushManager };
  vi.stubGlobal('Notification', Notification);
  vi.stubGlobal('PushManager', function PushManager() {});
  Object.defineProperty(navigator, 'serviceWorker', {
    configurable: true,
    value: { ready: Promise.resolve(registration), getRegistration: async () => registration },
  });
  return { Notification, pushManager };
}
