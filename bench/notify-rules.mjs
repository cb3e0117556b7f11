#!/usr/bin/env node
/**
 * The pure notification-rule evaluation (worker/notify/rules.ts, bundled with esbuild), in Node: per page,
 * the urgency from the severity and the person's planned steps. Four shapes: the default rules (high
 * urgency), three steps with working hours inside them, and low urgency outside working hours (the
 * deferral searches forward across days and time-zone offsets), and a cold one. Target (issue 15): < 20 µs
 * per page evaluation. Each shape runs 100,000 pages after 10,000 warm-up ones, three rounds; the median
 * round is reported. Zone offsets are remembered per quarter hour; the cold shape never hits that memory.
 * Run alone: `node bench/notify-rules.mjs` (prints JSON and one line per shape).
 */
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ROOT, round } from './lib.mjs';

const PAGES = 100_000;
const WARMUP = 10_000;
const ROUNDS = 3;

async function rulesModule() {
  const dir = mkdtempSync(join(tmpdir(), 'firebell-bench-notify-'));
  const outfile = join(dir, 'rules.mjs');
  await build({
    entryPoints: [join(ROOT, 'worker/notify/rules.ts')],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    outfile,
    logLevel: 'silent',
  });
  const mod = await import(pathToFileURL(outfile).href);
  rmSync(dir, { recursive: true, force: true });
  return mod;
}

export async function benchNotifyRules() {
  const { DEFAULT_RULES, planSteps, urgencyOf } = await rulesModule();
  const hours = { timeZone: 'Europe/Lisbon', days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' };
  const three = [
    { afterMinutes: 0, channel: 'push' },
    { afterMinutes: 3, channel: 'email' },
    { afterMinutes: 10, channel: 'email' },
  ];
  const shapes = {
    defaultHigh: {
      rules: DEFAULT_RULES,
      severity: 'critical',
      start: Date.parse('2026-12-01T03:00:00Z'),
    },
    lowInsideHours: {
      rules: { high: three, low: three, workingHours: hours },
      severity: 'warning',
      start: Date.parse('2026-12-01T10:00:00Z'),
    },
    lowDeferredToMonday: {
      rules: { high: three, low: three, workingHours: hours },
      severity: 'info',
      start: Date.parse('2026-12-04T20:00:00Z'), // Friday evening
    },
    // Every page in a quarter hour of its own: the zone offsets are never remembered (the cold cost).
    lowInsideHoursCold: {
      rules: { high: three, low: three, workingHours: hours },
      severity: 'warning',
      start: Date.parse('2026-12-01T10:00:00Z'),
      spacing: 15 * 60_000,
    },
  };
  const result = {};
  for (const [name, { rules, severity, start, spacing }] of Object.entries(shapes)) {
    let sink = 0;
    let base = 0;
    const offset = spacing ? (i) => (base + i) * spacing : (i) => (i % 7200) * 1000;
    const run = (n) => {
      const t0 = process.hrtime.bigint();
      // Spread the pages over two hours so the evaluation is not served one answer over and over.
      for (let i = 0; i < n; i++)
        sink += planSteps(rules, urgencyOf(severity), start + offset(i))[0].at;
      base += n;
      return Number(process.hrtime.bigint() - t0) / 1000 / n;
    };
    run(WARMUP);
    const rounds = Array.from({ length: ROUNDS }, () => run(PAGES)).sort((a, b) => a - b);
    result[name] = { usPerPage: round(rounds[1], 3), rounds: rounds.map((r) => round(r, 3)) };
    if (!sink) throw new Error('unreachable');
  }
  return { pages: PAGES, targetUs: 20, ...result };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = await benchNotifyRules();
  console.log(JSON.stringify(out, null, 2));
  for (const [name, v] of Object.entries(out))
    if (typeof v === 'object')
      console.log(`${name}: ${v.usPerPage} µs per page evaluation (target < 20 µs)`);
}
