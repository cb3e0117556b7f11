/**
 * An admin plans a database upgrade from the phone: a one-off maintenance window for Billing, saved in Admin.
 * An alert on Billing then opens an incident that shows "In maintenance: DB upgrade" and pages no one, while the
 * same alert on Web (no window) pages as usual; the home screen says Billing is in maintenance. Web's alert is
 * then silenced for 4 h from its incident page, and the silence is listed in Admin with who made it.
 */
import { describe, expect, it } from 'vitest';
import type { TimelineEntry } from '../../schema/incident';
import {
  fireWebhook,
  firebellInChromium,
  incidentTitled,
  incidentView,
  screenshotFor,
  serviceFor,
  signInThroughInvite,
} from './browser';
import { until } from './harness';

const stand = firebellInChromium();
const paged = (timeline: TimelineEntry[]) => timeline.some((e) => e.kind === 'escalated');

describe('maintenance windows from the admin screen', () => {
  it('creates a window in Admin; an alert in it shows the "in maintenance" badge and pages no one', async () => {
    const { fb, browser } = stand;
    const { page, context, user } = await signInThroughInvite(fb, browser, 'Ada', 'admin');
    const billing = await serviceFor(fb, user.id, { name: 'Billing' });
    const web = await serviceFor(fb, user.id, { name: 'Web' });
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Admin' })
      .click();
    await page.getByRole('button', { name: 'Maintenance' }).click();

    const form = page.getByRole('form', { name: 'New maintenance window' });
    await form.getByLabel('Name').fill('DB upgrade');
    await form.getByLabel('Billing').check();
    expect(await form.getByLabel('Repeats').inputValue()).toBe('once');
    await form.getByRole('button', { name: 'Save window' }).click();
    await form.getByText('Window saved', { exact: false }).waitFor();
    const listed = page
      .getByRole('list', { name: 'Maintenance windows' })
      .getByRole('listitem')
      .filter({ hasText: 'DB upgrade' });
    await listed.getByText('In progress until', { exact: false }).waitFor();
    await screenshotFor(page, 'maintenance-admin');

    await fireWebhook(billing, 'Billing DB primary down', 'billing-db');
    await fireWebhook(web, 'Web DB primary down', 'web-db');
    const quiet = await incidentTitled(fb, 'Billing DB primary down');
    const loud = await incidentTitled(fb, 'Web DB primary down');

    await page.goto(`${fb.origin}/incidents/${quiet.id}`);
    await page.getByText('In maintenance: DB upgrade', { exact: true }).waitFor();
    await page.getByRole('heading', { name: 'Silence alerts like this' }).waitFor();

    // Both escalations would start at once; once Web's has paged, Billing's would have too.
    await until(
      async () => paged((await incidentView(fb, loud.id)).timeline),
      'the Web incident to page level 1',
      15_000,
    );
    const held = await incidentView(fb, quiet.id);
    expect(paged(held.timeline)).toBe(false);
    expect(held.incident.paged).toEqual([]);
    expect(held.timeline.map((e) => e.text)).toContainEqual(
      expect.stringMatching(/^In maintenance: DB upgrade until .* no one is paged until then$/),
    );

    await page.goto(`${fb.origin}/`);
    await page.getByText(/^1 service in maintenance until /).waitFor();

    // Silence alerts like Web's for 4 h: the silence is listed in Admin with who made it.
    await page.goto(`${fb.origin}/incidents/${loud.id}`);
    const silence = page.getByRole('region', { name: 'Silence alerts like this' });
    await silence.getByRole('button', { name: '4h', exact: true }).click();
    await silence.getByText('Silenced until', { exact: false }).waitFor();
    await page.goto(`${fb.origin}/admin`);
    await page.getByRole('button', { name: 'Maintenance' }).click();
    const silences = page.getByRole('list', { name: 'Silences' });
    await silences.getByText('summary=Web DB primary down', { exact: false }).waitFor();
    await silences.getByText('By Ada, until', { exact: false }).waitFor();
    await context.close();
  });
});
