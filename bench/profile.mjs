#!/usr/bin/env node
/**
 * CPU profile of Firebell's request paths inside workerd (diagnostic; not part of `npm run bench`).
 *   node bench/profile.mjs [shared|distinct|health|status|page|webhooks] [seconds]
 * `status`: GET /status (a page with two components and a published incident), served from the versioned cache.
 * `webhooks`: 50 subscriptions of one service to a Node receiver; new incidents at 2/s for `seconds`, then until
 * their deliveries arrive; costs are per delivery.
 * Serves the built bundle as scripts/start.mjs does (same Miniflare options, temp state) plus workerd's V8
 * inspector, records a sampling CPU profile of every isolate while autocannon drives one path at 8 connections,
 * and prints where the time went (self and inclusive), by function and by source location in dist/worker/index.js.
 * All isolates share workerd's one thread, so only the firebell isolate's split is meaningful; compare totals with
 * the server CPU per request that `npm run bench` reports.
 */
import '../scripts/wrangler-env.mjs';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import http from 'node:http';
import { join } from 'node:path';
import { Miniflare } from 'miniflare';
import { unstable_getMiniflareWorkerOptions } from 'wrangler';
import WebSocket from 'ws';
import { ensureDevVars } from '../scripts/setup.mjs';
import { cannon } from './ingest.mjs';
import { freePort, ROOT } from './lib.mjs';

const shape = process.argv[2] ?? 'shared';
const seconds = Number(process.argv[3] ?? 5);
process.chdir(ROOT);

const dir = mkdtempSync(join(tmpdir(), 'firebell-profile-'));
const port = await freePort();
const inspectorPort = await freePort();
const origin = `http://127.0.0.1:${port}`;
const { vars } = ensureDevVars(join(dir, 'dev.vars'));
const { workerOptions } = unstable_getMiniflareWorkerOptions('wrangler.toml');
for (const key of [
  'ADMIN_TOKEN',
  'SESSION_SECRET',
  'VAPID_PUBLIC_KEY',
  'VAPID_PRIVATE_KEY',
  'VAPID_SUBJECT',
])
  delete workerOptions.bindings?.[key];
const mf = new Miniflare({
  ...workerOptions,
  name: 'firebell',
  modules: true,
  scriptPath: 'dist/worker/index.js',
  bindings: {
    ...workerOptions.bindings,
    ...vars,
    PUBLIC_URL: origin,
    ...(shape === 'webhooks' ? { ALLOW_INSECURE_OUTBOUND: 'true' } : {}),
  },
  defaultPersistRoot: join(dir, 'state'),
  cf: false,
  host: '127.0.0.1',
  port,
  inspectorPort,
});
await mf.ready;
const db = await mf.getD1Database('DB');
for (const file of readdirSync('schema/migrations')
  .filter((f) => f.endsWith('.sql'))
  .sort()) {
  const statements = readFileSync(`schema/migrations/${file}`, 'utf8')
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter(Boolean);
  await db.batch(statements.map((s) => db.prepare(s)));
}

const admin = { authorization: `Bearer ${vars.ADMIN_TOKEN}`, 'content-type': 'application/json' };
const post = async (path, body) =>
  (
    await fetch(origin + path, { method: 'POST', headers: admin, body: JSON.stringify(body) })
  ).json();
const { service } = await post('/api/services', { name: 'profile' });
const { key } = await post(`/api/services/${service.id}/integrations`, {
  type: 'pagerduty',
  ratePerMinute: 10_000,
});
const trigger = (dedup) =>
  JSON.stringify({
    routing_key: key,
    event_action: 'trigger',
    dedup_key: dedup,
    payload: { summary: 'Profile [<id>]', source: 'bench', severity: 'critical' },
  });
if (shape === 'status') {
  const { component } = await post('/api/status/components', {
    name: 'Checkout',
    group: 'Shop',
    serviceIds: [service.id],
  });
  await post('/api/status/components', { name: 'Search', group: 'Shop', serviceIds: [service.id] });
  const { incident } = await post('/api/incidents', {
    title: 'profile incident',
    severity: 'critical',
    serviceId: service.id,
  });
  await post(`/api/incidents/${incident.id}/status-page`, {
    title: 'Slow checkout',
    status: 'investigating',
    body: 'Checkout is slow for some customers.',
    components: [{ id: component.id, state: 'degraded_performance' }],
  });
}
const target =
  shape === 'health'
    ? { url: `${origin}/api/health` }
    : shape === 'status'
      ? { url: `${origin}/status` }
      : {
          url: `${origin}/v2/enqueue`,
          method: 'POST',
          body: trigger(shape === 'distinct' ? 'p-[<id>]' : 'shared'),
          idReplacement: shape === 'distinct',
        };
// `webhooks`: a receiver counting arrivals behind 50 subscriptions; triggers are paced, not hammered.
let arrivals = 0;
if (shape === 'webhooks') {
  const receiver = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      arrivals += 1;
      res.writeHead(204).end();
    });
  });
  await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiver.unref();
  for (let i = 0; i < 50; i++)
    await post('/api/webhooks', {
      url: `http://127.0.0.1:${receiver.address().port}/${i}`,
      serviceId: service.id,
      events: ['incident.triggered'],
    });
}
let sent = 0;
const pacedWebhooks = async (secs) => {
  const start = arrivals;
  const want = secs * 2 * 50;
  const t0 = Date.now();
  for (let i = 0; i < secs * 2; i++) {
    await new Promise((r) => setTimeout(r, Math.max(0, t0 + i * 500 - Date.now())));
    await fetch(`${origin}/v2/enqueue`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: trigger(`w-${(sent += 1)}`),
    }).catch((err) => console.error(`trigger failed: ${err.cause?.code ?? err.message}`));
  }
  while (arrivals - start < want && Date.now() - t0 < secs * 1000 + 60_000)
    await new Promise((r) => setTimeout(r, 50));
  const ms = Date.now() - t0;
  return {
    requests: arrivals - start,
    rps: Math.round(((arrivals - start) / ms) * 1000),
    p50: '-',
  };
};
const load = (secs) =>
  shape === 'webhooks'
    ? pacedWebhooks(secs)
    : cannon({ ...target, connections: 8, duration: secs });
await load(1); // warm-up (and opens the shared incident)

// One inspector session per isolate workerd exposes.
const targets = await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json();
const sessions = await Promise.all(
  targets.map(
    (t) =>
      new Promise((resolve, reject) => {
        const ws = new WebSocket(t.webSocketDebuggerUrl);
        let id = 0;
        const pending = new Map();
        ws.on('message', (data) => {
          const msg = JSON.parse(data.toString());
          if (msg.id && pending.has(msg.id)) pending.get(msg.id)(msg.result ?? msg.error);
        });
        const send = (method, params = {}) =>
          new Promise((r) => {
            id += 1;
            pending.set(id, r);
            ws.send(JSON.stringify({ id, method, params }));
          });
        ws.once('open', () => resolve({ title: t.title, send, ws }));
        ws.once('error', reject);
      }),
  ),
);
for (const s of sessions) {
  await s.send('Profiler.enable');
  await s.send('Profiler.setSamplingInterval', { interval: 200 });
  await s.send('Profiler.start');
}
const result = await load(seconds);
const profiles = [];
for (const s of sessions)
  profiles.push({ title: s.title, profile: (await s.send('Profiler.stop')).profile });
for (const s of sessions) s.ws.close();
console.log(
  `${shape}: ${result.requests} answered (${result.rps} req/s, p50 ${result.p50} ms) during the profile`,
);

for (const { title, profile } of profiles) {
  if (!profile?.nodes) continue;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const interval =
    (profile.endTime - profile.startTime) / 1000 / Math.max(1, profile.samples.length); // ms per sample
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = (n) =>
    `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber + 1}`;
  const self = new Map();
  const inclusive = new Map();
  let busy = 0;
  for (const sample of profile.samples) {
    const node = byId.get(sample);
    const name = label(node);
    if (['(idle)', '(program)', '(garbage collector)'].includes(node.callFrame.functionName)) {
      // Native time of the shared workerd thread (other isolates, SQLite, I/O) shows up here: not this isolate's JS.
      self.set(
        node.callFrame.functionName,
        (self.get(node.callFrame.functionName) ?? 0) + interval,
      );
      continue;
    }
    busy += interval;
    self.set(name, (self.get(name) ?? 0) + interval);
    const seen = new Set();
    for (let id = sample; id !== undefined; id = parent.get(id)) {
      const n = label(byId.get(id));
      if (seen.has(n)) continue;
      seen.add(n);
      inclusive.set(n, (inclusive.get(n) ?? 0) + interval);
    }
  }
  if (busy < 20) continue;
  const per = (ms) => `${((ms / result.requests) * 1000).toFixed(0).padStart(5)} µs/req`;
  console.log(
    `\n== ${title}: ${busy.toFixed(0)} ms in JS (incl. natives it called) over ${result.requests} requests (${per(busy)})`,
  );
  console.log('  top self:');
  for (const [n, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25))
    console.log(`   ${per(ms)}  ${n}`);
  console.log('  top inclusive:');
  for (const [n, ms] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, 40))
    console.log(`   ${per(ms)}  ${n}`);
  const file = join(tmpdir(), `firebell-${shape}-${title.replace(/\W+/g, '_')}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile)); // open in Chrome DevTools → Performance, or speedscope
  console.log(`  full profile: ${file}`);
}
await mf.dispose();
rmSync(dir, { recursive: true, force: true });
