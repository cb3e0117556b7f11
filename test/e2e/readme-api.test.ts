import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Incident } from '../../schema/incident';
import { incidentTitled, incidentView } from './browser';
import { Firebell, until } from './harness';

let fb: Firebell;
beforeAll(async () => {
  fb = await Firebell.start();
});
afterAll(async () => {
  await fb?.dispose();
});

/** The ```sh blocks of one README section, in order. */
function shellBlocks(readme: string, heading: string): string[] {
  const start = readme.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README has no "${heading}" section`);
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
}

describe("the README's API examples", () => {
  it('run as written, in order: a hand-opened incident is flagged "nobody paged", and the webhook example triggers and resolves with the captured key', async () => {
    const blocks = shellBlocks(readFileSync('README.md', 'utf8'), '## Using the API');
    expect(blocks.length).toBeGreaterThanOrEqual(3);
    // As a reader would paste them, in a checkout whose .dev.vars is this instance's; only the port differs.
    copyFileSync(fb.devVars, join(fb.dir, '.dev.vars'));
    const script = ['set -euo pipefail', ...blocks]
      .join('\n')
      .replaceAll('127.0.0.1:8787', `127.0.0.1:${fb.port}`);
    const res = spawnSync('bash', ['-c', script], {
      cwd: fb.dir,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(res.status, `${res.stdout}\n${res.stderr}`).toBe(0);

    const byHand = await incidentTitled(fb, 'Checkout is down');
    const view = await until(async () => {
      const v = await incidentView(fb, byHand.id);
      return v.incident.nobodyPaged ? v : undefined;
    }, 'the hand-opened incident to be flagged');
    expect(view.timeline.map((e) => e.text)).toContain(
      'Nobody paged: opened by hand without a service, so no escalation policy applies',
    );
    expect(
      view.timeline.some((e) => e.kind === 'notification_sent' || e.kind === 'notification_failed'),
    ).toBe(false);

    const fromMonitor = await until(async () => {
      const list = await fb.api<{ incidents: Incident[] }>('/api/incidents?status=resolved');
      return list.body.incidents.find((i) => i.title === 'Disk full on web-1');
    }, 'the webhook incident to be resolved');
    expect(fromMonitor).toMatchObject({ status: 'resolved', alertCount: 1 });
    expect(fromMonitor.serviceId).toMatch(/^svc_/);
  });
});
