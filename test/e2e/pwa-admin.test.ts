/**
 * An admin wires a monitor from the phone: creates a service and an Alertmanager integration in the
 * Admin screen, copies the snippet, and the URL in it works: an Alertmanager notification posted to it
 * opens an incident that appears on the home screen live, without a reload.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { AMTOOL_BIN } from './alertmanager';
import { firebellInChromium, signInThroughInvite } from './browser';
import { Firebell } from './harness';

const stand = firebellInChromium();

/** The notification Debian's Alertmanager 0.25 sent for a firing alert (see the fixture's `client`). */
const firing = (
  JSON.parse(
    readFileSync(new URL('../fixtures/payloads/alertmanager-firing.json', import.meta.url), 'utf8'),
  ) as { body: Record<string, unknown> }
).body;

/** amtool's verdict on a config file, when amtool is installed (it is in ../shared/TOOLCHAIN.md's set-up). */
async function amtoolCheck(yaml: string): Promise<string | null> {
  if (!existsSync(AMTOOL_BIN)) return null;
  const dir = mkdtempSync(join(tmpdir(), 'firebell-snippet-'));
  try {
    const file = join(dir, 'alertmanager.yml');
    writeFileSync(file, yaml);
    const { stdout } = await promisify(execFile)(AMTOOL_BIN, ['check-config', file], {
      timeout: 10_000,
    });
    return stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('wiring Alertmanager from the admin screen', () => {
  it('creates a service and an integration, copies a snippet whose URL opens an incident that appears live on the home screen', async () => {
    const { fb, browser } = stand;
    const ada = await signInThroughInvite(fb, browser, 'Ada', 'admin');
    const { page, context } = ada;
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: fb.origin });
    const tabs = page.getByRole('navigation', { name: 'Main' });

    await tabs.getByRole('link', { name: 'Admin' }).click();
    await page.getByLabel('New service name').fill('Payments API');
    await page.getByRole('button', { name: 'Create service' }).click();
    await page.getByText('Service “Payments API” created', { exact: false }).waitFor();

    // The new service opens by itself; Alertmanager is the first monitor offered.
    const card = page
      .getByRole('listitem')
      .filter({ has: page.getByText('Payments API', { exact: true }) });
    expect(await card.getByRole('combobox', { name: 'Monitor' }).inputValue()).toBe('alertmanager');
    await card.getByRole('button', { name: 'Add integration' }).click();
    await card.getByText('Firebell will not show this key again.', { exact: false }).waitFor();

    await card.getByRole('button', { name: 'Copy Alertmanager (alertmanager.yml)' }).click();
    await card.getByText('Alertmanager (alertmanager.yml) copied').waitFor();
    const snippet = await page.evaluate(() => navigator.clipboard.readText());
    expect(snippet).toBe(
      await card.getByLabel('Alertmanager (alertmanager.yml)', { exact: true }).textContent(),
    );
    const url = /url: '([^']+)'/.exec(snippet)?.[1];
    expect(url).toMatch(new RegExp(`^${fb.origin}/hooks/alertmanager/fbk_`));
    const verdict = await amtoolCheck(snippet);
    if (verdict !== null) expect(verdict).toContain('SUCCESS');

    // Home, listening to the feed: nothing is open yet.
    await tabs.getByRole('link', { name: 'Home' }).click();
    await page.getByText('Live', { exact: true }).waitFor();
    await page
      .getByRole('region', { name: 'All open' })
      .getByText('No other open incidents.')
      .waitFor();
    await page.evaluate(
      () => ((window as unknown as { sameDocument: boolean }).sameDocument = true),
    );

    const res = await fetch(url!, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Alertmanager/0.25.0' },
      body: JSON.stringify(firing),
    });
    const postedAt = Date.now();
    expect(res.status).toBeLessThan(300);
    await res.body?.cancel();

    const row = page.getByRole('link', { name: /Disk full on web-1/ });
    await row.waitFor({ timeout: 5_000 });
    console.log(
      `Alertmanager payload accepted → incident on the home screen: ${Date.now() - postedAt} ms`,
    );
    expect(await row.textContent()).toContain('critical');
    expect(
      await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument),
    ).toBe(true);

    // Back in Admin, the integration shows what it received, and no longer the key.
    await tabs.getByRole('link', { name: 'Admin' }).click();
    await page.getByText('Payments API', { exact: true }).click();
    await card.getByText('Last received (1)').click();
    await card.getByText('accepted', { exact: true }).waitFor();
    expect(
      await card.getByLabel('Alertmanager (alertmanager.yml)', { exact: true }).textContent(),
    ).toContain("url: '" + `${fb.origin}/hooks/alertmanager/<INTEGRATION_KEY>'`);

    await context.close();
  });
});
