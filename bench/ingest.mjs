/**
 * 1. Ingest against the calibration Worker: the design's minimal shapes on the same runtime, behind the same assets
 *    front, in the same run; three interleaved rounds per shape, verdict on the median round.
 * Latency at 1 connection, throughput at 8 (under 8 connections p99 is queueing noise inside workerd).
 * Latencies are taken per response from autocannon's own timer (float ms), not its ms-rounded histogram.
 */
import autocannon from 'autocannon';
import { round, sleep, summary } from './lib.mjs';

const LATENCY_CONNECTIONS = 1;
const THROUGHPUT_CONNECTIONS = 8;

/** One autocannon run; returns req/s (2xx only), latency percentiles of 2xx answers, and what else came back. */
export function cannon({
  url,
  method = 'GET',
  body,
  connections,
  duration,
  idReplacement = false,
  server,
}) {
  return new Promise((resolve, reject) => {
    const latencies = [];
    const cpuBefore = server?.cpuMs() ?? 0;
    const statuses = {};
    const started = process.hrtime.bigint();
    const instance = autocannon(
      {
        url,
        method,
        connections,
        duration,
        pipelining: 1,
        idReplacement,
        headers: body ? { 'content-type': 'application/json' } : {},
        body,
        timeout: 10,
      },
      (err, result) => {
        if (err) return reject(err);
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const ok = result['2xx'];
        const answered = Object.values(statuses).reduce((a, b) => a + b, 0);
        resolve({
          connections,
          seconds: round(seconds),
          requests: ok,
          rps: round(ok / Math.min(seconds, duration + 0.5), 0),
          ...summary(latencies, [50, 99]),
          // Server CPU (Node + workerd, user + system) per answered request: steadier than req/s on a shared machine.
          cpuMsPerRequest:
            server && answered ? round((server.cpuMs() - cpuBefore) / answered) : null,
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          statuses,
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    });
  });
}

const ROUNDS = 3;

/** Throughput (8 connections) of one target, after a short warm-up. */
async function throughputOnly(target, { duration, warmup }) {
  if (warmup) await cannon({ ...target, connections: THROUGHPUT_CONNECTIONS, duration: warmup });
  return cannon({ ...target, connections: THROUGHPUT_CONNECTIONS, duration });
}

/** Latency (1 connection) and throughput (8 connections) of one target, after a short warm-up. */
async function measure(target, { duration, warmup }) {
  if (warmup) await cannon({ ...target, connections: THROUGHPUT_CONNECTIONS, duration: warmup });
  const latency = await cannon({ ...target, connections: LATENCY_CONNECTIONS, duration });
  const throughput = await cannon({ ...target, connections: THROUGHPUT_CONNECTIONS, duration });
  return { latency, throughput };
}

/**
 * Throughput of two targets on one server, for new alerts (distinct keys) and duplicates (one shared key): each
 * kind runs twice, alternating A B B A, so drift in the machine's load falls on both; `ratio` is B's req/s ÷ A's.
 * `target(kind, shared)` gives the url and body (with `[<id>]` where distinct keys go) and the server.
 */
export async function alternateAB({ kinds, target, label, duration, warmup, log }) {
  const [a, b] = kinds;
  const results = {};
  for (const [shape, shared] of [
    ['new', false],
    ['duplicate', true],
  ]) {
    const runs = { [a]: [], [b]: [] };
    for (const order of [
      [a, b],
      [b, a],
    ])
      for (const kind of order) {
        log(`  ${label(kind)}, ${shape} alerts …`);
        const run = { ...(await target(kind, shared)), method: 'POST', idReplacement: !shared };
        if (warmup) await cannon({ ...run, connections: THROUGHPUT_CONNECTIONS, duration: warmup });
        runs[kind].push(await cannon({ ...run, connections: THROUGHPUT_CONNECTIONS, duration }));
        await sleep(500);
      }
    const mean = ([x, y]) => ({
      rps: round((x.rps + y.rps) / 2, 0),
      p50: round((x.p50 + y.p50) / 2),
      p99: round(Math.max(x.p99, y.p99)),
      cpuMsPerRequest: round((x.cpuMsPerRequest + y.cpuMsPerRequest) / 2),
      non2xx: x.non2xx + y.non2xx,
    });
    results[shape] = { [a]: mean(runs[a]), [b]: mean(runs[b]) };
    results[shape].ratio = round(results[shape][b].rps / results[shape][a].rps);
  }
  return results;
}

const trigger = (key, dedup, summaryText) =>
  JSON.stringify({
    routing_key: key,
    event_action: 'trigger',
    dedup_key: dedup,
    payload: { summary: summaryText, source: 'bench', severity: 'critical' },
  });

export async function benchIngest(fb, cal, { duration = 5, warmup = 1, log = console.log } = {}) {
  // A realistic service: paged by a policy (level 1 fires from an alarm, outside the request).
  const { service } = await fb.pagedService('bench-ingest', 'Bench Responder');
  // One key per run keeps each run far under its own rate limit (10,000 a minute).
  const key = async () =>
    (
      await fb.must(`/api/services/${service.id}/integrations`, {
        body: { type: 'pagerduty', ratePerMinute: 10_000 },
      })
    ).key;

  const results = {};
  const firebellTargets = async (shape) => {
    if (shape === 'bare') return { url: `${fb.origin}/api/health`, server: fb };
    const k = await key();
    if (shape === 'new')
      return {
        url: `${fb.origin}/v2/enqueue`,
        method: 'POST',
        idReplacement: true,
        body: trigger(k, 'bench-[<id>]', 'Bench alert [<id>]'),
        server: fb,
      };
    return {
      url: `${fb.origin}/v2/enqueue`,
      method: 'POST',
      body: trigger(k, 'bench-shared', 'Bench shared alert'),
      server: fb,
    };
  };
  const calibrationTargets = {
    bare: { url: `${cal.origin}/api/bare`, server: cal },
    new2: {
      url: `${cal.origin}/v2/new2`,
      method: 'POST',
      idReplacement: true,
      body: trigger('calibration', 'bench-[<id>]', 'Bench alert [<id>]'),
      server: cal,
    },
    hop2: {
      url: `${cal.origin}/v2/hop2`,
      method: 'POST',
      body: trigger('calibration', 'bench-shared', 'Bench shared alert'),
      server: cal,
    },
    new: {
      url: `${cal.origin}/v2/new`,
      method: 'POST',
      idReplacement: true,
      body: trigger('calibration', 'bench-[<id>]', 'Bench alert [<id>]'),
      server: cal,
    },
    hop: {
      url: `${cal.origin}/v2/hop`,
      method: 'POST',
      body: trigger('calibration', 'bench-shared', 'Bench shared alert'),
      server: cal,
    },
  };
  // [shape, Firebell's target, what it does, the design's minimal path it is judged against, target ratio,
  //  today's one-hop shape kept as a reference row]
  const shapes = [
    ['bare', 'bare', 'GET /api/health', 'bare route', 0.8, null],
    [
      'new',
      'new',
      'PD trigger, distinct dedup keys (opens an incident)',
      'router hop + new SQLite DO + insert',
      0.7,
      ['new', 'new SQLite DO + insert (one hop)'],
    ],
    [
      'hop',
      'shared',
      'PD trigger, one shared dedup key (duplicate)',
      'router hop + one DO update',
      0.7,
      ['hop', 'one DO RPC hop + update (one hop)'],
    ],
  ];
  const calibrationOf = { bare: 'bare', new: 'new2', hop: 'hop2' };
  for (const [shape, firebellShape, firebellName, calibrationName, target, reference] of shapes) {
    // Single runs move by several percent: three rounds, Firebell and calibration alternating (C F, F C, C F),
    // and the verdict is the median round's ratio. Latency at 1 connection is taken in the first round only.
    const rounds = [];
    let firebell;
    let calibration;
    for (let round_ = 0; round_ < ROUNDS; round_++) {
      const runOne = async (who) => {
        const tgt =
          who === 'calibration'
            ? calibrationTargets[calibrationOf[shape]]
            : await firebellTargets(firebellShape);
        log(
          `  ingest round ${round_ + 1}: ${who === 'calibration' ? calibrationName : firebellName} (${who}) …`,
        );
        return round_ === 0
          ? measure(tgt, { duration, warmup })
          : { throughput: await throughputOnly(tgt, { duration, warmup }) };
      };
      const order = round_ % 2 === 0 ? ['calibration', 'firebell'] : ['firebell', 'calibration'];
      const got = {};
      for (const who of order) got[who] = await runOne(who);
      await sleep(1500); // let the alarms a run armed (level-1 paging of new incidents) finish before the next run
      if (round_ === 0) ({ firebell, calibration } = got);
      rounds.push({
        firebell: got.firebell.throughput,
        calibration: got.calibration.throughput,
        ratio: round(got.firebell.throughput.rps / got.calibration.throughput.rps),
      });
    }
    const median = [...rounds].sort((a, b) => a.ratio - b.ratio)[Math.floor(rounds.length / 2)];
    // Every sample counts: a run with non-2xx answers, errors or timeouts makes the verdict incomplete.
    const incomplete = rounds.some((r) =>
      [r.firebell, r.calibration].some((t) => t.non2xx || t.errors || t.timeouts),
    );
    results[shape] = {
      firebell: { name: firebellName, latency: firebell.latency, throughput: median.firebell },
      calibration: {
        name: calibrationName,
        latency: calibration.latency,
        throughput: median.calibration,
      },
      target,
      incomplete,
      rounds: rounds.map((r) => ({
        firebellRps: r.firebell.rps,
        calibrationRps: r.calibration.rps,
        ratio: r.ratio,
      })),
      ratio: {
        throughput: median.ratio,
        rpsAt1Connection: round(firebell.latency.rps / calibration.latency.rps),
        cpuPerRequest: round(median.firebell.cpuMsPerRequest / median.calibration.cpuMsPerRequest),
      },
    };
    if (reference) {
      const [refShape, refName] = reference;
      log(`  ingest: ${refName} (calibration reference) …`);
      const ref = await throughputOnly(calibrationTargets[refShape], { duration, warmup });
      results[shape].reference = {
        name: refName,
        throughput: ref,
        ratio: round(median.firebell.rps / ref.rps),
      };
    }
  }
  // Reference, not a ratio: one D1 point read on this runtime (Firebell's paths make several).
  log('  ingest: one D1 point read (calibration reference) …');
  results.d1Read = {
    calibration: {
      name: 'one D1 point read',
      ...(await measure(
        { url: `${cal.origin}/api/d1`, server: cal },
        { duration: Math.max(2, duration - 2), warmup },
      )),
    },
  };
  return results;
}
