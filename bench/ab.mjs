#!/usr/bin/env node
/**
 * A/B comparison of two Firebell trees (diagnostic; not part of `npm run bench`):
 *   node bench/ab.mjs <rootA> <rootB> [rounds=2]
 * Both run at once (each started as scripts/start.mjs starts it, own temp state); runs alternate A, B, A, B … so
 * machine noise hits both alike. Per run: duplicate triggers and new-incident triggers at 8 connections
 * (req/s, server CPU ms per request), and alert-to-page latency for 100 incidents at 10/s.
 * Build the trees with bench/variant.mjs (a baseline with no patch, and one with the patch under test).
 */
import { cannon } from './ingest.mjs';
import { Firebell, round } from './lib.mjs';
import { benchAlertToPage } from './paging.mjs';
import { startPushService } from './push-service.mjs';

const [rootA, rootB, roundsArg] = process.argv.slice(2);
if (!rootA || !rootB) throw new Error('usage: node bench/ab.mjs <rootA> <rootB> [rounds]');
const rounds = Number(roundsArg ?? 2);
const push = await startPushService();
const sides = [];
try {
  for (const [name, root] of [
    ['A', rootA],
    ['B', rootB],
  ]) {
    const fb = await Firebell.start({ ALLOW_INSECURE_PUSH: 'true' }, root);
    const { service } = await fb.pagedService('ab', 'AB Responder');
    const key = async () =>
      (
        await fb.must(`/api/services/${service.id}/integrations`, {
          body: { type: 'pagerduty', ratePerMinute: 10_000 },
        })
      ).key;
    const body = (k, dedup) =>
      JSON.stringify({
        routing_key: k,
        event_action: 'trigger',
        dedup_key: dedup,
        payload: { summary: 'AB [<id>]', source: 'bench', severity: 'critical' },
      });
    sides.push({ name, root, fb, key, body, runs: { shared: [], distinct: [], page: [] } });
  }
  const log = () => {};
  for (let r = 0; r < rounds; r += 1) {
    for (const side of r % 2 ? [...sides].reverse() : sides) {
      const { fb } = side;
      const url = `${fb.origin}/v2/enqueue`;
      const shared = await cannon({
        url,
        method: 'POST',
        body: side.body(await side.key(), 'ab-shared'),
        connections: 8,
        duration: 4,
        server: fb,
      });
      const distinct = await cannon({
        url,
        method: 'POST',
        body: side.body(await side.key(), 'ab-[<id>]'),
        idReplacement: true,
        connections: 8,
        duration: 4,
        server: fb,
      });
      const page = await benchAlertToPage(fb, push, { count: 100, perSecond: 10, log });
      side.runs.shared.push(shared);
      side.runs.distinct.push(distinct);
      side.runs.page.push(page.latencyMs);
      console.log(
        `round ${r + 1} ${side.name}: shared ${shared.rps} req/s ${shared.cpuMsPerRequest} ms CPU/req · distinct ${distinct.rps} req/s ${distinct.cpuMsPerRequest} ms CPU/req · page p50 ${page.latencyMs.p50} p99 ${page.latencyMs.p99} ms`,
      );
    }
  }
  const mean = (xs) => round(xs.reduce((a, b) => a + b, 0) / xs.length);
  for (const side of sides) {
    console.log(
      `${side.name} (${side.root}): shared ${mean(side.runs.shared.map((x) => x.rps))} req/s, ${mean(side.runs.shared.map((x) => x.cpuMsPerRequest))} ms CPU/req; ` +
        `distinct ${mean(side.runs.distinct.map((x) => x.rps))} req/s, ${mean(side.runs.distinct.map((x) => x.cpuMsPerRequest))} ms CPU/req; ` +
        `page p50 ${mean(side.runs.page.map((x) => x.p50))} ms, p99 ${mean(side.runs.page.map((x) => x.p99))} ms`,
    );
  }
} finally {
  for (const side of sides) await side.fb.dispose();
  await push.close();
}
