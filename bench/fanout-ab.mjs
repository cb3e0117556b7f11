#!/usr/bin/env node
/**
 * Fan-out alone, interleaved (diagnostic; not part of `npm run bench`):
 *   node --expose-gc bench/fanout-ab.mjs <runs> <root> [root …]
 * Starts the calibration Worker and one Firebell per tree (build others with bench/variant.mjs), then per run and
 * per viewer count (200, 1,000; FANOUT_VIEWERS=200,1000) measures the calibration's command shape and each tree in
 * turn, the order rotating each run so machine noise hits all alike. Prints p50 / p99 / max of "every viewer has
 * it", the slowest rounds (index in the acknowledge → resolve → reopen cycle) and workerd CPU per round.
 */
import { writeFileSync } from 'node:fs';
import { benchFanout, calibrationFanout } from './fanout.mjs';
import { Calibration, Firebell } from './lib.mjs';

const [runsArg, ...roots] = process.argv.slice(2);
if (!runsArg || !roots.length) throw new Error('usage: node bench/fanout-ab.mjs <runs> <root> …');
const viewerCounts = (process.env.FANOUT_VIEWERS ?? '200,1000').split(',').map(Number);
const rounds = Number(process.env.FANOUT_ROUNDS ?? 50);
const log = () => {};
const cal = await Calibration.start();
const sides = [];
const out = [];
try {
  for (const root of roots) sides.push({ root, fb: await Firebell.start({}, root) });
  const line = (name, viewers, r) => {
    const slow = r.everyViewerRoundsMs
      .map((ms, i) => [ms, i])
      .sort((a, b) => b[0] - a[0])
      .slice(0, 3)
      .map(
        ([ms, i]) =>
          `${ms}@${i}(${i % 3}${r.clientGcRoundsMs[i] ? `,gc ${r.clientGcRoundsMs[i]}` : ''})`,
      )
      .join(' ');
    console.log(
      `${name.padEnd(24)} ${String(viewers).padStart(4)}: p50 ${r.everyViewerMs.p50} p99 ${r.everyViewerMs.p99} · first p50 ${r.firstViewerMs.p50} · CPU/round ${r.workerdCpuMsPerRound} ms · slowest ${slow}${r.incompleteRounds ? ` · ${r.incompleteRounds} incomplete` : ''}`,
    );
    out.push({ name, viewers, ...r });
  };
  for (let run = 0; run < Number(runsArg); run += 1) {
    console.log(`run ${run + 1} (load ${(await import('node:os')).loadavg()[0].toFixed(2)})`);
    for (const viewers of viewerCounts) {
      const order = [{ name: 'calibration' }, ...sides];
      for (let i = 0; i < run % order.length; i += 1) order.push(order.shift());
      for (const side of order) {
        if (!side.fb)
          line('calibration', viewers, await calibrationFanout(cal, { viewers, rounds, log }));
        else line(side.root, viewers, await benchFanout(side.fb, { viewers, rounds, log }));
      }
    }
  }
} finally {
  writeFileSync(process.env.FANOUT_OUT ?? '/tmp/fanout-ab.json', JSON.stringify(out, null, 1));
  for (const { fb } of sides) await fb.dispose();
  await cal.dispose();
}
