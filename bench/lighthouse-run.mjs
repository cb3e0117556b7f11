#!/usr/bin/env node
// One Lighthouse 12.2.3 run (mobile: its default form factor and simulated throttling) against a local URL in
// headless Debian Chromium (scripts/chromium.mjs). Prints one line: LIGHTHOUSE {scores…}.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '../scripts/chromium.mjs';

const url = process.argv[2];
const userDataDir = mkdtempSync(join(tmpdir(), 'firebell-lh-'));
const chrome = await chromeLauncher.launch({
  chromePath: CHROMIUM_PATH,
  userDataDir,
  chromeFlags: CHROMIUM_FLAGS,
});
try {
  const result = await lighthouse(url, {
    port: chrome.port,
    output: 'json',
    logLevel: 'error',
    onlyCategories: ['performance', 'accessibility', 'best-practices', 'seo'],
  });
  const { categories, audits, lighthouseVersion, configSettings, runtimeError, runWarnings } =
    result.lhr;
  const score = (id) =>
    categories[id]?.score === null || categories[id]?.score === undefined
      ? null
      : Math.round(categories[id].score * 100);
  const ms = (id) =>
    audits[id]?.numericValue === undefined ? null : Math.round(audits[id].numericValue);
  console.log(
    `LIGHTHOUSE ${JSON.stringify({
      version: lighthouseVersion,
      formFactor: configSettings.formFactor,
      throttling: configSettings.throttlingMethod,
      url,
      performance: score('performance'),
      accessibility: score('accessibility'),
      bestPractices: score('best-practices'),
      seo: score('seo'),
      fcpMs: ms('first-contentful-paint'),
      lcpMs: ms('largest-contentful-paint'),
      tbtMs: ms('total-blocking-time'),
      cls: audits['cumulative-layout-shift']?.numericValue ?? null,
      failedAudits: Object.values(audits)
        .filter((a) => a.score !== null && a.score < 0.9 && a.scoreDisplayMode === 'binary')
        .map((a) => a.id)
        .slice(0, 12),
      runtimeError: runtimeError
        ? `${runtimeError.code}: ${runtimeError.message}`.slice(0, 300)
        : null,
      runWarnings: (runWarnings ?? []).map((w) => String(w).slice(0, 200)).slice(0, 3),
      consoleErrors: (audits['errors-in-console']?.details?.items ?? [])
        .map((i) => `${i.source}: ${String(i.description).slice(0, 160)}`)
        .slice(0, 5),
    })}`,
  );
} finally {
  await chrome.kill();
  rmSync(userDataDir, { recursive: true, force: true });
}
