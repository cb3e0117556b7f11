#!/usr/bin/env node
// `npm test`: every suite, in order — worker tests inside workerd, PWA component tests,
// then end-to-end tests against Firebell started as `npm start` starts it, in headless Chromium.
import './wrangler-env.mjs';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const REPORTS = '.tmp/test-reports';
rmSync(REPORTS, { recursive: true, force: true });
mkdirSync(REPORTS, { recursive: true });

function run(label, cmd, args) {
  console.log(`\n▶ ${label}: ${cmd} ${args.join(' ')}`);
  const res = spawnSync(cmd, args, { stdio: 'inherit', env: process.env });
  return res.status === 0;
}

const vitest = (name, config, extra = []) => [
  'vitest',
  'run',
  '--config',
  config,
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${REPORTS}/${name}.json`,
  ...extra,
];

const steps = [
  ['build', 'npm', ['run', 'build', '--silent']],
  ['typecheck', 'npm', ['run', 'typecheck', '--silent']],
  ['formatting (prettier --check)', 'npm', ['run', 'format:check', '--silent']],
  ['unit tests (plain Node)', 'npx', vitest('unit', 'vitest.unit.config.ts')],
  ['worker tests (workerd)', 'npx', vitest('worker', 'vitest.config.ts')],
  ['PWA component tests', 'npx', vitest('pwa', 'pwa/vitest.config.ts')],
];
if (existsSync('test/e2e/vitest.config.ts'))
  steps.push(['end-to-end tests (Chromium)', 'npx', vitest('e2e', 'test/e2e/vitest.config.ts')]);

let ok = true;
for (const [label, cmd, args] of steps) {
  if (!run(label, cmd, args)) {
    ok = false;
    console.error(`✗ ${label} failed`);
    if (label === 'build') break;
  }
}

// One plain closing line over all suites, so CI can read the totals.
let passed = 0;
let failed = 0;
for (const name of ['unit', 'worker', 'pwa', 'e2e']) {
  const file = `${REPORTS}/${name}.json`;
  if (!existsSync(file)) continue;
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests ?? 0;
  // A suite that failed to load has no failed tests of its own; count it once.
  failed += report.numFailedTests || report.numFailedTestSuites || 0;
}
if (!ok && failed === 0) failed = 1;
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(ok && failed === 0 ? 0 : 1);
