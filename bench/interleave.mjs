/**
 * Sections 2 and 3 as issue 19 asks for every verdict: three runs, Firebell and the calibration alternating (the
 * side that goes first alternates too), judged on the median run. One run's p99 is its slowest few samples, and a
 * single stall of this shared machine decides it; the median of three runs does not hinge on one.
 */
import { benchAlertToPage, calibrationAlertPace } from './paging.mjs';
import { benchFanout, calibrationFanout } from './fanout.mjs';
import { round, summary } from './lib.mjs';

const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : null;
};

/** Run `a` and `b` `runs` times, alternating which goes first; returns [{ a, b }] in run order. */
async function alternate(runs, a, b) {
  const out = [];
  for (let r = 0; r < runs; r += 1) {
    const pair = {};
    if (r % 2 === 0) {
      pair.b = await b(r);
      pair.a = await a(r);
    } else {
      pair.a = await a(r);
      pair.b = await b(r);
    }
    out.push(pair);
  }
  return out;
}

/**
 * Alert → page: `runs` × `count` pages at `perSecond`, each run beside as many triggers to the calibration's
 * two-hop shape at the same pace. Target per run: p50 ≤ calibration p50 + 5 ms, p99 ≤ its p99 + 10 ms; the verdict
 * takes the median run of each margin.
 */
export async function alertToPageInterleaved(
  fb,
  cal,
  push,
  { runs = 3, count = 100, perSecond = 10, log = console.log } = {},
) {
  const pairs = await alternate(
    runs,
    () => benchAlertToPage(fb, push, { count, perSecond, log }),
    () => calibrationAlertPace(cal, { count, perSecond, log }),
  );
  const rounds = pairs.map(({ a, b }) => ({
    firebell: a.latencyMs,
    calibration: b.latencyMs,
    p50OverMs: round(a.latencyMs.p50 - b.latencyMs.p50, 2),
    p99OverMs: round(a.latencyMs.p99 - b.latencyMs.p99, 2),
  }));
  const fbRuns = pairs.map((p) => p.a);
  const calRuns = pairs.map((p) => p.b);
  return {
    runs,
    perRun: count,
    perSecond,
    // Every page of every run, for the table's "n=" and the overall percentiles.
    sent: fbRuns.reduce((n, x) => n + x.sent, 0),
    missing: fbRuns.reduce((n, x) => n + x.missing, 0),
    undecryptable: fbRuns.reduce((n, x) => n + x.undecryptable, 0),
    statuses: fbRuns.reduce((all, x) => {
      for (const [s, n] of Object.entries(x.statuses)) all[s] = (all[s] ?? 0) + n;
      return all;
    }, {}),
    latencyMs: summary(
      fbRuns.flatMap((x) => x.samplesMs),
      [50, 95, 99],
    ),
    calibration: {
      missing: calRuns.reduce((n, x) => n + x.missing, 0),
      latencyMs: summary(
        calRuns.flatMap((x) => x.samplesMs),
        [50, 95, 99],
      ),
    },
    rounds,
    medianP50OverMs: median(rounds.map((r) => r.p50OverMs)),
    medianP99OverMs: median(rounds.map((r) => r.p99OverMs)),
    proof: fbRuns[0]?.proof,
    firebellRuns: fbRuns.map(({ samplesMs: _, ...rest }) => rest),
  };
}

/**
 * Fan-out to `viewers`: `runs` runs of `rounds` commands each on Firebell and on the calibration room's command
 * shape, alternating. Target: the median run's p99 ratio (Firebell ÷ calibration) ≤ 1.1. A run in which some viewer
 * never got an event makes the section incomplete.
 */
export async function fanoutInterleaved(
  fb,
  cal,
  { viewers, runs = 3, rounds = 50, log = console.log } = {},
) {
  const pairs = await alternate(
    runs,
    () => benchFanout(fb, { viewers, rounds, log }),
    () => calibrationFanout(cal, { viewers, rounds, log }),
  );
  const perRun = pairs.map(({ a, b }) => ({
    firebell: a.everyViewerMs,
    calibration: b.everyViewerMs,
    p99Ratio: round(a.everyViewerMs.p99 / b.everyViewerMs.p99, 2),
    p50Ratio: round(a.everyViewerMs.p50 / b.everyViewerMs.p50, 2),
  }));
  return {
    viewers,
    runs,
    rounds,
    incompleteRounds: pairs.reduce((n, { a, b }) => n + a.incompleteRounds + b.incompleteRounds, 0),
    perRun,
    medianP99Ratio: median(perRun.map((r) => r.p99Ratio)),
    medianP50Ratio: median(perRun.map((r) => r.p50Ratio)),
    firebell: {
      medianP50: median(perRun.map((r) => r.firebell.p50)),
      medianP99: median(perRun.map((r) => r.firebell.p99)),
    },
    calibration: {
      medianP50: median(perRun.map((r) => r.calibration.p50)),
      medianP99: median(perRun.map((r) => r.calibration.p99)),
    },
    connectSeconds: { firebell: pairs[0].a.connectSeconds, calibration: pairs[0].b.connectSeconds },
    firebellRuns: pairs.map((p) => p.a),
    calibrationRuns: pairs.map((p) => p.b),
  };
}
