#!/usr/bin/env node
/**
 * 11. Ingestion with 100 event rules against none, same Firebell, same run (issue 17: ≥ 0.8x). Two services
 * with an Alertmanager integration each; one has the 100 mixed rules of bench/rules.mjs (every operator, nested
 * all/any, RE2 patterns, templates, mostly `continue`; its routes go to a third service), the other none. The body
 * is one Alertmanager alert whose labels most conditions do not match, as with real rule sets; one sample's
 * 202 shows what the rules did to it (outcome and matched rules). Throughput at 8 connections for new alerts
 * (distinct group keys) and duplicates (one shared key), alternating none/rules twice, as bench/custom.mjs does.
 * Run alone: `node bench/rules-ingest.mjs` after `npm run build` (prints JSON).
 */
import http from 'node:http';
import { alternateAB } from './ingest.mjs';
import { postJson, round } from './lib.mjs';
import { makeRules, random } from './rules.mjs';

const RULES = 100;

const alertBody = (id) =>
  JSON.stringify({
    version: '4',
    groupKey: `{}:{alertname="CheckoutLatency", n="${id}"}`,
    status: 'firing',
    receiver: 'firebell',
    groupLabels: { alertname: 'CheckoutLatency' },
    commonLabels: { alertname: 'CheckoutLatency', team: 'checkout' },
    commonAnnotations: {},
    externalURL: 'http://alertmanager.bench',
    alerts: [
      {
        status: 'firing',
        labels: {
          alertname: 'CheckoutLatency',
          team: 'checkout',
          env: 'prod',
          instance: 'checkout-7.eu-central-1.internal:9100',
          job: 'checkout',
          severity: 'warning',
        },
        annotations: { summary: `Checkout p99 latency above 800 ms (${id})` },
        startsAt: '2026-12-01T10:00:00.000Z',
        fingerprint: `fp-${id}`,
      },
    ],
  });

/**
 * The 100 rules of bench/rules.mjs, their routes pointed at `elsewhere` (a real service, as save requires), with
 * groups nested 2 deep rather than 3: the 3-deep set is 86 KB of JSON, over the API's 64 KB body limit.
 */
function benchRuleSet(elsewhere) {
  const rules = makeRules(RULES, random(17), 2);
  for (const rule of rules)
    for (const action of rule.actions) if (action.type === 'route') action.service_id = elsewhere;
  return { rules };
}

export async function benchRulesIngest(fb, { duration = 4, warmup = 1, log = console.log } = {}) {
  const service = async (name) => (await fb.must('/api/services', { body: { name } })).service.id;
  const elsewhere = await service('bench-rules-elsewhere');
  const withRules = await service('bench-rules-100');
  const without = await service('bench-rules-none');
  await fb.must(`/api/services/${withRules}/rules`, {
    method: 'PUT',
    body: benchRuleSet(elsewhere),
  });
  const integration = async (serviceId) =>
    (
      await fb.must(`/api/services/${serviceId}/integrations`, {
        body: { type: 'alertmanager', ratePerMinute: 10_000 },
      })
    ).key;
  const urls = {
    none: `${fb.origin}/hooks/alertmanager/${await integration(without)}`,
    rules: `${fb.origin}/hooks/alertmanager/${await integration(withRules)}`,
  };
  // What the rules do to this alert: its 202 names the outcome and the rules that matched.
  const agent = new http.Agent({ keepAlive: false });
  const sample = await postJson(agent, urls.rules, alertBody('sample'));
  agent.destroy();
  let judged = null;
  try {
    const verdict = JSON.parse(sample.text).rules?.alerts?.[0];
    judged = verdict && { outcome: verdict.outcome, matched: verdict.rules.map((r) => r.id) };
  } catch {
    judged = { status: sample.status, body: sample.text.slice(0, 200) };
  }

  const results = await alternateAB({
    kinds: ['none', 'rules'],
    target: (kind, shared) => ({
      url: urls[kind],
      body: alertBody(shared ? 'shared' : '[<id>]'),
      server: fb,
    }),
    label: (kind) => `rules: ${kind === 'none' ? 'no rules' : `${RULES} rules`}`,
    duration,
    warmup,
    log,
  });
  return { rules: RULES, sampleAlert: judged, ...results };
}

// `node bench/rules-ingest.mjs`: this section alone, on its own Firebell (after `npm run build`).
if (import.meta.url === `file://${process.argv[1]}`) {
  const { Firebell } = await import('./lib.mjs');
  const os = await import('node:os');
  const fb = await Firebell.start();
  const loadAverageAtStart = os.loadavg().map((x) => round(x));
  const timer = setTimeout(async () => {
    console.error('rules-ingest bench: stopped after 180 s');
    await fb.dispose();
    process.exit(2);
  }, 180_000);
  try {
    const result = await benchRulesIngest(fb, { duration: Number(process.env.BENCH_S ?? 4) });
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
  }
}
