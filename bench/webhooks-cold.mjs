#!/usr/bin/env node
/**
 * Diagnostic (not part of `npm run bench`): workerd CPU of one incident's fan-out to 50 subscriptions whose
 * queues are new (first send) against the same 50 once warm, and against no subscription; exact CPU from
 * /proc, so machine load changes the wall times but hardly the CPU. `node bench/webhooks-cold.mjs [rounds]`
 * after `npm run build` (FIREBELL_ROOT=<variant dir> for a variant).
 */
import http from 'node:http';
import os from 'node:os';
import { Firebell, postJson, round, sleep, until } from './lib.mjs';

const rounds = Number(process.argv[2] ?? 3);
const received = [];
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    received.push({ at: Date.now(), path: req.url });
    res.writeHead(204).end();
  });
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${server.address().port}`;
const fb = await Firebell.start({ ALLOW_INSECURE_OUTBOUND: 'true', ALLOW_INSECURE_PUSH: 'true' });
const agent = new http.Agent({ keepAlive: true });
const out = { loadAtStart: os.loadavg().map((x) => round(x)), rounds: [] };
try {
  let n = 0;
  /** One alert on `key`; workerd CPU and wall time until `want` more deliveries have arrived (and 300 ms). */
  const one = async (key, want) => {
    const before = received.length;
    const cpu = fb.workerdCpuMs();
    const t = Date.now();
    await postJson(agent, `${fb.origin}/v2/enqueue`, {
      routing_key: key,
      event_action: 'trigger',
      dedup_key: `cold-${(n += 1)}`,
      payload: { summary: `Cold ${n}`, source: 'bench', severity: 'critical' },
    });
    await until(() => received.length - before >= want || undefined, `${want} deliveries`, 30_000);
    const wall = Date.now() - t;
    await sleep(300);
    return { cpuMs: round(fb.workerdCpuMs() - cpu), wallMs: wall, from: t, to: t + wall + 300 };
  };
  const { key: bare } = await fb.integration('pagerduty', { name: 'no-subs' });
  await one(bare, 0);
  for (let r = 0; r < rounds; r++) {
    const { service, key } = await fb.integration('pagerduty', { name: `cold-${r}` });
    const ids = [];
    for (let i = 0; i < 50; i++)
      ids.push(
        (
          await fb.must('/api/webhooks', {
            body: {
              url: `${origin}/${r}/${i}`,
              serviceId: service.id,
              events: ['incident.triggered'],
            },
          })
        ).webhook.id,
      );
    await sleep(300);
    // TOUCH=1: open each queue first (its delivery log), so `cold` is a first send without the object's creation.
    let touch = null;
    if (process.env.TOUCH) {
      const cpu = fb.workerdCpuMs();
      for (const id of ids) await fb.must(`/api/webhooks/${id}/deliveries`);
      await sleep(300);
      const again = fb.workerdCpuMs();
      for (const id of ids) await fb.must(`/api/webhooks/${id}/deliveries`);
      await sleep(300);
      // The second pass is the same requests to open queues: the difference is the 50 objects' creation.
      touch = { firstCpuMs: round(again - cpu), againCpuMs: round(fb.workerdCpuMs() - again) };
    }
    const none = await one(bare, 0);
    const cold = await one(key, 50);
    const warm = await one(key, 50);
    const warm2 = await one(key, 50);
    // WARM=n: then n more alerts on the warm queues, paced at 5/s (e.g. to attach `perf` to workerd meanwhile).
    if (r === 0 && process.env.WARM) {
      const cpu = fb.workerdCpuMs();
      const before = received.length;
      const n0 = n;
      const from = Date.now();
      for (let i = 0; i < Number(process.env.WARM); i++) {
        postJson(agent, `${fb.origin}/v2/enqueue`, {
          routing_key: key,
          event_action: 'trigger',
          dedup_key: `warm-${n0}-${i}`,
          payload: { summary: `Warm ${i}`, source: 'bench', severity: 'critical' },
        }).catch((err) => console.error(`alert ${i}: ${err.code ?? err.message}`));
        await sleep(200);
      }
      const want = Number(process.env.WARM) * 50;
      await until(() => received.length - before >= want || undefined, 'warm deliveries', 120_000);
      await sleep(300);
      out.warmLoop = {
        alerts: Number(process.env.WARM),
        cpuMsPerAlert: round((fb.workerdCpuMs() - cpu) / Number(process.env.WARM)),
        from,
        to: Date.now(),
      };
      console.error(JSON.stringify(out.warmLoop));
    }
    out.rounds.push({ touch, none, cold, warm, warm2, load: os.loadavg()[0] });
    console.error(JSON.stringify(out.rounds.at(-1)));
  }
} finally {
  await fb.dispose();
  server.close();
}
console.log(JSON.stringify(out));
