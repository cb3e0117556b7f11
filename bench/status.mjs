/**
 * 12. The public status page under readers: GET /status served from the edge cache against the calibration
 * Worker's bare route (GET /api/bare) in the same run, three interleaved rounds, verdict on the median; then
 * bursts of 1,000 concurrent readers, counting the Durable Object stubs Firebell's isolate makes meanwhile
 * (GET /api/bench/object-stubs, on with BENCH_COUNTERS=true): every request to an incident, service or feed object
 * starts with one, so an unchanged count means the readers reached no object. A control read of one incident
 * shows the counter moving. Run alone: `node bench/status.mjs` (after `npm run build`), 127.0.0.1 only.
 */
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { cannon } from './ingest.mjs';
import { Calibration, Firebell, now, round, standalone, summary } from './lib.mjs';

const THROUGHPUT_CONNECTIONS = 8;

/** `count` GETs of `url` all started at once over `count` sockets; statuses and per-request latency. */
function burst(url, count) {
  const agent = new http.Agent({ keepAlive: false, maxSockets: count });
  const statuses = {};
  const latencies = [];
  const started = now();
  return Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise((resolve) => {
          const t0 = now();
          const req = http.get(url, { agent, timeout: 30_000 }, (res) => {
            res.resume();
            res.on('end', () => {
              statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
              latencies.push(now() - t0);
              resolve();
            });
          });
          req.on('timeout', () => req.destroy(new Error('timeout')));
          req.on('error', (err) => {
            statuses[err.code ?? err.message] = (statuses[err.code ?? err.message] ?? 0) + 1;
            resolve();
          });
        }),
    ),
  ).then(() => {
    agent.destroy();
    return {
      readers: count,
      wallMs: round(now() - started),
      statuses,
      latencyMs: summary(latencies),
    };
  });
}

/** `fb` must run with BENCH_COUNTERS=true. */
export async function benchStatus(
  fb,
  cal,
  { duration = 5, rounds = 3, readers = 1000, bursts = 3, log },
) {
  // A page worth reading: two grouped components, one published incident with two updates.
  const { service } = await fb.must('/api/services', { body: { name: 'bench-status-svc' } });
  const comps = [];
  for (const name of ['Checkout', 'Search'])
    comps.push(
      (
        await fb.must('/api/status/components', {
          body: { name, group: 'Shop', serviceIds: [service.id] },
        })
      ).component,
    );
  const { incident } = await fb.must('/api/incidents', {
    body: { title: 'bench incident', severity: 'critical', serviceId: service.id },
  });
  await fb.must(`/api/incidents/${incident.id}/status-page`, {
    body: {
      title: 'Slow checkout',
      status: 'investigating',
      body: 'Checkout is slow for some customers.',
      components: [{ id: comps[0].id, state: 'degraded_performance' }],
    },
  });
  await fb.must(`/api/incidents/${incident.id}/status-page`, {
    body: { status: 'identified', body: 'A slow database replica; failing over.' },
  });
  const page = `${fb.origin}/status`;
  const warm = await fetch(page);
  const bytes = (await warm.text()).length;
  const cache = (await fetch(page)).headers.get('x-status-cache');

  const pairs = [];
  for (let r = 0; r < rounds; r++) {
    const bare = await cannon({
      url: `${cal.origin}/api/bare`,
      connections: THROUGHPUT_CONNECTIONS,
      duration,
      server: cal,
    });
    const status = await cannon({
      url: page,
      connections: THROUGHPUT_CONNECTIONS,
      duration,
      server: fb,
    });
    pairs.push({ bare, status, ratio: round(status.rps / bare.rps) });
    log?.(
      `  round ${r + 1}: /status ${status.rps} req/s vs bare ${bare.rps} req/s (x${round(status.rps / bare.rps)})`,
    );
  }
  const median = [...pairs].sort((a, b) => a.ratio - b.ratio)[Math.floor(pairs.length / 2)];

  const stubs = async () => (await fb.must('/api/bench/object-stubs')).incident;
  const readBursts = [];
  for (let b = 0; b < bursts; b++) {
    const before = await fb.must('/api/bench/object-stubs');
    const result = await burst(page, readers);
    const after = await fb.must('/api/bench/object-stubs');
    const delta = Object.fromEntries(Object.keys(after).map((k) => [k, after[k] - before[k]]));
    readBursts.push({ ...result, objectStubsMade: delta });
    log?.(
      `  ${readers} readers at once: ${result.wallMs} ms, ${JSON.stringify(result.statuses)}, stubs ${JSON.stringify(delta)}`,
    );
  }
  // Control: one read of the incident itself goes through its object, and the counter shows it.
  const c0 = await stubs();
  await fb.must(`/api/incidents/${incident.id}`);
  const control = (await stubs()) - c0;
  return {
    pageBytes: bytes,
    secondReadCache: cache,
    throughput: {
      connections: THROUGHPUT_CONNECTIONS,
      duration,
      rounds: pairs,
      medianRatio: median.ratio,
      target: 0.8,
    },
    readers: readBursts,
    controlIncidentReadStubs: control,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { log, done } = standalone('status.mjs', 240);
  const cal = await Calibration.start();
  const fb = await Firebell.start({ BENCH_COUNTERS: 'true' });
  try {
    const quick = process.env.BENCH_QUICK === '1';
    const result = await benchStatus(fb, cal, { duration: quick ? 2 : 5, log });
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await fb.dispose();
    await cal.dispose();
    done();
  }
}
