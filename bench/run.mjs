#!/usr/bin/env node
/**
 * `npm run bench`: measure Firebell against the runtime's own ceiling on this machine, under load and faults.
 * Starts Firebell as `npm start` does (scripts/start.mjs on the built bundle; run `npm run build` first) and a
 * calibration Worker on the same workerd, 127.0.0.1 only, temp state; prints a table and writes bench/results.json.
 * Reports, never asserts. Bounded: a watchdog stops everything after BENCH_DEADLINE_S (default 780 s).
 * See docs/performance.md for what each number means and what bounds it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { calibrationFanout } from './fanout.mjs';
import { alertToPageInterleaved, fanoutInterleaved } from './interleave.mjs';
import { benchCustom } from './custom.mjs';
import { benchIngest } from './ingest.mjs';
import { benchRulesIngest } from './rules-ingest.mjs';
import { benchWebhooks } from './webhooks.mjs';
import { benchStatus } from './status.mjs';
import { Calibration, Firebell, ROOT, round, stampedLog } from './lib.mjs';
import { benchEscalationSection } from './paging.mjs';
import { startPushService } from './push-service.mjs';
import { initialJs, lighthouse } from './pwa.mjs';
import { stormDedup, stormRestart } from './storm.mjs';
import { benchGroupAdapter, benchGroupEndToEnd } from './storm-group.mjs';

const t0 = Date.now();
const DEADLINE_S = Number(process.env.BENCH_DEADLINE_S ?? 780);
const QUICK = process.env.BENCH_QUICK === '1'; // shorter runs, for trying the bench itself
const log = stampedLog(t0);

if (
  !existsSync(join(ROOT, 'dist', 'worker', 'index.js')) ||
  !existsSync(join(ROOT, 'pwa', 'dist', 'index.html'))
) {
  console.error('Build first: npm run build --silent');
  process.exit(1);
}

const version = (pkg) => {
  try {
    return JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8'))
      .version;
  } catch {
    return null;
  }
};
const git = (...args) => {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
};

const results = {
  meta: {
    timestamp: new Date(t0).toISOString(),
    commit: git('rev-parse', 'HEAD'),
    uncommittedChanges: git('status', '--porcelain') ? true : false,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? null,
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    loadAverageAtStart: os.loadavg().map((x) => round(x)),
    node: process.version,
    wrangler: version('wrangler'),
    miniflare: version('miniflare'),
    workerd: version('workerd'),
    autocannon: version('autocannon'),
    lighthouse: version('lighthouse'),
    runtime:
      'built bundle served by the Miniflare API (scripts/start.mjs), state on local disk in a temp dir',
  },
  errors: [],
};

// Everything this run started, so the watchdog (or an error) can stop it.
const live = new Set();
async function stopAll() {
  for (const thing of [...live].reverse()) {
    try {
      await (thing.dispose ?? thing.close).call(thing);
    } catch {
      // best effort
    }
    live.delete(thing);
  }
}
const track = (thing) => (live.add(thing), thing);
const untrack = async (thing) => {
  if (!thing) return;
  live.delete(thing);
  await (thing.dispose ?? thing.close).call(thing);
};

const watchdog = setTimeout(async () => {
  log(`watchdog: ${DEADLINE_S} s elapsed; stopping and writing partial results`);
  results.errors.push(`stopped by the watchdog after ${DEADLINE_S} s; later sections are missing`);
  await stopAll();
  finish(2);
}, DEADLINE_S * 1000);
watchdog.unref();
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    await stopAll();
    process.exit(130);
  });
}

async function section(name, fn) {
  const started = Date.now();
  log(`${name} …`);
  try {
    return await fn();
  } catch (err) {
    log(`${name} failed: ${err.stack ?? err}`);
    results.errors.push(`${name}: ${err.message ?? err}`);
    return undefined;
  } finally {
    results.meta.sectionSeconds = {
      ...results.meta.sectionSeconds,
      [name]: round((Date.now() - started) / 1000, 1),
    };
  }
}

// 1. Ingest vs calibration, and the calibration's own broadcast room (reference for 3).
const cal = await section('start calibration Worker', async () => track(await Calibration.start()));
// BENCH_COUNTERS: section 12 counts the Durable Object stubs the status page's readers cause (none expected).
let fb = await section('start Firebell (ingest)', async () =>
  track(await Firebell.start({ BENCH_COUNTERS: 'true' })),
);
if (cal && fb)
  results.ingest = await section('1. ingest vs calibration', () =>
    benchIngest(fb, cal, { duration: QUICK ? 2 : 5, log }),
  );
if (fb)
  results.customMapping = await section('8. custom mapping vs generic shape', () =>
    benchCustom(fb, { duration: QUICK ? 2 : 4, log }),
  );
if (fb)
  results.rulesIngest = await section('11. ingestion with 100 event rules vs none', () =>
    benchRulesIngest(fb, { duration: QUICK ? 2 : 4, log }),
  );
if (cal && fb)
  results.statusPage = await section('12. /status from cache vs bare route; 1,000 readers', () =>
    benchStatus(fb, cal, { duration: QUICK ? 2 : 5, log }),
  );
await untrack(fb);
// The calibration stays up: sections 2 and 3 alternate runs against it (bench/interleave.mjs).
if (cal) {
  results.fanoutCalibrationBare = {};
  for (const viewers of [200, 1000])
    results.fanoutCalibrationBare[viewers] = await section(
      `3. fan-out calibration ${viewers}, bare broadcast (reference)`,
      () => calibrationFanout(cal, { viewers, rounds: QUICK ? 10 : 50, shape: 'bare', log }),
    );
}

// 2–4 and 6 (Lighthouse) on one Firebell that may page a loopback push service.
const push = track(await startPushService());
fb = await section('start Firebell (paging, ALLOW_INSECURE_PUSH and _OUTBOUND)', async () =>
  track(await Firebell.start({ ALLOW_INSECURE_PUSH: 'true', ALLOW_INSECURE_OUTBOUND: 'true' })),
);
if (fb) {
  // Lighthouse first, while this server is idle (after the fan-out it is still closing 1,000 sockets).
  results.pwa = { initialJs: initialJs() };
  results.pwa.lighthouse = await section('6. Lighthouse (mobile)', () =>
    lighthouse(`${fb.origin}/`),
  );
  // The public status page (issue 18's target: 95 / 100 / 100 / 100 with SEO), server-rendered, no JS needed.
  results.pwa.statusLighthouse = await section('6. Lighthouse (mobile) /status', () =>
    lighthouse(`${fb.origin}/status`),
  );
  if (cal)
    results.alertToPage = await section(
      '2. alert-to-page latency, 3 runs ↔ two-hop calibration',
      () => alertToPageInterleaved(fb, cal, push, { count: QUICK ? 30 : 100, perSecond: 10, log }),
    );
  results.escalation = await section('4. escalation timing', () =>
    benchEscalationSection(fb, push, log),
  );
  results.fanout = {};
  if (cal)
    for (const viewers of [200, 1000])
      results.fanout[viewers] = await section(`3. fan-out ${viewers}, 3 runs ↔ calibration`, () =>
        fanoutInterleaved(fb, cal, { viewers, rounds: QUICK ? 10 : 50, log }),
      );
  // Last on this server: a backlog of deliveries it leaves behind must not slow the sections above.
  results.webhooks = await section(
    '10. webhook fan-out to 50 subscriptions; page with 0 vs 50',
    () => benchWebhooks(fb, push, { incidents: QUICK ? 10 : 30, pages: QUICK ? 20 : 60, log }),
  );
}
await untrack(fb);
await untrack(push);
await untrack(cal);

// 5. Storms, on a Firebell that gets killed.
fb = await section('start Firebell (storm)', async () => track(await Firebell.start()));
if (fb) {
  results.storm = {};
  results.storm.dedup = await section('5a. storm: 1,000 triggers, 10 keys', () =>
    stormDedup(fb, { log }),
  );
  results.storm.restart = await section('5b. storm: 2,000 alerts, SIGKILL + restart', () =>
    stormRestart(fb, { log }),
  );
  results.stormGroup = {
    endToEnd: await section('7b. one 10,000-alert group, end to end', () =>
      benchGroupEndToEnd(fb, { log }),
    ),
  };
}
await untrack(fb);
results.stormGroup = {
  ...results.stormGroup,
  adapter: await section('7a. one 10,000-alert group, adapter in Node', () =>
    benchGroupAdapter({ runs: QUICK ? 2 : 5, log }),
  ),
};
results.pwa ??= { initialJs: initialJs() };
finish(0);

function finish(code) {
  clearTimeout(watchdog);
  results.meta.seconds = round((Date.now() - t0) / 1000, 1);
  results.meta.loadAverageAtEnd = os.loadavg().map((x) => round(x));
  writeFileSync(join(ROOT, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\n${table(results)}`);
  console.log(
    `\nWrote bench/results.json (${results.meta.seconds} s; load average ${results.meta.loadAverageAtStart.join(' ')} → ${results.meta.loadAverageAtEnd.join(' ')} on ${results.meta.cpus} CPUs).`,
  );
  if (results.errors.length) console.log(`Errors:\n  ${results.errors.join('\n  ')}`);
  process.exit(code);
}

/** The printed table; every number also in results.json. */
function table(r) {
  const rows = [];
  const fmt = (x, d = 1) =>
    x === null || x === undefined
      ? '–'
      : typeof x === 'number'
        ? Math.abs(x) >= 100
          ? x.toFixed(0)
          : x.toFixed(d)
        : String(x);
  const pct = (l) => (l ? `${fmt(l.p50)} / ${fmt(l.p99)}` : '–');
  const verdict = (value, ok) =>
    value === null || value === undefined ? '' : ok ? 'met' : 'MISSED';
  rows.push(['Section', 'Measure', 'Firebell', 'Calibration', 'Ratio / target', '']);
  const ingestName = {
    bare: 'GET /api/health ↔ bare route (same assets front)',
    new: 'trigger, distinct keys ↔ router hop + new DO + insert',
    hop: 'trigger, shared key ↔ router hop + DO update',
  };
  for (const shape of ['bare', 'new', 'hop']) {
    const s = r.ingest?.[shape];
    if (!s) continue;
    const target = s.target ?? 0.7;
    rows.push([
      '1 ingest',
      `${ingestName[shape]}: req/s @8 (median of ${s.rounds?.length ?? 1})`,
      fmt(s.firebell.throughput.rps),
      fmt(s.calibration.throughput.rps),
      `${fmt(s.ratio.throughput, 2)} (≥ ${target})`,
      s.incomplete ? 'INCOMPLETE' : verdict(s.ratio.throughput, s.ratio.throughput >= target),
    ]);
    if (s.rounds)
      rows.push([
        '',
        '  ratio per round',
        '',
        '',
        s.rounds.map((x) => fmt(x.ratio, 2)).join(' / '),
        '',
      ]);
    rows.push([
      '',
      '  p50 / p99 ms @1',
      pct(s.firebell.latency),
      pct(s.calibration.latency),
      `req/s @1 ratio ${fmt(s.ratio.rpsAt1Connection, 2)}`,
      '',
    ]);
    rows.push([
      '',
      '  server CPU ms/req @8',
      fmt(s.firebell.throughput.cpuMsPerRequest, 2),
      fmt(s.calibration.throughput.cpuMsPerRequest, 2),
      `×${fmt(s.ratio.cpuPerRequest, 1)}`,
      '',
    ]);
    if (s.reference)
      rows.push([
        '',
        `  ref: ${s.reference.name}`,
        '',
        fmt(s.reference.throughput.rps),
        `${fmt(s.reference.ratio, 2)}`,
        '',
      ]);
  }
  const d1 = r.ingest?.d1Read?.calibration;
  if (d1)
    rows.push([
      '',
      'ref: one D1 point read',
      '',
      `${fmt(d1.throughput.rps)} req/s, ${pct(d1.latency)} ms, ${fmt(d1.throughput.cpuMsPerRequest, 2)} CPU ms`,
      '',
      '',
    ]);
  const cm = r.customMapping;
  for (const shape of ['new', 'duplicate']) {
    const s = cm?.[shape];
    if (!s) continue;
    rows.push([
      shape === 'new' ? '8 custom map' : '',
      `${shape === 'new' ? 'distinct keys' : 'one shared key'}: req/s @8, p50 / p99 ms`,
      `${fmt(s.custom.rps)}, ${pct(s.custom)}`,
      `generic ${fmt(s.generic.rps)}, ${pct(s.generic)}`,
      `${fmt(s.ratio, 2)} (≥ 0.8)`,
      verdict(s.ratio, s.ratio >= 0.8),
    ]);
  }
  const rl = r.rulesIngest;
  for (const shape of ['new', 'duplicate']) {
    const s = rl?.[shape];
    if (!s) continue;
    rows.push([
      shape === 'new' ? '11 rules' : '',
      `100 rules ↔ none, ${shape === 'new' ? 'distinct keys' : 'one shared key'}: req/s @8, p50 / p99 ms`,
      `${fmt(s.rules.rps)}, ${pct(s.rules)}`,
      `none ${fmt(s.none.rps)}, ${pct(s.none)}`,
      `${fmt(s.ratio, 2)} (≥ 0.8)`,
      verdict(s.ratio, s.ratio >= 0.8),
    ]);
  }
  const w = r.webhooks;
  if (w) {
    const f = w.fanout;
    const l = f.commitToReceiverMs;
    const once = f.delivered === f.expected && f.duplicates === 0 && f.unverified === 0;
    rows.push([
      '10 webhooks',
      `${f.subscriptions} subs × ${f.incidents} incidents: commit → receiver p50 / p95 / p99 / max ms`,
      `${fmt(l.p50)} / ${fmt(l.p95)} / ${fmt(l.p99)} / ${fmt(l.max)}`,
      `${f.delivered}/${f.expected} delivered, ${f.duplicates} twice, ${f.unverified} unverified`,
      'each once',
      verdict(true, once),
    ]);
    rows.push([
      '',
      '  pace; server CPU per delivery',
      `${fmt(f.deliveriesPerSecond)}/s; ${fmt(f.serverCpuMsPerDelivery, 2)} ms`,
      '',
      '',
      '',
    ]);
    const p = w.alertToPage;
    const ok = p.ratio.p50 <= 1.2 && p.ratio.p99 <= 1.5 && p.with50.missing === 0;
    rows.push([
      '',
      `alert→page with 50 subs ↔ 0: p50 / p99 ms (${p.pagesPerRun} at ${p.perSecond}/s ×${p.with50.runs})`,
      `${pct(p.with50)}${p.with50.missing ? `, ${p.with50.missing} missing` : ''}`,
      `0 subs ${pct(p.without)}${p.without.missing ? `, ${p.without.missing} missing` : ''}`,
      `×${fmt(p.ratio.p50, 2)} / ×${fmt(p.ratio.p99, 2)} (≤ 1.2 / 1.5)`,
      verdict(p.ratio.p50, ok),
    ]);
  }
  const st = r.statusPage;
  if (st?.throughput) {
    const t = st.throughput;
    const mid = [...t.rounds].sort((x, y) => x.ratio - y.ratio)[Math.floor(t.rounds.length / 2)];
    rows.push([
      '12 status',
      `/status from cache (${st.pageBytes} B) ↔ bare route: req/s @8 (median of ${t.rounds.length})`,
      fmt(mid.status.rps),
      fmt(mid.bare.rps),
      `${fmt(t.medianRatio, 2)} (≥ ${t.target})`,
      verdict(t.medianRatio, t.medianRatio >= t.target),
    ]);
    rows.push([
      '',
      '  ratio per round; server CPU ms/req (median round)',
      fmt(mid.status.cpuMsPerRequest, 2),
      fmt(mid.bare.cpuMsPerRequest, 2),
      t.rounds.map((x) => fmt(x.ratio, 2)).join(' / '),
      '',
    ]);
    const readers = st.readers ?? [];
    const objects = readers.reduce(
      (n, b) => n + Object.values(b.objectStubsMade ?? {}).reduce((m, k) => m + k, 0),
      0,
    );
    const all200 = readers.every((b) => (b.statuses?.['200'] ?? 0) === b.readers);
    rows.push([
      '',
      `  1,000 readers at once ×${readers.length}: wall s; objects reached`,
      `${readers.map((b) => fmt(b.wallMs / 1000, 2)).join(' / ')}; ${objects}`,
      '',
      'all 200, 0 objects',
      verdict(true, readers.length > 0 && all200 && objects === 0),
    ]);
  }
  const a = r.alertToPage;
  if (a) {
    // Each page opens a new incident, so the floor is the design's two-hop "router + new object" path, paced the same.
    const c = a.calibration.latencyMs;
    rows.push([
      '2 alert→page',
      `p50 / p95 / p99 / max ms, ${a.runs} runs of ${a.perRun} at ${a.perSecond}/s (n=${a.latencyMs.n}/${a.sent})`,
      `${fmt(a.latencyMs.p50)} / ${fmt(a.latencyMs.p95)} / ${fmt(a.latencyMs.p99)} / ${fmt(a.latencyMs.max)}`,
      `two-hop ${pct(c)}`,
      'median run: p50 ≤ +5, p99 ≤ +10',
      a.missing || a.calibration.missing
        ? 'INCOMPLETE'
        : verdict(a.medianP50OverMs, a.medianP50OverMs <= 5 && a.medianP99OverMs <= 10),
    ]);
    rows.push([
      '',
      '  per run, p50 / p99 ms (Firebell; two-hop)',
      a.rounds.map((x) => pct(x.firebell)).join('; '),
      a.rounds.map((x) => pct(x.calibration)).join('; '),
      `over by ${a.rounds.map((x) => `${fmt(x.p50OverMs)} / ${fmt(x.p99OverMs)}`).join('; ')}`,
      '',
    ]);
    rows.push([
      '',
      '  proof',
      `${a.proof?.encoding}, ${a.proof?.vapid}`,
      '',
      a.undecryptable || a.missing
        ? `${a.missing} missing, ${a.undecryptable} undecryptable`
        : 'all decrypted',
      '',
    ]);
    const failed = Object.entries(a.statuses).filter(([s]) => s !== '202');
    if (failed.length)
      rows.push([
        '',
        '  triggers not accepted',
        failed.map(([s, n]) => `${s} ×${n}`).join(', '),
        '',
        '',
        '',
      ]);
  }
  for (const viewers of [200, 1000]) {
    const f = r.fanout?.[viewers];
    if (!f) continue;
    rows.push([
      '3 fan-out',
      `${viewers} viewers, all have it: median run's p50 / p99 ms (${f.runs} runs of ${f.rounds})`,
      `${fmt(f.firebell.medianP50)} / ${fmt(f.firebell.medianP99)}`,
      `${fmt(f.calibration.medianP50)} / ${fmt(f.calibration.medianP99)}`,
      `p99 ratio ${fmt(f.medianP99Ratio, 2)} (≤ 1.1)`,
      f.incompleteRounds ? 'INCOMPLETE' : verdict(f.medianP99Ratio, f.medianP99Ratio <= 1.1),
    ]);
    rows.push([
      '',
      '  per run, p50 / p99 ms',
      f.perRun.map((x) => pct(x.firebell)).join('; '),
      f.perRun.map((x) => pct(x.calibration)).join('; '),
      `p99 ×${f.perRun.map((x) => fmt(x.p99Ratio, 2)).join(' / ')}`,
      '',
    ]);
    const b = r.fanoutCalibrationBare?.[viewers];
    if (b)
      rows.push(['', `  ref: bare 45-byte broadcast, no write`, '', pct(b.everyViewerMs), '', '']);
    rows.push([
      '',
      `  joining ${viewers} sockets took`,
      `${fmt(f.connectSeconds.firebell)} s`,
      `${fmt(f.connectSeconds.calibration)} s`,
      '',
      '',
    ]);
  }
  const e = r.escalation;
  const late = (x) => `${fmt(x.p50)} / ${fmt(x.p99)} / ${fmt(x.max)}`;
  if (e)
    rows.push([
      '4 escalation',
      `due → level-2 push arrives, steps 100 ms apart after the triggers: p50 / p99 / max ms (n=${e.latenessMs.n})`,
      late(e.latenessMs),
      '',
      'p99 < 20',
      e.latenessMs.n < (e.expected ?? e.latenessMs.n)
        ? 'INCOMPLETE'
        : verdict(e.latenessMs.p99, e.latenessMs.p99 < 20),
    ]);
  if (e?.workerdCpuMsPerStep != null)
    rows.push([
      '',
      '  workerd CPU per step (ms), warm-up and post-push writes included',
      fmt(e.workerdCpuMsPerStep),
      '',
      '',
      '',
    ]);
  const u = e?.underIntake;
  if (u)
    rows.push([
      '',
      `  due while 10 triggers/s arrive on the same workerd thread (n=${u.latenessMs.n})`,
      late(u.latenessMs),
      '',
      '',
      u.latenessMs.n < u.expected ? 'INCOMPLETE' : '',
    ]);
  const sd = r.storm?.dedup;
  if (sd)
    rows.push([
      '5 storm',
      '1,000 triggers / 10 keys',
      `${sd.incidents} incidents, Σ alerts ${sd.alertCountSum}, ${sd.retried} retried`,
      '',
      'exactly 10, Σ 1,000',
      verdict(true, sd.ok),
    ]);
  const sr = r.storm?.restart;
  if (sr) {
    rows.push([
      '',
      '2,000 alerts / 200 groups + SIGKILL',
      `${sr.incidents} incidents, ${sr.acknowledged}/${sr.alerts} acked, ${sr.lost} lost, ${sr.countedTwiceOtherwise} twice`,
      '',
      'none lost, none twice',
      verdict(true, sr.ok),
    ]);
    rows.push([
      '',
      '  re-sent after a reset (at-least-once)',
      `${sr.countedTwiceAfterAmbiguousFailure} counted twice, each after its first try died unanswered`,
      '',
      '',
      '',
    ]);
    rows.push([
      '',
      '  killed at / back after',
      `${fmt(sr.killedAtMs / 1000)} s / ${fmt(sr.restartMs / 1000)} s, ${sr.retried} alerts retried`,
      '',
      '',
      '',
    ]);
  }
  const g = r.stormGroup;
  if (g?.adapter) {
    const { streamed: st, wholeBodyReference: wb } = g.adapter;
    rows.push([
      '7 big group',
      `${g.adapter.alerts} alerts, ${g.adapter.bodyMiB} MiB: stream-read + adapt`,
      `${fmt(st.ms)} ms, peak heap ${fmt(st.peakHeapMiB)} MiB`,
      `JSON.parse: ${fmt(wb.ms)} ms, ${fmt(wb.peakHeapMiB)} MiB`,
      '',
      '',
    ]);
  }
  if (g?.endToEnd) {
    const e2e = g.endToEnd;
    rows.push([
      '',
      '  posted to Firebell: 202 after / incident read',
      `${fmt(e2e.acceptedMs)} ms / ${fmt(e2e.incidentReadMs)} ms (${e2e.listed} listed, ${fmt(e2e.incidentReadMiB)} MiB)`,
      '',
      `server RSS +${fmt(e2e.serverRssMiB.growth)} MiB`,
      '',
    ]);
  }
  const p = r.pwa;
  if (p) {
    rows.push([
      '6 PWA',
      'initial JS gzip bytes',
      `${p.initialJs.gzip} (${p.initialJs.files.length} file${p.initialJs.files.length === 1 ? '' : 's'}; css ${p.initialJs.css.gzip})`,
      '',
      '',
      '',
    ]);
    for (const [label, lh] of [
      ['Lighthouse mobile perf / a11y / best-practices / SEO', p.lighthouse],
      ['/status: Lighthouse mobile perf / a11y / best-practices / SEO', p.statusLighthouse],
    ])
      if (lh)
        rows.push([
          '',
          label,
          lh.skipped ??
            lh.error?.slice(0, 60) ??
            lh.runtimeError?.slice(0, 60) ??
            `${lh.performance} / ${lh.accessibility} / ${lh.bestPractices} / ${lh.seo}`,
          '',
          '',
          '',
        ]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => String(row[i]).length)));
  const line = (row) => `| ${row.map((cell, i) => String(cell).padEnd(widths[i])).join(' | ')} |`;
  return [
    line(rows[0]),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.slice(1).map(line),
  ].join('\n');
}
