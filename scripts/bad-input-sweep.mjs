#!/usr/bin/env node
/**
 * Bad-input sweep: a few thousand generated malformed requests to every ingestion route (with valid keys) and every
 * documented API route that takes a body (plus junk query strings on the GET routes), checking that none gets a 5xx
 * and that the server keeps answering GET /api/health. Bounded: MAX_REQUESTS requests and BUDGET_MS of sending.
 *
 *   node scripts/bad-input-sweep.mjs                       starts its own Firebell (scripts/start.mjs, temp state)
 *   FIREBELL_ORIGIN=http://127.0.0.1:8787 FIREBELL_ADMIN_TOKEN=… node scripts/bad-input-sweep.mjs
 *
 * Bodies: wrong types, missing keys, nulls, huge strings, deep nesting, invalid UTF-8 bytes, wrong content types,
 * truncated/garbled JSON, random JSON (seeded, so a run is reproducible with SWEEP_SEED). Routes come from the
 * server's own /api/openapi.json, so new routes are swept without editing this file; request bodies are derived
 * from their schemas. Exit code 1 when any request got a 5xx or the server stopped answering.
 * test/e2e/bad-input-sweep.test.ts runs it in CI.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export const MAX_REQUESTS = 3000;
export const BUDGET_MS = 50_000;

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
    const scalars = [null, true, false, 0, -1, 1e308, -0.5, 2 ** 53 + 2, '', 'x', '\u0000', '\ud83d\ude80', '<script>', 'null', '1e999', '{}'];
    return scalars[Math.floor(rand() * scalars.length)];
  }
  if (r < 0.6) return Array.from({ length: Math.floor(rand() * 5) }, () => randomJson(rand, depth + 1));
  const keys = ['summary', 'title', 'severity', 'status', 'alerts', 'labels', 'dedup_key', 'routing_key', 'event_action', 'payload', 'token', 'name', 'levels', 'id', 'type', '__proto__', 'constructor'];
  const obj = {};
  for (let i = Math.floor(rand() * 6); i > 0; i -= 1) obj[keys[Math.floor(rand() * keys.length)]] = randomJson(rand, depth + 1);
  return obj;
}

/** A plausible value for a JSON schema (first enum value, minimum lengths), resolving $refs against the spec. */
function sample(schema, spec, depth = 0) {
  if (!schema || depth > 8) return null;
  if (schema.$ref) return sample(spec.components?.schemas?.[schema.$ref.split('/').pop()], spec, depth + 1);
  if (schema.example !== undefined) return schema.example;
  if (schema.default !== undefined) return schema.default;
  if (schema.enum) return schema.enum[0];
  if (schema.const !== undefined) return schema.const;
  for (const k of ['anyOf', 'oneOf']) if (schema[k]) return sample(schema[k].find((s) => s.type !== 'null') ?? schema[k][0], spec, depth + 1);
  if (schema.allOf) return Object.assign({}, ...schema.allOf.map((s) => sample(s, spec, depth + 1)));
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  if (type === 'object' || schema.properties) {
    const out = {};
    for (const [key, sub] of Object.entries(schema.properties ?? {})) out[key] = sample(sub, spec, depth + 1);
    return out;
  }
  if (type === 'array') return Array.from({ length: Math.max(1, schema.minItems ?? 1) }, () => sample(schema.items, spec, depth + 1));
  if (type === 'string') return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
  if (type === 'integer' || type === 'number') return schema.minimum ?? 1;
  if (type === 'boolean') return true;
  return null;
}

const WRONG = [123, 'not-the-right-type', true, null, [], {}, [1, 'two', null], -1e308, 0.5];

/** Malformed variants of a template body: each { label, body (string|Buffer), type }. */
function variants(template, rand) {
  const out = [];
  const json = (label, value, type = JSON_TYPE) => out.push({ label, body: JSON.stringify(value), type });
  const raw = (label, body, type = JSON_TYPE) => out.push({ label, body, type });
  const isObj = template && typeof template === 'object' && !Array.isArray(template);
  json('template', template);
  if (isObj) {
    for (const key of Object.keys(template)) {
      const { [key]: _omit, ...rest } = template;
      json(`missing ${key}`, rest);
      json(`${key}: null`, { ...template, [key]: null });
      json(`${key}: wrong type`, { ...template, [key]: WRONG[Math.floor(rand() * WRONG.length)] });
      json(`${key}: another wrong type`, { ...template, [key]: WRONG[Math.floor(rand() * WRONG.length)] });
      json(`${key}: 100 KB string`, { ...template, [key]: 'x'.repeat(100_000) });
      raw(`${key}: 5,000-deep array`, JSON.stringify({ ...template, [key]: '@@' }).replace('"@@"', nested(5_000)));
      raw(`${key}: invalid UTF-8`, Buffer.concat([Buffer.from(JSON.stringify({ ...template, [key]: '@@' }).split('"@@"')[0] + '"a'), INVALID_UTF8[Math.floor(rand() * INVALID_UTF8.length)], Buffer.from('b"' + JSON.stringify({ ...template, [key]: '@@' }).split('"@@"')[1])]));
      const inner = template[key];
      if (inner && typeof inner === 'object' && !Array.isArray(inner)) {
        for (const sub of Object.keys(inner).slice(0, 6)) json(`${key}.${sub}: wrong type`, { ...template, [key]: { ...inner, [sub]: WRONG[Math.floor(rand() * WRONG.length)] } });
      }
      if (Array.isArray(inner)) {
        json(`${key}: 10,000 items`, { ...template, [key]: Array.from({ length: 10_000 }, () => inner[0] ?? 1) });
        json(`${key}: items of wrong type`, { ...template, [key]: [1, 'x', null, [], {}] });
      }
    }
    json('unknown extra key', { ...template, zzUnexpected: 1 });
    raw('__proto__ key', JSON.stringify(template).replace(/^\{/, '{"__proto__":{"admin":true},"constructor":{"prototype":1},'));
  }
  json('empty object', {});
  json('null', null);
  json('array', [template]);
  json('number', 42);
  json('string', 'hello');
  raw('empty body', '');
  raw('whitespace body', '   \n\t ');
  raw('truncated JSON', JSON.stringify(template).slice(0, Math.max(1, Math.floor(JSON.stringify(template).length / 2))));
  raw('trailing garbage', `${JSON.stringify(template)} }}} garbage`);
  raw('comments in JSON', `/* hi */ ${JSON.stringify(template)}`);
  raw('UTF-8 BOM', `\ufeff${JSON.stringify(template)}`);
  raw('NaN and Infinity tokens', '{"a": NaN, "b": Infinity, "c": -Infinity}');
  raw('1e999 everywhere', JSON.stringify(template).replace(/:(\s*)(-?\d+(\.\d+)?|"[^"]*")/g, ':1e999'));
  raw('100,000-deep array', nested(100_000));
  raw('100,000-deep object', nestedObject(100_000));
  raw('1 MB string', JSON.stringify({ ...(isObj ? template : {}), junk: 'y'.repeat(1_000_000) }));
  raw('random bytes', Buffer.from(Array.from({ length: 512 }, () => Math.floor(rand() * 256))));
  raw('invalid UTF-8 only', Buffer.concat(INVALID_UTF8));
  raw('template as text/plain', JSON.stringify(template), 'text/plain');
  raw('template as form', JSON.stringify(template), 'application/x-www-form-urlencoded');
  raw('form body', 'summary=x&severity=critical&token=&a[b][c]=d', 'application/x-www-form-urlencoded');
  raw('multipart garbage', '--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n--b--', 'multipart/form-data; boundary=b');
  raw('template without content type', JSON.stringify(template), null);
  raw('json; charset=utf-16', Buffer.from(JSON.stringify(template), 'utf16le'), 'application/json; charset=utf-16');
  raw('content type 5 KB long', JSON.stringify(template), `application/json; x=${'a'.repeat(5_000)}`);
  raw('xml', '<?xml version="1.0"?><alert><summary>x</summary></alert>', 'application/xml');
  for (let i = 0; i < 6; i += 1) json(`random JSON #${i}`, randomJson(rand));
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Targets

/** Body templates for the ingestion formats (their routes document no request schema). */
function ingestionTemplates(keys) {
  const amAlert = { status: 'firing', labels: { alertname: 'Sweep', severity: 'critical', instance: 'web-1' }, annotations: { summary: 'Sweep alert' }, startsAt: '2026-01-01T00:00:00Z', fingerprint: 'abc123' };
  const group = { version: '4', groupKey: '{}:{alertname="Sweep"}', status: 'firing', receiver: 'firebell', groupLabels: { alertname: 'Sweep' }, commonLabels: { alertname: 'Sweep' }, commonAnnotations: {}, externalURL: 'http://am.local', alerts: [amAlert] };
  return [
    { method: 'POST', path: '/v2/enqueue', template: { routing_key: keys.pagerduty, event_action: 'trigger', dedup_key: 'sweep', payload: { summary: 'Sweep', source: 'sweep', severity: 'critical' } } },
    { method: 'POST', path: '/v2/alerts', headers: { authorization: `GenieKey ${keys.opsgenie}` }, template: { message: 'Sweep', alias: 'sweep', priority: 'P1', description: 'x', tags: ['a'], details: { a: 'b' } } },
    { method: 'POST', path: '/v2/alerts/sweep/close?identifierType=alias', headers: { authorization: `GenieKey ${keys.opsgenie}` }, template: { note: 'closed', source: 'sweep' } },
    { method: 'POST', path: '/v2/alerts/sweep/acknowledge?identifierType=alias', headers: { authorization: `GenieKey ${keys.opsgenie}` }, template: { note: 'ack' } },
    { method: 'POST', path: '/v2/alerts/sweep/notes?identifierType=alias', headers: { authorization: `GenieKey ${keys.opsgenie}` }, template: { note: 'sweep note', user: 'sweep', source: 'sweep' } },
    { method: 'POST', path: '/v2/change/enqueue', template: { routing_key: keys.pagerduty, payload: { summary: 'Deploy sweep', timestamp: '2026-01-01T00:00:00Z', source: 'ci', custom_details: { build: 1 } }, links: [{ href: 'https://example.com', text: 'x' }] } },
    { method: 'POST', path: `/hooks/alertmanager/${keys.alertmanager}`, template: group },
    { method: 'POST', path: '/hooks/alertmanager', headers: { authorization: `Bearer ${keys.alertmanager}` }, template: group },
    { method: 'POST', path: `/hooks/grafana/${keys.grafana}`, template: { ...group, version: '1', orgId: 1, title: 'Sweep', state: 'alerting', message: 'x' } },
    { method: 'PUT', path: `/hooks/grafana/${keys.grafana}`, template: { ...group, version: '1', orgId: 1, title: 'Sweep', state: 'alerting', message: 'x' } },
    { method: 'POST', path: `/hooks/generic/${keys.generic}`, template: { summary: 'Sweep', severity: 'critical', dedup_key: 'sweep', details: { a: 1 }, links: [{ href: 'https://example.com', text: 'x' }] } },
    { method: 'POST', path: '/hooks/generic', template: { summary: 'Sweep', token: keys.generic } },
  ];
}

/** Fill {params} with the ids made in setup (or a junk id the route does not know). */
function fillPath(path, ids, rand) {
  const junk = ['nope', 'x'.repeat(300), '%00', '..%2F..%2Fetc', '%F0%9F%9A%80', '-1'];
  return path.replace(/\{(\w+)\}/g, (_, name) => {
    if (rand() < 0.15) return junk[Math.floor(rand() * junk.length)];
    if (name === 'serviceId') return ids.service;
    if (name === 'iid') return 'int_not_rotated'; // never rotate or revoke the sweep's own keys
    if (name === 'key') return ids.keys.generic;
    if (name === 'oid' || name === 'identifier' || name === 'file') return 'sweep';
    const collection = path.split('/')[2];
    return { incidents: ids.incident, schedules: ids.schedule, policies: ids.policy, teams: ids.team, services: ids.service, tokens: ids.token, push: ids.subscription }[collection] ?? 'sweep';
  });
}

/** Routes we must not drive with real ids (they would revoke the sweep's credentials or page a real push service). */
const SKIP = [/^DELETE /, /\/rotate$/, /\/subscriptions\/\{id\}\/test$/, /\/auth\/logout$/, /\/live$/];

async function buildPlan({ origin, adminToken, seed }) {
  const rand = prng(seed);
  const call = async (path, body, headers = {}) => {
    const res = await fetch(origin + path, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { 'content-type': JSON_TYPE }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`setup ${path} → ${res.status} ${text.slice(0, 300)}`);
    return JSON.parse(text);
  };
  // Setup: something real behind every id and key, so malformed bodies reach validation, adapters and objects.
  const invite = await call('/api/auth/invites', { role: 'responder' });
  const accept = await fetch(`${origin}/api/auth/accept`, { method: 'POST', headers: { 'content-type': JSON_TYPE }, body: JSON.stringify({ token: invite.token, name: 'Sweep' }) });
  const user = (await accept.json()).user;
  const cookie = (accept.headers.get('set-cookie') ?? '').split(';')[0];
  const token = await call('/api/tokens', { name: 'sweep' }, { authorization: '', cookie, origin });
  const { team } = await call('/api/teams', { name: 'Sweep team' }).catch(() => ({ team: { id: 'team_none' } }));
  const { schedule } = await call('/api/schedules', { name: 'Sweep', timeZone: 'Europe/Berlin', layers: [{ name: 'L1', start: '2026-01-05T09:00', rotation: { type: 'weekly' }, users: [user.id] }] }).catch(() => ({ schedule: { id: 'sch_none' } }));
  const { policy } = await call('/api/policies', { name: 'Sweep', levels: [{ delayMinutes: 60, targets: [{ type: 'user', id: user.id }] }] });
  const { service } = await call('/api/services', { name: 'Sweep', policyId: policy.id });
  const keys = {};
  for (const type of ['pagerduty', 'alertmanager', 'grafana', 'opsgenie', 'generic']) keys[type] = (await call(`/api/services/${service.id}/integrations`, { type, ratePerMinute: 10_000 })).key;
  const { incident } = await call('/api/incidents', { title: 'Sweep target', severity: 'critical', serviceId: service.id });
  const { subscription } = await call(
    '/api/push/subscriptions',
    { endpoint: 'https://push.sweep.invalid/send/1', keys: { p256dh: `B${'A'.repeat(86)}`, auth: 'AAAAAAAAAAAAAAAAAAAAAA' }, label: 'Sweep phone' },
    { authorization: `Bearer ${token.token}` },
  ).catch(() => ({ subscription: { id: 'psb_none' } }));
  const ids = { incident: incident.id, service: service.id, policy: policy.id, team: team?.id, schedule: schedule.id, token: token.id, subscription: subscription.id, keys };

  const spec = await call('/api/openapi.json');
  const targets = [];
  for (const [path, ops] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const key = `${method.toUpperCase()} ${path}`;
      if (SKIP.some((re) => re.test(key)) || path.startsWith('/v2/') || path.startsWith('/hooks/')) continue;
      if (method === 'get') {
        const query = (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
        targets.push({ method: 'GET', path, query });
        continue;
      }
      const schema = op.requestBody?.content?.[JSON_TYPE]?.schema;
      const unauthenticated = /\/auth\/accept$|\/push\/receipts$|\/push\/ack$/.test(path);
      targets.push({ method: method.toUpperCase(), path, template: schema ? sample(schema, spec) : {}, headers: unauthenticated ? { authorization: '' } : {} });
    }
  }
  targets.push(...ingestionTemplates(keys).map((t) => ({ ...t, ingestion: true })));

  // Every target's variants, interleaved so a time-bounded run still covers every route.
  const perTarget = targets.map((t) => {
    if (t.method === 'GET') {
      const junkQueries = ['?limit=abc', '?limit=-1', `?cursor=${'z'.repeat(500)}`, '?status=bogus,triggered', '?from=yesterday&to=x', '?from=0&to=99999999999999999', '?since=-5', '?%ZZ=1', `?a=${'%F0'.repeat(50)}`, '?limit=1e999'];
      const params = t.query.length ? t.query.flatMap((q) => [`?${q}=%00`, `?${q}=${'x'.repeat(3000)}`, `?${q}=-1e999`, `?${q}[]=1&${q}[]=2`]) : [];
      return [...junkQueries, ...params].map((q) => ({ method: 'GET', path: fillPath(t.path, ids, rand) + q, label: `query ${q.slice(0, 60)}`, body: null, type: null, route: `GET ${t.path}` }));
    }
    return variants(t.template, rand).map((v) => ({ ...v, method: t.method, path: t.ingestion ? t.path : fillPath(t.path, ids, rand), headers: t.headers ?? {}, route: `${t.method} ${t.path}` }));
  });
  const plan = [];
  for (let i = 0; plan.length < MAX_REQUESTS && perTarget.some((list) => i < list.length); i += 1) {
    for (const list of perTarget) if (i < list.length && plan.length < MAX_REQUESTS) plan.push(list[i]);
  }
  return { plan, targets: targets.length, ids };
}

// ---------------------------------------------------------------------------------------------------------------
// Sending

function send(agent, origin, adminToken, req) {
  return new Promise((resolve) => {
    const body = req.body === null || req.body === undefined ? null : Buffer.isBuffer(req.body) ? req.body : Buffer.from(req.body, 'utf8');
    const headers = { authorization: `Bearer ${adminToken}`, ...req.headers };
    if (!headers.authorization) delete headers.authorization;
    if (req.type) headers['content-type'] = req.type;
    if (body) headers['content-length'] = body.length;
    const r = http.request(`${origin}${req.path}`, { method: req.method, agent, headers, timeout: 15_000 }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.length < 8 && chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8').slice(0, 500) }));
      res.on('error', (err) => resolve({ status: `error ${err.code ?? err.message}` }));
    });
    r.on('timeout', () => r.destroy(new Error('timeout')));
    r.on('error', (err) => resolve({ status: `error ${err.code ?? err.message}` }));
    r.end(body ?? undefined);
  });
}

const bodyBytes = (req) => (req.body === null || req.body === undefined ? 0 : Buffer.isBuffer(req.body) ? req.body.length : Buffer.byteLength(req.body));

const excerpt = (body) => {
  if (body === null || body === undefined) return '';
  const text = Buffer.isBuffer(body) ? body.toString('latin1') : body;
  const shown = text.length > 240 ? `${text.slice(0, 200)}… (${text.length} bytes)` : text;
  return Buffer.isBuffer(body) && /[\x80-\xff]/.test(shown) ? `hex:${body.subarray(0, 64).toString('hex')}${body.length > 64 ? '…' : ''}` : shown;
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
export async function sweep({ origin, adminToken, seed = Number(process.env.SWEEP_SEED ?? 8), concurrency = 6, budgetMs = BUDGET_MS, log = () => {} }) {
  const started = Date.now();
  const { plan, targets } = await buildPlan({ origin, adminToken, seed });
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
        if (typeof res.status !== 'number' && bodyBytes(req) > 16 * 1024) res = { status: 'upload refused early (connection reset)', text: '' };
        sent += 1;
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        const counts = (byRoute[req.route] ??= {});
        counts[res.status] = (counts[res.status] ?? 0) + 1;
        const finding = { route: req.route, path: req.path.length > 120 ? `${req.path.slice(0, 120)}…` : req.path, variant: req.label, contentType: req.type, body: excerpt(req.body), status: res.status, response: res.text };
        if (typeof res.status === 'number' && res.status >= 500) serverErrors.push(finding);
        else if (typeof res.status !== 'number' && !res.status.startsWith('upload refused')) connectionErrors.push(finding);
        if (sent % 250 === 0 && !(await healthy(origin))) healthFailures += 1;
      }
    }),
  );
  agent.destroy();
  const healthyAtEnd = await healthy(origin);
  return {
    seed,
    planned: plan.length,
    sent,
    routes: Object.keys(byRoute).length,
    seconds: Math.round((Date.now() - started) / 100) / 10,
    statuses,
    serverErrors,
    connectionErrors,
    healthFailures,
    healthyAtEnd,
    byRoute,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Standalone: start a Firebell of our own unless told where one runs.

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function startFirebell() {
  const dir = mkdtempSync(join(tmpdir(), 'firebell-sweep-'));
  const port = await freePort();
  let output = '';
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), FIREBELL_STATE: join(dir, 'state'), FIREBELL_DEV_VARS: join(dir, 'dev.vars') },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const deadline = Date.now() + 30_000;
  while (!/Admin sign-in link/.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`Firebell did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const adminToken = /ADMIN_TOKEN="([^"]+)"/.exec(readFileSync(join(dir, 'dev.vars'), 'utf8'))[1];
  return {
    origin: `http://127.0.0.1:${port}`,
    adminToken,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function formatReport(report) {
  const lines = [
    `Bad-input sweep: ${report.sent}/${report.planned} requests to ${report.routes} routes in ${report.seconds} s (seed ${report.seed})`,
    `  statuses: ${Object.entries(report.statuses).map(([s, n]) => `${s}×${n}`).join(', ')}`,
    `  5xx: ${report.serverErrors.length}; connection errors: ${report.connectionErrors.length}; health failures during the run: ${report.healthFailures}; healthy at end: ${report.healthyAtEnd}`,
  ];
  for (const f of [...report.serverErrors, ...report.connectionErrors].slice(0, 40)) {
    lines.push(`  ✗ ${f.status} ${f.route} [${f.variant}] ${f.path} content-type=${f.contentType ?? '(none)'}\n      body: ${f.body}\n      response: ${f.response ?? ''}`);
  }
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const own = process.env.FIREBELL_ORIGIN ? null : await startFirebell();
  const origin = process.env.FIREBELL_ORIGIN ?? own.origin;
  const adminToken = process.env.FIREBELL_ADMIN_TOKEN ?? own.adminToken;
  let report;
  try {
    report = await sweep({ origin, adminToken, log: console.log });
  } finally {
    if (own && report?.serverErrors.length) {
      const log = own.output().split('\n').filter((l) => /error|exception/i.test(l)).slice(-20);
      if (log.length) console.log(`Server log (errors):\n  ${log.join('\n  ')}`);
    }
    await own?.stop();
  }
  console.log(formatReport(report));
  process.exit(report.serverErrors.length || report.connectionErrors.length || report.healthFailures || !report.healthyAtEnd ? 1 : 0);
}
