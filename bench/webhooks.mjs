#!/usr/bin/env node
/**
 * 10. Outgoing webhooks (issue 16): one incident event fanned out to 50 subscriptions, and the page beside it.
 * a) A Node receiver on 127.0.0.1 behind 50 subscriptions of one service; `incidents` alerts, paced, each open an
 *    incident whose incident.triggered goes to all 50. Latency = arrival at the receiver − the event's
 *    `occurred_at` (when the change committed; same machine, same clock). Every delivery is counted by
 *    subscription and `webhook-id` (exactly once expected) and its signature verified with `standardwebhooks`,
 *    after the run so verifying never delays an arrival.
 * b) In the same run, alert-to-page latency (bench/paging.mjs, push stand-in) on a service with 0 and with 50
 *    webhook subscriptions, alternating 0, 50, 50, 0, so drift in the machine's load falls on both. Each run's
 *    warm-up page is followed by its webhook deliveries (none with 0 subscriptions) and a settle of
 *    WARM_SETTLE_MS on both sides, so page 0 does not meet the first hand-over to 50 queues just subscribed
 *    (BENCH_WARM=page: measure right after the warm-up page, as before). Every measured page counts.
 * Needs Firebell with ALLOW_INSECURE_OUTBOUND=true (webhooks to 127.0.0.1) and ALLOW_INSECURE_PUSH=true.
 * Run alone: `node bench/webhooks.mjs` after `npm run build` (prints JSON).
 */
import http from 'node:http';
import os from 'node:os';
import { Webhook } from 'standardwebhooks';
import { now, postJson, round, sleep, summary, until } from './lib.mjs';
import { benchAlertToPage } from './paging.mjs';

const SUBSCRIPTIONS = 50;
/** After the warm-up page and its deliveries, both sides wait this long before the measured pages. */
const WARM_SETTLE_MS = 1_000;

/** A webhook receiver that keeps every request (arrival time first, body later) and answers 204. */
async function startReceiver() {
  const received = [];
  const server = http.createServer((req, res) => {
    const at = Date.now();
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push({
        at,
        path: req.url,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    received,
    origin: `http://127.0.0.1:${server.address().port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(resolve);
      }),
  };
}

/** `count` subscriptions to incident.triggered of `serviceId`, each at its own path; their secrets by path. */
async function subscribe(fb, receiver, serviceId, count, tag, secrets) {
  for (let i = 0; i < count; i++) {
    const path = `/${tag}/${i}`;
    const { secret } = await fb.must('/api/webhooks', {
      body: { url: `${receiver.origin}${path}`, serviceId, events: ['incident.triggered'] },
    });
    secrets.set(path, secret);
  }
}

/** Deliveries by subscription and webhook-id: unique ones, copies, and signatures that do not verify. */
function tally(requests, secrets) {
  const seen = new Set();
  let duplicates = 0;
  let unverified = 0;
  const unique = [];
  for (const r of requests) {
    const key = `${r.path} ${r.headers['webhook-id']}`;
    if (seen.has(key)) {
      duplicates += 1;
      continue;
    }
    seen.add(key);
    let event;
    try {
      event = new Webhook(secrets.get(r.path)).verify(r.body, r.headers);
    } catch {
      unverified += 1;
      continue;
    }
    unique.push({ ...r, event });
  }
  return { unique, duplicates, unverified };
}

export async function benchWebhooks(
  fb,
  push,
  {
    incidents = 30,
    perSecond = 2,
    pages = 60,
    pagesPerSecond = 5,
    rounds = 2,
    log = console.log,
  } = {},
) {
  const receiver = await startReceiver();
  const secrets = new Map();
  try {
    // a) Fan-out of incident.triggered to 50 subscriptions of one service (no policy: nobody is paged here).
    const { service, key } = await fb.integration('pagerduty', { name: 'bench-webhooks' });
    await subscribe(fb, receiver, service.id, SUBSCRIPTIONS, 'fanout', secrets);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    const url = `${fb.origin}/v2/enqueue`;
    const run = Math.random().toString(36).slice(2, 8);
    const trigger = (name) =>
      postJson(agent, url, {
        routing_key: key,
        event_action: 'trigger',
        dedup_key: `${name}-${run}`,
        payload: { summary: `Webhook bench ${run} ${name}`, source: 'bench', severity: 'critical' },
      });
    // One warm-up incident, so the first measured one does not pay for compiling the delivery path.
    await trigger('warm');
    await until(
      () => receiver.received.length >= SUBSCRIPTIONS || undefined,
      'the warm-up deliveries',
      20_000,
    );
    await sleep(500);
    const first = receiver.received.length;
    const expected = incidents * SUBSCRIPTIONS;
    log(`  webhooks: ${incidents} incidents at ${perSecond}/s to ${SUBSCRIPTIONS} subscriptions …`);
    const statuses = {};
    const cpuBefore = fb.cpuMs();
    const start = now();
    for (let i = 0; i < incidents; i++) {
      const wait = start + (i * 1000) / perSecond - now();
      if (wait > 0) await sleep(wait);
      const res = await trigger(`#${i}`).catch((err) => ({ status: `error ${err.code}` }));
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    }
    const complete = await until(
      () => receiver.received.length - first >= expected || undefined,
      `${expected} deliveries`,
      60_000,
    ).catch(() => false);
    const cpuMs = fb.cpuMs() - cpuBefore;
    await sleep(2_000); // room for any second copy to show up
    agent.destroy();
    const { unique, duplicates, unverified } = tally(receiver.received.slice(first), secrets);
    const latencies = unique.map((r) => r.at - Date.parse(r.event.occurred_at));
    // Per incident: when the last of its 50 subscribers had it.
    const lastByIncident = new Map();
    for (const r of unique) {
      const id = r.event.incident.id;
      const lag = r.at - Date.parse(r.event.occurred_at);
      lastByIncident.set(id, Math.max(lastByIncident.get(id) ?? 0, lag));
    }
    const perSubscription = new Map();
    for (const r of unique) perSubscription.set(r.path, (perSubscription.get(r.path) ?? 0) + 1);
    const fanout = {
      subscriptions: SUBSCRIPTIONS,
      incidents,
      perSecond,
      statuses,
      expected,
      delivered: unique.length,
      complete: complete !== false,
      duplicates,
      unverified,
      subscriptionsWithAll: [...perSubscription.values()].filter((n) => n === incidents).length,
      commitToReceiverMs: summary(latencies, [50, 95, 99]),
      // Deliveries per second from the first event's commit to the last arrival: the delivery path's pace here.
      deliveriesPerSecond: unique.length
        ? round(
            unique.length /
              ((Math.max(...unique.map((r) => r.at)) -
                Math.min(...unique.map((r) => Date.parse(r.event.occurred_at)))) /
                1000),
            0,
          )
        : null,
      // Server CPU (Node + workerd) per delivery, the alerts' own share included: what bounds the pace.
      serverCpuMsPerDelivery: unique.length ? round(cpuMs / unique.length) : null,
      allSubscribersMs: summary([...lastByIncident.values()], [50, 99]),
    };

    // b) The page with 0 and with 50 subscriptions on the paged service, alternating.
    const page = { 0: [], 50: [] };
    const order = [];
    for (let r = 0; r < rounds; r++) order.push(...(r % 2 === 0 ? [0, 50] : [50, 0]));
    for (const subs of order) {
      const before = receiver.received.length;
      const cpuBefore = fb.cpuMs();
      const workerdBefore = fb.workerdCpuMs();
      const started = now();
      log(`  webhooks: alert-to-page with ${subs} subscriptions on the paged service …`);
      const result = await benchAlertToPage(fb, push, {
        count: pages,
        perSecond: pagesPerSecond,
        log: () => {},
        stages: true,
        // A real warm-up for both sides: the warm-up incident's deliveries (subs of them), then the same settle.
        warmedUp:
          process.env.BENCH_WARM === 'page'
            ? undefined
            : async () => {
                await until(
                  () => receiver.received.length - before >= subs || undefined,
                  "the warm-up incident's deliveries",
                  20_000,
                );
                await sleep(WARM_SETTLE_MS);
              },
        prepare: (svc) =>
          subscribe(
            fb,
            receiver,
            svc.id,
            subs,
            `page-${order.length}-${page[subs].length}`,
            secrets,
          ),
      });
      // Let this run's deliveries (warm-up page included) drain before the next run starts.
      const due = subs * (pages + 1);
      const drained = await until(
        () => receiver.received.length - before >= due || undefined,
        `${due} deliveries after the paging run`,
        30_000,
      ).catch(() => false);
      page[subs].push({
        latencyMs: result.latencyMs,
        stages: result.stages,
        serverCpuShare: round((fb.cpuMs() - cpuBefore) / (now() - started)),
        // Server CPU for the run (its pages and, with subscriptions, their deliveries), per page.
        serverCpuMsPerPage: round((fb.cpuMs() - cpuBefore) / (pages + 1)),
        workerdCpuMsPerPage: round((fb.workerdCpuMs() - workerdBefore) / (pages + 1)),
        warmUp: process.env.BENCH_WARM === 'page' ? 'page' : 'page, its deliveries and a settle',
        loadAverage: os.loadavg().map((x) => round(x)),
        missing: result.missing,
        webhooksDelivered: receiver.received.length - before,
        webhooksDrained: drained !== false,
      });
      await sleep(500);
    }
    const merged = (runs) => ({
      runs: runs.length,
      p50: round(runs.reduce((s, r) => s + r.latencyMs.p50, 0) / runs.length),
      p95: round(runs.reduce((s, r) => s + r.latencyMs.p95, 0) / runs.length),
      p99: round(Math.max(...runs.map((r) => r.latencyMs.p99))),
      max: round(Math.max(...runs.map((r) => r.latencyMs.max))),
      missing: runs.reduce((s, r) => s + r.missing, 0),
      webhooksDelivered: runs.reduce((s, r) => s + r.webhooksDelivered, 0),
    });
    const without = merged(page[0]);
    const withSubs = merged(page[50]);
    return {
      fanout,
      alertToPage: {
        pagesPerRun: pages,
        perSecond: pagesPerSecond,
        order,
        without,
        with50: withSubs,
        ratio: { p50: round(withSubs.p50 / without.p50), p99: round(withSubs.p99 / without.p99) },
        runs: page,
      },
    };
  } finally {
    await receiver.close();
  }
}

// `node bench/webhooks.mjs`: this section alone, on its own Firebell and push stand-in (after `npm run build`).
if (import.meta.url === `file://${process.argv[1]}`) {
  const { Firebell } = await import('./lib.mjs');
  const { startPushService } = await import('./push-service.mjs');
  const push = await startPushService();
  const fb = await Firebell.start({ ALLOW_INSECURE_OUTBOUND: 'true', ALLOW_INSECURE_PUSH: 'true' });
  const loadAverageAtStart = os.loadavg().map((x) => round(x));
  const timer = setTimeout(async () => {
    console.error('webhooks bench: stopped after 300 s');
    await fb.dispose();
    await push.close();
    process.exit(2);
  }, 300_000);
  try {
    const result = await benchWebhooks(fb, push, {
      incidents: Number(process.env.BENCH_INCIDENTS ?? 30),
      pages: Number(process.env.BENCH_PAGES ?? 60),
    });
    console.log(
      JSON.stringify(
        { loadAverageAtStart, loadAverageAtEnd: os.loadavg().map((x) => round(x)), ...result },
        null,
        2,
      ),
    );
  } finally {
    clearTimeout(timer);
    await fb.dispose();
    await push.close();
  }
}
