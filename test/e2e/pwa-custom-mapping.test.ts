/**
 * An admin wires a monitor Firebell has no adapter for, from the phone: a custom integration starting from a
 * blank mapping, a monitor's own body posted to it, the mapping edited against a live preview of that body,
 * a mapping that fails everywhere saved only after saying so, and the next post titled by the new template.
 */
import { describe, expect, it } from 'vitest';
import { firebellInChromium, incidentTitled, screenshotFor, signInThroughInvite } from './browser';

const stand = firebellInChromium();

/** What an Uptime Kuma-like monitor posts when a check fails: its own shape, nothing Firebell knows. */
const down = (msg: string) => ({
  heartbeat: { status: 0, msg, time: '2026-12-01 10:00:00', ping: null },
  monitor: { id: 7, name: 'Shop', url: 'https://shop.example', type: 'http' },
  msg: `[Shop] [🔴 Down] ${msg}`,
});

async function post(url: string, body: unknown): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'Uptime-Kuma/2.0.0' },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.text()).toBe(202);
}

describe('mapping a custom monitor from the admin screen', () => {
  it('previews the mapped alert, follows an edited summary, asks before saving a mapping that fails everywhere, and titles the next incident by the saved template', async () => {
    const { fb, browser } = stand;
    const { page, context } = await signInThroughInvite(fb, browser, 'Ada', 'admin');
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Admin' })
      .click();
    await page.getByLabel('New service name').fill('Shop');
    await page.getByRole('button', { name: 'Create service' }).click();
    await page.getByText('Service “Shop” created', { exact: false }).waitFor();

    const card = page
      .getByRole('listitem')
      .filter({ has: page.getByText('Shop', { exact: true }) });
    await card.getByRole('combobox', { name: 'Monitor' }).selectOption('custom');
    const startFrom = card.getByRole('combobox', { name: 'Start from' });
    // The ready-made mappings are offered with how to point the monitor here; this monitor starts from blank.
    await startFrom.selectOption({ label: 'Uptime Kuma (ready-made)' });
    await card.getByText('Uptime Kuma documentation').waitFor();
    await startFrom.selectOption({ label: 'Blank mapping (write your own)' });
    await card.getByRole('button', { name: 'Add integration' }).click();
    await card.getByText('Firebell will not show this key again.', { exact: false }).waitFor();
    const url = (await card.getByLabel('Webhook URL', { exact: true }).textContent()) ?? '';
    expect(url).toMatch(new RegExp(`^${fb.origin}/hooks/`));

    await post(url, down('connect ECONNREFUSED 10.0.0.7:443'));
    await post(url, down('timeout of 48000ms exceeded'));

    // The blank mapping already reads the monitor's own title field.
    await card.getByRole('button', { name: 'Edit mapping' }).click();
    const editor = card.getByRole('form', { name: /^Mapping for / });
    const preview = editor.getByRole('region', { name: 'Preview' });
    await preview.getByText('[Shop] [🔴 Down] connect ECONNREFUSED 10.0.0.7:443').waitFor();
    await preview.getByText('On the last 2 received payloads.').waitFor();

    const summary = editor.getByLabel('Summary', { exact: true });
    await summary.fill('{{ monitor.name }} is down: {{ heartbeat.msg }}');
    await preview.getByText('Shop is down: connect ECONNREFUSED 10.0.0.7:443').waitFor();
    await preview.getByText('Shop is down: timeout of 48000ms exceeded').waitFor();
    expect(await preview.getByText('[Shop] [🔴 Down]', { exact: false }).count()).toBe(0);
    await preview.evaluate((el) => el.scrollIntoView({ block: 'end' }));
    await screenshotFor(page, 'mapping-editor');

    // A field no payload has: every alert falls back, so saving asks first.
    await summary.fill('{{ check.name }} failed');
    await preview.getByText('This mapping fails on every recent payload.').waitFor();
    await editor.getByRole('button', { name: 'Save mapping' }).click();
    const ask = editor.getByRole('alertdialog');
    await ask.getByText('This mapping fails on all 2 recent payloads — save anyway?').waitFor();
    await ask.getByRole('button', { name: 'Save anyway' }).click();
    await editor.getByText('Saved anyway', { exact: false }).waitFor();

    await summary.fill('{{ monitor.name }} is down: {{ heartbeat.msg }}');
    await preview.getByText('Shop is down: timeout of 48000ms exceeded').waitFor();
    await editor.getByRole('button', { name: 'Save mapping' }).click();
    await editor.getByText('Mapping saved', { exact: false }).waitFor();
    expect(await editor.getByRole('alertdialog').count()).toBe(0);

    await post(url, down('certificate has expired'));
    const incident = await incidentTitled(fb, 'Shop is down: certificate has expired');
    expect(incident.severity).toBe('error');
    await context.close();
  });
});
