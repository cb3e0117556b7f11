#!/usr/bin/env node
/**
 * Repro for a local-runtime behaviour the storm runs hit (diagnostic; not part of `npm run bench`):
 *   node bench/repro-connection-resets.mjs <busy|do|serial> [connections=250]
 * A 10-line Worker (no Firebell code) gets 1,000 POSTs over N keep-alive connections; each costs 15 ms.
 * "busy" burns the 15 ms in the Worker, "do" in one Durable Object, "serial" awaits a timer (no CPU).
 * When workerd's single thread stays saturated for seconds with ~250 connections waiting, some connections are
 * reset (ECONNRESET) without an answer; with 100 or fewer connections, or when the wait is not CPU, none are.
 * The requests that were reset never reached the Worker (Miniflare logs none of them), so re-sending is safe.
 */
import { Miniflare } from 'miniflare';
import http from 'node:http';
const mode = process.argv[2];
const mf = new Miniflare({
  modules: true,
  script: `
import { DurableObject } from "cloudflare:workers";
export class Q extends DurableObject { async work(ms) { const end = Date.now() + ms; while (Date.now() < end) {} return 1; } async nap(ms) { await scheduler.wait(ms); return 1; } }
let chain = Promise.resolve();
export default { async fetch(req, env) { await req.text(); const ms = Number(new URL(req.url).searchParams.get('ms'));
  if ('${mode}' === 'do') await env.Q.get(env.Q.idFromName('one')).work(ms);
  if ('${mode}' === 'busy') { const end = Date.now() + ms; while (Date.now() < end) {} }
  if ('${mode}' === 'serial') { const p = chain.then(() => scheduler.wait(ms)); chain = p; await p; }
  return new Response('ok', { status: 202 }); } }`,
  durableObjects: { Q: { className: 'Q', useSQLite: true } },
  compatibilityDate: '2026-05-03',
  cf: false,
  host: '127.0.0.1',
  port: 0,
});
const url = await mf.ready;
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(process.argv[3] ?? 250) });
const st = {};
const t0 = Date.now();
const resets = [];
await Promise.all(
  Array.from(
    { length: 1000 },
    (_, i) =>
      new Promise((resolve) => {
        const req = http.request(new URL('/?ms=15', url), { method: 'POST', agent }, (res) => {
          res.resume();
          res.on('end', () => {
            st[res.statusCode] = (st[res.statusCode] ?? 0) + 1;
            resolve();
          });
        });
        req.on('error', (e) => {
          st[e.code] = (st[e.code] ?? 0) + 1;
          resets.push(Date.now() - t0);
          resolve();
        });
        req.end('{}');
      }),
  ),
);
console.log(
  mode,
  process.argv[3] ?? 250,
  'total',
  Date.now() - t0,
  st,
  resets.slice(0, 2),
  resets.slice(-2),
);
await mf.dispose();
