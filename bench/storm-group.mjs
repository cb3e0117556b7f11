#!/usr/bin/env node
/**
 * 7. One 10,000-alert Alertmanager group (the largest outage sends the largest notification).
 *   a) In Node: the Worker's streaming reader and adapter (worker/service/group-body.ts + adapters/alertmanager.ts,
 *      bundled with esbuild) over the body in 64 KB chunks: time, and heap at its peak and once done.
 *      JSON.parse + the whole-body adapter beside it, for reference.
 *   b) End to end: post the group to a started Firebell (scripts/start.mjs): time to the 202, time until the
 *      incident read lists every alert, size of that read, and the server's memory (RSS of its process group).
 * Run alone: `node --expose-gc bench/storm-group.mjs` (after `npm run build`); `npm run bench` runs it as section 7.
 */
import { build } from 'esbuild';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { alertGroup } from '../test/fixtures/alert-storm.mjs';
import { Firebell, ROOT, now, postJson, round } from './lib.mjs';

const ALERTS = 10_000;
const CHUNK = 64 * 1024;
const mib = (bytes) => round(bytes / 2 ** 20, 1);
const gc = () => globalThis.gc?.();

/** The Worker's own modules, bundled for Node (they are plain TypeScript over web APIs). */
async function workerModules() {
  const dir = mkdtempSync(join(tmpdir(), 'firebell-bench-adapter-'));
  const entry = join(dir, 'entry.ts');
  const outfile = join(dir, 'adapter.mjs');
  await build({
    stdin: {
      contents: `export { readGroup } from ${JSON.stringify(join(ROOT, 'worker/service/group-body.ts'))};
                 export { alertmanagerGroup, adaptAlertmanager } from ${JSON.stringify(join(ROOT, 'worker/adapters/alertmanager.ts'))};`,
      resolveDir: ROOT,
      sourcefile: entry,
      loader: 'ts',
    },
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    outfile,
    logLevel: 'silent',
  });
  const mod = await import(pathToFileURL(outfile).href);
  rmSync(dir, { recursive: true, force: true });
  return mod;
}

function chunked(bytes) {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.byteLength) return controller.close();
      controller.enqueue(bytes.subarray(offset, offset + CHUNK));
      offset += CHUNK;
    },
  });
}

/** Time and heap of one run of `work`, which gets a sampler to call while it runs (for the peak). */
async function measure(work) {
  gc();
  const base = process.memoryUsage().heapUsed;
  let peak = base;
  const sample = () => (peak = Math.max(peak, process.memoryUsage().heapUsed));
  const t0 = now();
  const result = await work(sample);
  const ms = now() - t0;
  sample();
  gc();
  const retained = process.memoryUsage().heapUsed - base;
  return {
    ms: round(ms, 1),
    peakHeapMiB: mib(peak - base),
    retainedHeapMiB: mib(retained),
    result,
  };
}

export async function benchGroupAdapter({ runs = 5, log = console.log } = {}) {
  const { readGroup, alertmanagerGroup: adapter, adaptAlertmanager } = await workerModules();
  const text = JSON.stringify(alertGroup(0, ALERTS));
  const bytes = new TextEncoder().encode(text);
  log(`  adapter: ${ALERTS} alerts, ${mib(bytes.byteLength)} MiB body, ${runs} runs …`);
  const streamed = [];
  const whole = [];
  for (let i = 0; i < runs; i++) {
    streamed.push(
      await measure(async (sample) => {
        const read = await readGroup(chunked(bytes), {
          maxBytes: 16 * 2 ** 20,
          fields: Object.keys(adapter.fieldsSchema.shape),
          alertSchema: adapter.alertSchema,
          keepHead: 8193,
          onChunk: sample,
        });
        if (!read.ok) throw new Error(`refused: ${JSON.stringify(read)}`);
        sample();
        const events = await adapter.toEvents(adapter.fieldsSchema.parse(read.fields), read.alerts);
        return events.length;
      }),
    );
    whole.push(
      await measure(async (sample) => {
        const value = JSON.parse(new TextDecoder().decode(bytes));
        sample();
        const adapted = await adaptAlertmanager(value, Date.now());
        return adapted.events.length;
      }),
    );
  }
  const median = (rows, key) =>
    round(rows.map((r) => r[key]).sort((a, b) => a - b)[Math.floor(rows.length / 2)], 1);
  const summarize = (rows) => ({
    events: rows[0].result,
    ms: median(rows, 'ms'),
    peakHeapMiB: median(rows, 'peakHeapMiB'),
    retainedHeapMiB: median(rows, 'retainedHeapMiB'),
  });
  return {
    alerts: ALERTS,
    bodyMiB: mib(bytes.byteLength),
    gcExposed: typeof globalThis.gc === 'function',
    streamed: summarize(streamed),
    wholeBodyReference: summarize(whole),
  };
}

/** Resident memory (bytes) of every live process in the process group `pgid` (Node + workerd). */
function groupRss(pgid) {
  let kb = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) !== pgid) continue;
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // gone meanwhile
    }
  }
  return kb * 1024;
}

export async function benchGroupEndToEnd(fb, { log = console.log } = {}) {
  const { service, url } = await fb.integration('alertmanager', { name: 'storm-group' });
  const body = JSON.stringify(alertGroup(0, ALERTS));
  const agent = new http.Agent({ keepAlive: true });
  const rssBefore = groupRss(fb.pid);
  log(
    `  end to end: posting ${ALERTS} alerts (${mib(Buffer.byteLength(body))} MiB) to ${url.replace(/[^/]+$/, '<key>')} …`,
  );
  const t0 = now();
  const res = await postJson(agent, url, body);
  const acceptedMs = now() - t0;
  const rssAfterPost = groupRss(fb.pid);
  if (res.status !== 202)
    throw new Error(`expected 202, got ${res.status}: ${res.text.slice(0, 300)}`);
  const incidentId = JSON.parse(res.text).incidents[0].incidentId;
  const t1 = now();
  const read = await fb.api(`/api/incidents/${incidentId}`);
  const readMs = now() - t1;
  agent.destroy();
  const listed = read.body.alerts.length;
  const readBytes = Buffer.byteLength(JSON.stringify(read.body));
  return {
    alerts: ALERTS,
    bodyMiB: mib(Buffer.byteLength(body)),
    status: res.status,
    acceptedMs: round(acceptedMs, 0),
    incidentReadMs: round(readMs, 0),
    incidentReadMiB: mib(readBytes),
    listed,
    timelineEntriesInRead: read.body.timeline.length,
    serverRssMiB: {
      before: mib(rssBefore),
      afterPost: mib(rssAfterPost),
      growth: mib(rssAfterPost - rssBefore),
    },
    serviceId: service.id,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = { adapter: await benchGroupAdapter() };
  const fb = await Firebell.start();
  try {
    out.endToEnd = await benchGroupEndToEnd(fb);
  } finally {
    await fb.dispose();
  }
  console.log(JSON.stringify(out, null, 2));
}
