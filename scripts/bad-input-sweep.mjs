#!/usr/bin/env node
/**
 * Bad-input sweep: a few thousand generated malformed requests to every ingestion route (with valid keys) and every
 * documented API route (bodies, junk ids and junk query strings; DELETEs, rotate, the test page and logout aimed at
 * resources made to be destroyed, so the sweep's own credentials survive), then malformed frames over both live
 * sockets, checking that none gets a 5xx, that no connection breaks, and that the server keeps answering
 * GET /api/health. Bounded: MAX_REQUESTS requests and BUDGET_MS of sending.
 *
 *   node scripts/bad-input-sweep.mjs                       starts its own Firebell (scripts/start.mjs, temp state)
 *   FIREBELL_ORIGIN=http://127.0.0.1:8787 FIREBELL_ADMIN_TOKEN=… node scripts/bad-input-sweep.mjs
 *
 * Bodies: wrong types, missing keys, nulls, huge strings, deep nesting, invalid UTF-8 bytes, wrong content types,
 * truncated/garbled JSON, random JSON (seeded, so a run is reproducible with SWEEP_SEED). Routes come from the
 * server's own /api/openapi.json, so new routes are swept without editing this file; request bodies are derived
 * from their schemas. Exit code 1 when any request got a 5xx, a connection broke, or the server stopped answering.
 * The Firebell it starts runs with ALLOW_INSECURE_OUTBOUND=true, so the test page goes to a closed loopback port.
 * test/e2e/bad-input-sweep.test.ts runs it in CI.
 */
import WebSocket from 'ws';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { startFirebell } from './firebell-instance.mjs';

export const MAX_REQUESTS = 3000;
export const BUDGET_MS = 50_000;

/** A browser's push subscription keys: an ECDH P-256 public key and a 16-byte auth secret, base64url. */
async function subscriptionKeys() {
  const pair = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, [
    'deriveBits',
  ]);
  const raw = Buffer.from(await crypto.subtle.exportKey('raw', pair.publicKey));
  return {
    p256dh: raw.toString('base64url'),
    auth: Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64url'),
  };
}

/** mulberry32: a small seeded PRNG, so a failing body can be regenerated from the seed. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Bodies

const JSON_TYPE = 'application/json';
const nested = (depth, leaf = 1) => `${'['.repeat(depth)}${leaf}${']'.repeat(depth)}`;
const nestedObject = (depth) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

/** Raw byte sequences that are not valid UTF-8, placed inside a JSON string. */
const INVALID_UTF8 = [
  Buffer.from([0xff, 0xfe, 0xfd]),
  Buffer.from([0xc0, 0xaf]), // overlong "/"
  Buffer.from([0xed, 0xa0, 0x80]), // a lone surrogate, UTF-8 encoded
  Buffer.from([0xe2, 0x82]), // truncated sequence
  Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80]), // 5-byte form
  Buffer.from([0x80, 0x80, 0x80]), // continuation bytes alone
];

function randomJson(rand, depth = 0) {
  const r = rand();
  if (depth > 4 || r < 0.3) {
    const scalars = [
      null,
      true,
      false,
      0,
      -1,
      1e308,
      -0.5,
      2 ** 53 + 2,
      '',
      'x',
      '\u0000',
      '\ud83d\ude80',
      '<script>',
      'null',
      '1e999',
      '{}',
    ];
    return scalars[Math.floor(rand() * scalars.length)];
  }
  if (r < 0.6)
    return Array.from({ length: Math.floor(rand() * 5) }, () => randomJson(rand, depth + 1));
  const keys = [
    'summary',
    'title',
    'severity',
    'status',
    'alerts',
    'labels',
    'dedup_key',
    'routing_key',
    'event_action',
    'payload',
    'token',
    'name',
    'levels',
    'id',
    'type',
    '__proto__',
    'constructor',
  ];
  const obj = {};
  for (let i = Math.floor(rand() * 6); i > 0; i -= 1)
    obj[keys[Math.floor(rand() * keys.length)]] = randomJson(rand, depth + 1);
  return obj;
}

/** A plausible value for a JSON schema (first enum value, minimum lengths), resolving $refs against the spec. */
function sample(schema, spec, depth = 0) {
  if (!schema || depth > 8) return null;
  if (schema.$ref)
    return sample(spec.components?.schemas?.[schema.$ref.split('/').pop()], spec, depth + 1);
  if (schema.example !== undefined) return schema.example;
  if (schema.default !== undefined) return schema.default;
  if (schema.enum) return schema.enum[0];
  if (schema.const !== undefined) return schema.const;
  for (const k of ['anyOf', 'oneOf'])
    if (schema[k])
      return sample(schema[k].find((s) => s.type !== 'null') ?? schema[k][0], spec, depth + 1);
  if (schema.allOf)
    return Object.assign({}, ...schema.allOf.map((s) => sample(s, spec, depth + 1)));
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  if (type === 'object' || schema.properties) {
    const out = {};
    for (const [key, sub] of Object.entries(schema.properties ?? {}))
      out[key] = sample(sub, spec, depth + 1);
    return out;
  }
  if (type === 'array')
    return Array.from({ length: Math.max(1, schema.minItems ?? 1) }, () =>
      sample(schema.items, spec, depth + 1),
    );
  if (type === 'string') return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
  if (type === 'integer' || type === 'number') return schema.minimum ?? 1;
  if (type === 'boolean') return true;
  return null;
}

const WRONG = [123, 'not-the-right-type', true, null, [], {}, [1, 'two', null], -1e308, 0.5];

/** Malformed variants of a template body: each { label, body (string|Buffer), type }. */
function variants(template, rand) {
  const out = [];
  const json = (label, value, type = JSON_TYPE) =>
    out.push({ label, body: JSON.stringify(value), type });
  const raw = (label, body, type = JSON_TYPE) => out.push({ label, body, type });
  const isObj = template && typeof template === 'object' && !Array.isArray(template);
  json('template', template);
  if (isObj) {
    for (const key of Object.keys(template)) {
      const { [key]: _omit, ...rest } = template;
      json(`missing ${key}`, rest);
      json(`${key}: null`, { ...template, [key]: null });
      json(`${key}: wrong type`, { ...template, [key]: WRONG[Math.floor(rand() * WRONG.length)] });
      json(`${key}: another wrong type`, {
        ...template,
        [key]: WRONG[Math.floor(rand() * WRONG.length)],
      });
      json(`${key}: 100 KB string`, { ...template, [key]: 'x'.repeat(100_000) });
      raw(
        `${key}: 5,000-deep array`,
        JSON.stringify({ ...template, [key]: '@@' }).replace('"@@"', nested(5_000)),
      );
      raw(
        `${key}: invalid UTF-8`,
        Buffer.concat([
          Buffer.from(JSON.stringify({ ...template, [key]: '@@' }).split('"@@"')[0] + '"a'),
          INVALID_UTF8[Math.floor(rand() * INVALID_UTF8.length)],
          Buffer.from('b"' + JSON.stringify({ ...template, [key]: '@@' }).split('"@@"')[1]),
        ]),
      );
      const inner = template[key];
      if (inner && typeof inner === 'object' && !Array.isArray(inner)) {
        for (const sub of Object.keys(inner).slice(0, 6))
          json(`${key}.${sub}: wrong type`, {
            ...template,
            [key]: { ...inner, [sub]: WRONG[Math.floor(rand() * WRONG.length)] },
          });
      }
      if (Array.isArray(inner)) {
        json(`${key}: 10,000 items`, {
          ...template,
          [key]: Array.from({ length: 10_000 }, () => inner[0] ?? 1),
        });
        json(`${key}: items of wrong type`, { ...template, [key]: [1, 'x', null, [], {}] });
      }
    }
    json('unknown extra key', { ...template, zzUnexpected: 1 });
    raw(
      '__proto__ key',
      JSON.stringify(template).replace(
        /^\{/,
        '{"__proto__":{"admin":true},"constructor":{"prototype":1},',
      ),
    );
  }
  json('empty object', {});
  json('null', null);
  json('array', [template]);
  json('number', 42);
  json('string', 'hello');
  raw('empty body', '');
  raw('whitespace body', '   \n\t ');
  raw(
    'truncated JSON',
    JSON.stringify(template).slice(0, Math.max(1, Math.floor(JSON.stringify(template).length / 2))),
  );
  raw('trailing garbage', `${JSON.stringify(template)} }}} garbage`);
  raw('comments in JSON', `/* hi */ ${JSON.stringify(template)}`);
  raw('UTF-8 BOM', `\ufeff${JSON.stringify(template)}`);
  raw('NaN and Infinity tokens', '{"a": NaN, "b": Infinity, "c": -Infinity}');
  raw(
    '1e999 everywhere',
    JSON.stringify(template).replace(/:(\s*)(-?\d+(\.\d+)?|"[^"]*")/g, ':1e999'),
  );
  raw('100,000-deep array', nested(100_000));
  raw('100,000-deep object', nestedObject(100_000));
  raw('1 MB string', JSON.stringify({ ...(isObj ? template : {}), junk: 'y'.repeat(1_000_000) }));
  raw('random bytes', Buffer.from(Array.from({ length: 512 }, () => Math.floor(rand() * 256))));
  raw('invalid UTF-8 only', Buffer.concat(INVALID_UTF8));
  raw('template as text/plain', JSON.stringify(template), 'text/plain');
  raw('template as form', JSON.stringify(template), 'application/x-www-form-urlencoded');
  raw(
    'form body',
    'summary=x&severity=critical&token=&a[b][c]=d',
    'application/x-www-form-urlencoded',
  );
  raw(
    'multipart garbage',
    '--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n--b--',
    'multipart/form-data; boundary=b',
  );
  raw('template without content type', JSON.stringify(template), null);
  raw(
    'json; charset=utf-16',
    Buffer.from(JSON.stringify(template), 'utf16le'),
    'application/json; charset=utf-16',
  );
  raw(
    'content type 5 KB long',
    JSON.stringify(template),
    `application/json; x=${'a'.repeat(5_000)}`,
  );
  raw('xml', '<?xml version="1.0"?><alert><summary>x</summary></alert>', 'application/xml');
  for (let i = 0; i < 6; i += 1) json(`random JSON #${i}`, randomJson(rand));
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Targets

/** Body templates for the ingestion formats (their routes document no request schema). */
function ingestionTemplates(keys) {
  const amAlert = {
    status: 'firing',
    labels: { alertname: 'Sweep', severity: 'critical', instance: 'web-1' },
    annotations: { summary: 'Sweep alert' },
    startsAt: '2026-01-01T00:00:00Z',
    fingerprint: 'abc123',
  };
  const group = {
    version: '4',
    groupKey: '{}:{alertname="Sweep"}',
    status: 'firing',
    receiver: 'firebell',
    groupLabels: { alertname: 'Sweep' },
    commonLabels: { alertname: 'Sweep' },
    commonAnnotations: {},
    externalURL: 'http://am.local',
    alerts: [amAlert],
  };
  return [
    {
      method: 'POST',
      path: '/v2/enqueue',
      template: {
        routing_key: keys.pagerduty,
        event_action: 'trigger',
        dedup_key: 'sweep',
        payload: { summary: 'Sweep', source: 'sweep', severity: 'critical' },
      },
    },
    {
      method: 'POST',
      path: '/v2/alerts',
      headers: { authorization: `GenieKey ${keys.opsgenie}` },
      template: {
        message: 'Sweep',
        alias: 'sweep',
        priority: 'P1',
        description: 'x',
        tags: ['a'],
        details: { a: 'b' },
      },
    },
    {
      method: 'POST',
      path: '/v2/alerts/sweep/close?identifierType=alias',
      headers: { authorization: `GenieKey ${keys.opsgenie}` },
      template: { note: 'closed', source: 'sweep' },
    },
    {
      method: 'POST',
      path: '/v2/alerts/sweep/acknowledge?identifierType=alias',
      headers: { authorization: `GenieKey ${keys.opsgenie}` },
      template: { note: 'ack' },
    },
    {
      method: 'POST',
      path: '/v2/alerts/sweep/notes?identifierType=alias',
      headers: { authorization: `GenieKey ${keys.opsgenie}` },
      template: { note: 'sweep note', user: 'sweep', source: 'sweep' },
    },
    {
      method: 'POST',
      path: '/v2/change/enqueue',
      template: {
        routing_key: keys.pagerduty,
        payload: {
          summary: 'Deploy sweep',
          timestamp: '2026-01-01T00:00:00Z',
          source: 'ci',
          custom_details: { build: 1 },
        },
        links: [{ href: 'https://example.com', text: 'x' }],
      },
    },
    { method: 'POST', path: `/hooks/alertmanager/${keys.alertmanager}`, template: group },
    {
      method: 'POST',
      path: '/hooks/alertmanager',
      headers: { authorization: `Bearer ${keys.alertmanager}` },
      template: group,
    },
    {
      method: 'POST',
      path: `/hooks/grafana/${keys.grafana}`,
      template: {
        ...group,
        version: '1',
        orgId: 1,
        title: 'Sweep',
        state: 'alerting',
        message: 'x',
      },
    },
    {
      method: 'PUT',
      path: `/hooks/grafana/${keys.grafana}`,
      template: {
        ...group,
        version: '1',
        orgId: 1,
        title: 'Sweep',
        state: 'alerting',
        message: 'x',
      },
    },
    {
      method: 'POST',
      path: `/hooks/generic/${keys.generic}`,
      template: {
        summary: 'Sweep',
        severity: 'critical',
        dedup_key: 'sweep',
        details: { a: 1 },
        links: [{ href: 'https://example.com', text: 'x' }],
      },
    },
    { method: 'POST', path: '/hooks/generic', template: { summary: 'Sweep', token: keys.generic } },
  ];
}

/**
 * Fill {params} with the ids made in setup (or, now and then, a junk id the route does not know). Destructive
 * requests (DELETE, rotate, changing a person's access) get the `victims`, made only to be destroyed.
 */
function fillPath(path, method, ids, rand) {
  const junk = ['nope', 'x'.repeat(300), '%00', '..%2F..%2Fetc', '%F0%9F%9A%80', '-1'];
  const destructive =
    method === 'DELETE' ||
    path.endsWith('/rotate') ||
    (method === 'PATCH' && path.startsWith('/api/users/'));
  const set = destructive ? { ...ids, ...ids.victims } : ids;
  return path.replace(/\{(\w+)\}/g, (_, name) => {
    if (rand() < 0.15) return junk[Math.floor(rand() * junk.length)];
    if (name === 'serviceId') return set.serviceForPolicy;
    if (name === 'iid') return set.integration;
    if (name === 'oid') return set.override;
    if (name === 'sid') return set.session;
    if (name === 'tid') return set.userToken;
    if (name === 'key') return ids.keys.generic;
    if (name === 'identifier' || name === 'file') return 'sweep';
    const collection = path.split('/')[2];
    return (
      {
        incidents: set.incident,
        schedules: set.schedule,
        policies: set.policy,
        teams: set.team,
        services: set.service,
        tokens: set.token,
        push: set.subscription,
        users: set.user,
        'calendar-feeds': set.calendarFeed,
        'action-items': set.actionItem,
      }[collection] ?? 'sweep'
    );
  });
}

async function buildPlan({ origin, adminToken, seed }) {
  const rand = prng(seed);
  const call = async (path, body, headers = {}) => {
    const request = () =>
      fetch(origin + path, {
        method: body === undefined ? 'GET' : 'POST',
        headers: {
          authorization: `Bearer ${adminToken}`,
          ...(body === undefined ? {} : { 'content-type': JSON_TYPE }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    // A kept-alive connection the server closed just as it was reused resets before any answer (a client-side race,
    // not a server fault): set-up asks again once on a fresh connection. The sweep itself never reuses connections.
    const res = await request().catch((err) =>
      err instanceof TypeError ? request() : Promise.reject(err),
    );
    const text = await res.text();
    if (res.status >= 300) throw new Error(`setup ${path} → ${res.status} ${text.slice(0, 300)}`);
    return JSON.parse(text);
  };
  // Setup: something real behind every id and key, so malformed bodies reach validation, adapters and objects.
  const person = async (name, role = 'responder') => {
    const invite = await call('/api/auth/invites', { role });
    const accept = await fetch(`${origin}/api/auth/accept`, {
      method: 'POST',
      headers: { 'content-type': JSON_TYPE },
      body: JSON.stringify({ token: invite.token, name }),
    });
    if (accept.status !== 200)
      throw new Error(`setup accept → ${accept.status} ${await accept.text()}`);
    const cookie = (accept.headers.get('set-cookie') ?? '').split(';')[0];
    const token = await call(
      '/api/tokens',
      { name: 'sweep' },
      { authorization: '', cookie, origin },
    );
    return { user: (await accept.json()).user, cookie, token };
  };
  const { user, token } = await person('Sweep');
  const { team } = await call('/api/teams', { name: 'Sweep team' }).catch(() => ({
    team: { id: 'team_none' },
  }));
  const layers = [
    { name: 'L1', start: '2026-01-05T09:00', rotation: { type: 'weekly' }, users: [user.id] },
  ];
  const { schedule } = await call('/api/schedules', {
    name: 'Sweep',
    timeZone: 'Europe/Berlin',
    layers,
  }).catch(() => ({ schedule: { id: 'sch_none' } }));
  const { policy } = await call('/api/policies', {
    name: 'Sweep',
    levels: [{ delayMinutes: 60, targets: [{ type: 'user', id: user.id }] }],
  });
  const { service } = await call('/api/services', { name: 'Sweep', policyId: policy.id });
  const keys = {};
  for (const type of ['pagerduty', 'alertmanager', 'grafana', 'opsgenie', 'generic'])
    keys[type] = (
      await call(`/api/services/${service.id}/integrations`, { type, ratePerMinute: 10_000 })
    ).key;
  const { incident } = await call('/api/incidents', {
    title: 'Sweep target',
    severity: 'critical',
    serviceId: service.id,
  });
  // A push endpoint on a closed loopback port (only accepted with the insecure outbound switch): the test page
  // goes through the whole sender and meets a refused connection, never the internet.
  const device = async (label) =>
    (
      await call(
        '/api/push/subscriptions',
        { endpoint: `http://127.0.0.1:9/sweep/${label}`, keys: await subscriptionKeys(), label },
        { authorization: `Bearer ${token.token}` },
      ).catch(() => ({
        subscription: { id: 'psb_none' },
      }))
    ).subscription.id;
  const ids = {
    incident: incident.id,
    service: service.id,
    serviceForPolicy: service.id,
    policy: policy.id,
    team: team?.id,
    schedule: schedule.id,
    token: token.id,
    subscription: await device('sweep-phone'),
    user: user.id,
    keys,
  };

  // Victims: made to be deleted, rotated, revoked or signed out by the destructive routes.
  const victim = await person('Sweep victim');
  const victimDetail = await call(`/api/users/${victim.user.id}`);
  const { schedule: doomedSchedule } = await call('/api/schedules', {
    name: 'Sweep victim',
    timeZone: 'UTC',
    layers,
  }).catch(() => ({ schedule: { id: 'sch_none' } }));
  const override = await call(`/api/schedules/${doomedSchedule.id}/overrides`, {
    userId: user.id,
    start: Date.now() + 86_400_000,
    end: Date.now() + 2 * 86_400_000,
  }).catch(() => ({ override: { id: 'ovr_none' } }));
  const { policy: doomedPolicy } = await call('/api/policies', {
    name: 'Sweep victim',
    levels: [{ delayMinutes: 60, targets: [{ type: 'user', id: user.id }] }],
  });
  const { service: doomedService } = await call('/api/services', {
    name: 'Sweep victim',
    policyId: doomedPolicy.id,
  });
  ids.victims = {
    token: (await call('/api/tokens', { name: 'sweep victim' })).id,
    integration: (await call(`/api/services/${service.id}/integrations`, { type: 'generic' })).id,
    subscription: await device('sweep-victim'),
    schedule: doomedSchedule.id,
    override: override.override?.id ?? override.id ?? 'ovr_none',
    policy: doomedPolicy.id,
    serviceForPolicy: doomedService.id,
    user: victim.user.id,
    session: victimDetail.sessions[0]?.id ?? 'sid_none',
    userToken: victim.token.id,
    calendarFeed: (
      await call(
        '/api/oncall/me/calendar-feed',
        {},
        { authorization: `Bearer ${victim.token.token}` },
      )
    ).id,
  };

  const spec = await call('/api/openapi.json');
  const targets = [];
  for (const [path, ops] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      if (path.startsWith('/v2/') || path.startsWith('/hooks/')) continue;
      if (method === 'get') {
        const query = (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
        targets.push({ method: 'GET', path, query });
        continue;
      }
      const schema = op.requestBody?.content?.[JSON_TYPE]?.schema;
      const unauthenticated = /\/auth\/accept$|\/push\/receipts$|\/push\/ack$/.test(path);
      targets.push({
        method: method.toUpperCase(),
        path,
        template: schema ? sample(schema, spec) : {},
        headers: unauthenticated ? { authorization: '' } : {},
      });
    }
  }
  targets.push(...ingestionTemplates(keys).map((t) => ({ ...t, ingestion: true })));

  // Every target's variants, interleaved so a time-bounded run still covers every route.
  const perTarget = targets.map((t) => {
    if (t.method === 'GET') {
      const junkQueries = [
        '?limit=abc',
        '?limit=-1',
        `?cursor=${'z'.repeat(500)}`,
        '?status=bogus,triggered',
        '?from=yesterday&to=x',
        '?from=0&to=99999999999999999',
        '?since=-5',
        '?%ZZ=1',
        `?a=${'%F0'.repeat(50)}`,
        '?limit=1e999',
      ];
      const params = t.query.length
        ? t.query.flatMap((q) => [
            `?${q}=%00`,
            `?${q}=${'x'.repeat(3000)}`,
            `?${q}=-1e999`,
            `?${q}[]=1&${q}[]=2`,
          ])
        : [];
      return [...junkQueries, ...params].map((q) => ({
        method: 'GET',
        path: fillPath(t.path, 'GET', ids, rand) + q,
        label: `query ${q.slice(0, 60)}`,
        body: null,
        type: null,
        route: `GET ${t.path}`,
      }));
    }
    return variants(t.template, rand).map((v) => ({
      ...v,
      method: t.method,
      path: t.ingestion ? t.path : fillPath(t.path, t.method, ids, rand),
      headers: t.headers ?? {},
      route: `${t.method} ${t.path}`,
    }));
  });
  const plan = [];
  for (let i = 0; plan.length < MAX_REQUESTS && perTarget.some((list) => i < list.length); i += 1) {
    for (const list of perTarget)
      if (i < list.length && plan.length < MAX_REQUESTS) plan.push(list[i]);
  }
  return { plan, targets: targets.length, ids };
}

// ---------------------------------------------------------------------------------------------------------------
// Sending

function send(agent, origin, adminToken, req) {
  return new Promise((resolve) => {
    const body =
      req.body === null || req.body === undefined
        ? null
        : Buffer.isBuffer(req.body)
          ? req.body
          : Buffer.from(req.body, 'utf8');
    const headers = { authorization: `Bearer ${adminToken}`, ...req.headers };
    if (!headers.authorization) delete headers.authorization;
    if (req.type) headers['content-type'] = req.type;
    if (body) headers['content-length'] = body.length;
    const r = http.request(
      `${origin}${req.path}`,
      { method: req.method, agent, headers, timeout: 15_000 },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.length < 8 && chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode,
            text: Buffer.concat(chunks).toString('utf8').slice(0, 500),
          }),
        );
        res.on('error', (err) => resolve({ status: `error ${err.code ?? err.message}` }));
      },
    );
    r.on('timeout', () => r.destroy(new Error('timeout')));
    r.on('error', (err) => resolve({ status: `error ${err.code ?? err.message}` }));
    r.end(body ?? undefined);
  });
}

const bodyBytes = (req) =>
  req.body === null || req.body === undefined
    ? 0
    : Buffer.isBuffer(req.body)
      ? req.body.length
      : Buffer.byteLength(req.body);

const excerpt = (body) => {
  if (body === null || body === undefined) return '';
  const text = Buffer.isBuffer(body) ? body.toString('latin1') : body;
  const shown = text.length > 240 ? `${text.slice(0, 200)}… (${text.length} bytes)` : text;
  return Buffer.isBuffer(body) && /[\x80-\xff]/.test(shown)
    ? `hex:${body.subarray(0, 64).toString('hex')}${body.length > 64 ? '…' : ''}`
    : shown;
};

async function healthy(origin) {
  try {
    const res = await fetch(`${origin}/api/health`, { signal: AbortSignal.timeout(5_000) });
    return res.status === 200;
  } catch {
    return false;
  }
}

/** Run the sweep against a running Firebell; resolves with a report (never throws for 5xx). */
export async function sweep({
  origin,
  adminToken,
  seed = Number(process.env.SWEEP_SEED ?? 8),
  concurrency = 6,
  budgetMs = BUDGET_MS,
  log = () => {},
}) {
  const started = Date.now();
  const { plan, targets, ids } = await buildPlan({ origin, adminToken, seed });
  log(`sweep: ${plan.length} requests planned over ${targets} routes (seed ${seed})`);
  const agent = new http.Agent({ keepAlive: false, maxSockets: concurrency });
  const statuses = {};
  const serverErrors = [];
  const connectionErrors = [];
  const byRoute = {};
  let sent = 0;
  let healthFailures = 0;
  let next = 0;
  const deadline = Date.now() + budgetMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < plan.length && Date.now() < deadline) {
        const req = plan[next++];
        let res = await send(agent, origin, adminToken, req);
        // workerd answers an oversized upload before reading it and closes the connection, so the client may see a
        // reset instead of the 413; nearby connections sometimes get reset with it. Retry on a fresh connection,
        // and count a reset that survives retries as an early refusal only when the body was over every limit.
        for (let attempt = 0; typeof res.status !== 'number' && attempt < 2; attempt += 1) {
          await new Promise((r) => setTimeout(r, 50 * (attempt + 1)));
          res = await send(agent, origin, adminToken, req);
        }
        if (typeof res.status !== 'number' && bodyBytes(req) > 16 * 1024)
          res = { status: 'upload refused early (connection reset)', text: '' };
        sent += 1;
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        const counts = (byRoute[req.route] ??= {});
        counts[res.status] = (counts[res.status] ?? 0) + 1;
        const finding = {
          route: req.route,
          path: req.path.length > 120 ? `${req.path.slice(0, 120)}…` : req.path,
          variant: req.label,
          contentType: req.type,
          body: excerpt(req.body),
          status: res.status,
          response: res.text,
        };
        if (typeof res.status === 'number' && res.status >= 500) serverErrors.push(finding);
        else if (typeof res.status !== 'number' && !res.status.startsWith('upload refused'))
          connectionErrors.push(finding);
        if (sent % 250 === 0 && !(await healthy(origin))) healthFailures += 1;
      }
    }),
  );
  agent.destroy();
  const sockets = await sweepSockets({ origin, adminToken, incidentId: ids.incident, log });
  for (const [route, counts] of Object.entries(sockets.byRoute)) byRoute[route] = counts;
  const healthyAtEnd = await healthy(origin);
  return {
    seed,
    planned: plan.length,
    sent: sent + sockets.sent,
    routes: Object.keys(byRoute).length,
    seconds: Math.round((Date.now() - started) / 100) / 10,
    statuses,
    serverErrors: [...serverErrors, ...sockets.serverErrors],
    connectionErrors: [...connectionErrors, ...sockets.connectionErrors],
    healthFailures,
    healthyAtEnd,
    byRoute,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Sockets

/** Frames no client should send: each must get a 4xx result (or be ignored, on the feed), never a 5xx or a broken socket. */
function socketFrames() {
  const command = (cmd, extra = {}) =>
    JSON.stringify({ type: 'command', id: 'sweep', command: cmd, ...extra });
  return [
    ['not JSON', 'hello'],
    ['empty frame', ''],
    ['null', 'null'],
    ['array', '[1,2,3]'],
    ['no type', '{"id":"sweep"}'],
    ['unknown type', '{"type":"launch","id":"sweep"}'],
    ['command without id', '{"type":"command","command":{"type":"add_note","text":"x"}}'],
    ['command id a number', '{"type":"command","id":7,"command":{"type":"add_note","text":"x"}}'],
    ['command without command', '{"type":"command","id":"sweep"}'],
    ['unknown command', command({ type: 'delete_everything' })],
    ['note of the wrong type', command({ type: 'add_note', text: 42 })],
    ['empty note', command({ type: 'add_note', text: '' })],
    ['100 KB note', command({ type: 'add_note', text: 'x'.repeat(100_000) })],
    ['extra field', command({ type: 'acknowledge', admin: true })],
    [
      '__proto__ command',
      '{"type":"command","id":"sweep","command":{"__proto__":{"type":"resolve"},"type":"add_note","text":"p"}}',
    ],
    [
      'reassign 10,000 people',
      command({
        type: 'reassign',
        assignees: Array.from({ length: 10_000 }, (_, i) => `usr_${i}`),
      }),
    ],
    ['unknown role', command({ type: 'assign_role', role: 'x'.repeat(500), userId: 'usr_admin' })],
    [
      'idempotency key of 10,000 characters',
      command({ type: 'add_note', text: 'k' }, { idempotencyKey: 'k'.repeat(10_000) }),
    ],
    [
      'idempotency key a number',
      command({ type: 'add_note', text: 'k' }, { idempotencyKey: 12345 }),
    ],
    ['idempotency key empty', command({ type: 'add_note', text: 'k' }, { idempotencyKey: '' })],
    [
      '5,000-deep nesting',
      `{"type":"command","id":"sweep","command":${'['.repeat(5_000)}${']'.repeat(5_000)}}`,
    ],
    ['invalid UTF-8 (binary frame)', Buffer.from([0xff, 0xfe, 0x7b, 0x22])],
    ['binary JSON', Buffer.from('{"type":"ping"}')],
    ['2 MB frame', command({ type: 'add_note', text: 'x'.repeat(2_000_000) })],
    ['ping', '{"type":"ping"}'],
  ];
}

/** One frame, then the server's next message (or none within `ms`). */
function exchange(ws, frame, ms = 5_000) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => done(null), ms);
    const done = (value) => {
      clearTimeout(timer);
      ws.off('message', onMessage);
      ws.off('close', onClose);
      resolve(value);
    };
    const onMessage = (data) => {
      let message;
      try {
        message = JSON.parse(String(data));
      } catch {
        message = { type: 'unparseable', text: String(data).slice(0, 200) };
      }
      if (
        message.type === 'snapshot' ||
        message.type === 'presence' ||
        message.type === 'event' ||
        message.type === 'incident'
      )
        return; // not an answer
      done(message);
    };
    const onClose = (code) => done({ type: 'closed', code });
    ws.on('message', onMessage);
    ws.on('close', onClose);
    ws.send(frame);
  });
}

/** Open a socket; like the HTTP requests, a reset before any answer is tried twice more on a fresh connection. */
async function connect(url, adminToken) {
  let attempt = await connectOnce(url, adminToken);
  for (let i = 0; attempt.error && i < 2; i += 1) {
    await new Promise((r) => setTimeout(r, 50 * (i + 1)));
    attempt = await connectOnce(url, adminToken);
  }
  return attempt;
}

function connectOnce(url, adminToken) {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${adminToken}` } });
    ws.once('open', () => {
      // A reset after opening shows as a close (counted as a broken connection); without a listener it would throw.
      ws.on('error', () => {});
      resolve({ ws });
    });
    ws.once('unexpected-response', (_req, res) => {
      res.resume();
      resolve({ status: res.statusCode });
    });
    ws.once('error', (err) => resolve({ error: err.code ?? err.message }));
  });
}

/** Bad upgrades and malformed frames over the incident room and the list feed. */
async function sweepSockets({ origin, adminToken, incidentId, log }) {
  const base = origin.replace(/^http/, 'ws');
  const sockets = [
    {
      route: 'WS /api/incidents/{id}/live',
      url: `${base}/api/incidents/${incidentId}/live`,
      answers: true,
    },
    { route: 'WS /api/feed/live', url: `${base}/api/feed/live`, answers: false },
  ];
  const serverErrors = [];
  const connectionErrors = [];
  const byRoute = {};
  let sent = 0;
  const count = (route, outcome) => {
    const counts = (byRoute[route] ??= {});
    counts[outcome] = (counts[outcome] ?? 0) + 1;
    sent += 1;
  };
  for (const bad of ['?since=-5', '?since=abc', `?since=${'9'.repeat(400)}`, '?since=1e999']) {
    const route = 'WS /api/incidents/{id}/live';
    const attempt = await connect(`${base}/api/incidents/${incidentId}/live${bad}`, adminToken);
    attempt.ws?.close();
    count(route, attempt.status ?? (attempt.ws ? 101 : `error ${attempt.error}`));
    if (attempt.status >= 500)
      serverErrors.push({
        route,
        path: bad,
        variant: `upgrade ${bad}`,
        status: attempt.status,
        body: '',
      });
    if (attempt.error)
      connectionErrors.push({
        route,
        path: bad,
        variant: `upgrade ${bad}`,
        status: `error ${attempt.error}`,
        body: '',
      });
  }
  for (const socket of sockets) {
    let open = await connect(socket.url, adminToken);
    for (const [label, frame] of socketFrames()) {
      const finding = (status, response = '') => ({
        route: socket.route,
        path: socket.url.replace(base, ''),
        variant: label,
        contentType: 'websocket',
        body: excerpt(frame),
        status,
        response,
      });
      if (!open.ws) {
        connectionErrors.push(finding(`could not connect: ${open.status ?? open.error}`));
        break;
      }
      const answer = await exchange(open.ws, frame, socket.answers ? 5_000 : 300);
      const status =
        answer === null
          ? 'no answer'
          : answer.type === 'result'
            ? answer.ok
              ? 200
              : answer.problem?.status
            : answer.type === 'closed'
              ? `closed ${answer.code}`
              : answer.type;
      count(socket.route, status);
      if (typeof status === 'number' && status >= 500)
        serverErrors.push(finding(status, JSON.stringify(answer.problem)));
      // The room answers every frame; the feed answers pings only. A socket that drops is a failure either way,
      // except the runtime's own refusal of a frame over its 1 MiB limit (close 1009, "message too big").
      const refusedAsTooBig =
        answer?.type === 'closed' && answer.code === 1009 && frame.length > 1_048_576;
      if (refusedAsTooBig) open = await connect(socket.url, adminToken);
      else if (
        answer?.type === 'closed' ||
        (socket.answers && answer === null) ||
        answer?.type === 'unparseable'
      ) {
        connectionErrors.push(finding(status, JSON.stringify(answer)));
        open = await connect(socket.url, adminToken);
      }
    }
    const alive = open.ws ? await exchange(open.ws, '{"type":"ping"}') : null;
    if (alive?.type !== 'pong')
      connectionErrors.push({
        route: socket.route,
        path: socket.url.replace(base, ''),
        variant: 'ping after the sweep',
        status: JSON.stringify(alive),
        body: '',
      });
    open.ws?.close();
  }
  log(`sweep: ${sent} socket frames and upgrades over ${sockets.length} sockets`);
  return { sent, serverErrors, connectionErrors, byRoute };
}

// ---------------------------------------------------------------------------------------------------------------
// Standalone: start a Firebell of our own unless told where one runs.

export function formatReport(report) {
  const lines = [
    `Bad-input sweep: ${report.sent} requests and frames (${report.planned} planned requests) to ${report.routes} routes in ${report.seconds} s (seed ${report.seed})`,
    `  statuses: ${Object.entries(report.statuses)
      .map(([s, n]) => `${s}×${n}`)
      .join(', ')}`,
    `  5xx: ${report.serverErrors.length}; connection errors: ${report.connectionErrors.length}; health failures during the run: ${report.healthFailures}; healthy at end: ${report.healthyAtEnd}`,
    ...Object.entries(report.byRoute)
      .filter(([route]) => route.startsWith('WS '))
      .map(
        ([route, counts]) =>
          `  ${route}: ${Object.entries(counts)
            .map(([s, n]) => `${s}×${n}`)
            .join(', ')}`,
      ),
  ];
  for (const f of [...report.serverErrors, ...report.connectionErrors].slice(0, 40)) {
    lines.push(
      `  ✗ ${f.status} ${f.route} [${f.variant}] ${f.path} content-type=${f.contentType ?? '(none)'}\n      body: ${f.body}\n      response: ${f.response ?? ''}`,
    );
  }
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const own = process.env.FIREBELL_ORIGIN
    ? null
    : await startFirebell({ env: { ALLOW_INSECURE_OUTBOUND: 'true' } });
  const origin = process.env.FIREBELL_ORIGIN ?? own.origin;
  const adminToken = process.env.FIREBELL_ADMIN_TOKEN ?? own.adminToken;
  let report;
  try {
    report = await sweep({ origin, adminToken, log: console.log });
  } finally {
    if (own && report?.serverErrors.length) {
      const log = own
        .output()
        .split('\n')
        .filter((l) => /error|exception/i.test(l))
        .slice(-20);
      if (log.length) console.log(`Server log (errors):\n  ${log.join('\n  ')}`);
    }
    await own?.stop();
  }
  console.log(formatReport(report));
  process.exit(
    report.serverErrors.length ||
      report.connectionErrors.length ||
      report.healthFailures ||
      !report.healthyAtEnd
      ? 1
      : 0,
  );
}
