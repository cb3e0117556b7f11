/**
 * 8. Ingestion through a custom mapping against the native generic shape, same Firebell, same run: the issue's
 * bar is custom ≥ 0.8x generic. The custom body is Uptime Kuma's (a monitor and its heartbeat) mapped by
 * expressions and templates; the generic body carries the same alert in Firebell's own fields.
 */
import { alternateAB } from './ingest.mjs';

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
  return alternateAB({
    kinds: ['generic', 'custom'],
    target: async (kind, shared) => ({ ...(await targets[kind](shared)), server: fb }),
    label: (kind) => `custom mapping: ${kind}`,
    duration,
    warmup,
    log,
  });
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
