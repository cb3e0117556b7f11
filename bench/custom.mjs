/**
 * 8. Ingestion through a custom mapping against the native generic shape, same Firebell, same run: the issue's
 * bar is custom ≥ 0.8x generic. The custom body is Uptime Kuma's (a monitor and its heartbeat) mapped by
 * expressions and templates; the generic body carries the same alert in Firebell's own fields.
 */
import { cannon } from './ingest.mjs';
import { round, sleep } from './lib.mjs';

const CONNECTIONS = 8;

const KUMA_MAPPING = {
  summary: '{{ monitor.name }} is {{ heartbeat.status = 1 ? "up" : "down" }}: {{ heartbeat.msg }}',
  severity: { value: 'heartbeat.status', map: { 0: 'critical', 1: 'info' }, default: 'error' },
  action: { value: 'heartbeat.status', map: { 0: 'trigger', 1: 'resolve' } },
  dedup_key: 'kuma-{{ monitor.id }}',
  source: '{{ monitor.hostname }}',
  links: '[monitor.url]',
  details: '{ "monitor": monitor.name, "message": heartbeat.msg, "ping": heartbeat.ping }',
};

const kumaBody = (id) =>
  JSON.stringify({
    heartbeat: {
      monitorID: id,
      status: 0,
      msg: 'connect ECONNREFUSED',
      ping: null,
      time: '2026-12-01 10:00:00',
    },
    monitor: {
      id,
      name: `web-${id}`,
      url: 'https://web.example.com/health',
      hostname: 'web.example.com',
      type: 'http',
    },
    msg: `[web-${id}] [🔴 Down] connect ECONNREFUSED`,
  });
const genericBody = (id) =>
  JSON.stringify({
    summary: `web-${id} is down: connect ECONNREFUSED`,
    severity: 'critical',
    dedup_key: `kuma-${id}`,
    source: 'web.example.com',
    links: ['https://web.example.com/health'],
    details: { monitor: `web-${id}`, message: 'connect ECONNREFUSED', ping: null },
  });

export async function benchCustom(fb, { duration = 5, warmup = 1, log = console.log } = {}) {
  const { service } = await fb.must('/api/services', { body: { name: 'bench-custom' } });
  const integration = async (type) =>
    (
      await fb.must(`/api/services/${service.id}/integrations`, {
        body: {
          type,
          ratePerMinute: 10_000,
          ...(type === 'custom' ? { mapping: KUMA_MAPPING } : {}),
        },
      })
    ).key;
  const targets = {
    generic: async (shared) => ({
      url: `${fb.origin}/hooks/generic/${await integration('generic')}`,
      body: genericBody(shared ? 'shared' : '[<id>]'),
    }),
    custom: async (shared) => ({
      url: `${fb.origin}/hooks/custom/${await integration('custom')}`,
      body: kumaBody(shared ? 'shared' : '[<id>]'),
    }),
  };
  const results = {};
  for (const [shape, shared] of [
    ['new', false],
    ['duplicate', true],
  ]) {
    results[shape] = {};
    // Alternate generic and custom twice each, so drift in the machine's load falls on both.
    const runs = { generic: [], custom: [] };
    for (const round_ of [0, 1])
      for (const kind of round_ === 0 ? ['generic', 'custom'] : ['custom', 'generic']) {
        log(`  custom mapping: ${kind}, ${shape} alerts, run ${round_ + 1} …`);
        const target = {
          ...(await targets[kind](shared)),
          method: 'POST',
          idReplacement: !shared,
          server: fb,
        };
        if (warmup) await cannon({ ...target, connections: CONNECTIONS, duration: warmup });
        runs[kind].push(await cannon({ ...target, connections: CONNECTIONS, duration }));
        await sleep(500);
      }
    for (const kind of ['generic', 'custom']) {
      const [a, b] = runs[kind];
      results[shape][kind] = {
        rps: round((a.rps + b.rps) / 2, 0),
        p50: round((a.p50 + b.p50) / 2),
        p99: round(Math.max(a.p99, b.p99)),
        cpuMsPerRequest: round((a.cpuMsPerRequest + b.cpuMsPerRequest) / 2),
        non2xx: a.non2xx + b.non2xx,
      };
    }
    results[shape].ratio = round(results[shape].custom.rps / results[shape].generic.rps);
  }
  return results;
}

// `node bench/custom.mjs`: this section alone, on its own Firebell (after `npm run build`).
if (import.meta.url === `file://${process.argv[1]}`) {
  const { Firebell } = await import('./lib.mjs');
  const fb = await Firebell.start();
  try {
    console.log(
      JSON.stringify(
        await benchCustom(fb, { duration: Number(process.env.BENCH_S ?? 4) }),
        null,
        2,
      ),
    );
  } finally {
    await fb.dispose();
  }
}
