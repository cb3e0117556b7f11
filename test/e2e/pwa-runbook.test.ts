/**
 * A runbook from the Admin screen to two responders: Ada writes a service's runbook on the phone and makes it the
 * default, an alert opens an incident that carries it, and when Ada ticks a step Ben's open page shows it ticked
 * (with who did it) and the timeline line, live, without a reload.
 */
import { describe, expect, it } from 'vitest';
import {
  fireWebhook,
  firebellInChromium,
  incidentTitled,
  incidentView,
  serviceFor,
  signInThroughInvite,
} from './browser';

const stand = firebellInChromium();

describe('a runbook on an incident', () => {
  it('is written in Admin, attached by default, and a step ticked by one responder shows live for another', async () => {
    const { fb, browser } = stand;
    const [ada, ben] = await Promise.all([
      signInThroughInvite(fb, browser, 'Ada', 'admin'),
      signInThroughInvite(fb, browser, 'Ben'),
    ]);
    const url = await serviceFor(fb, ada.user.id, { name: 'Orders DB' });

    const { page } = ada;
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Admin' })
      .click();
    const card = page
      .getByRole('listitem')
      .filter({ has: page.getByText('Orders DB', { exact: true }) });
    await card.getByText('Orders DB', { exact: true }).click();
    await card.getByText('Runbooks', { exact: false }).first().click();
    await card.getByLabel('Runbook name').fill('Database failover');
    await card
      .getByLabel('Notes', { exact: false })
      .fill('Check the [dashboard](https://grafana.example/d/db) <script>alert(1)</script>');
    await card
      .getByLabel('Steps, one a line', { exact: false })
      .fill('Check replication lag\nFail over the primary\nTell support');
    await card.getByRole('button', { name: 'Add runbook' }).click();
    await card.getByText('Runbook “Database failover” saved.').waitFor();
    await card.getByLabel('Default runbook for new incidents').selectOption({
      label: 'Database failover',
    });
    await card.getByText('Default runbook set.').waitFor();

    await fireWebhook(url, 'Orders primary is down', 'orders-primary', 'critical');
    const { id } = await incidentTitled(fb, 'Orders primary is down');

    for (const { page: p } of [ada, ben]) {
      await p.goto(`${fb.origin}/incidents/${id}`);
      await p.getByText('Live', { exact: true }).waitFor();
      await p.getByRole('heading', { name: /Runbook: Database failover/ }).waitFor();
    }
    const notes = ben.page.locator('.runbook-notes');
    expect(await notes.getByRole('link', { name: 'dashboard' }).getAttribute('href')).toBe(
      'https://grafana.example/d/db',
    );
    expect(await notes.locator('script').count()).toBe(0);

    const step = (p: typeof page) => p.getByRole('checkbox', { name: 'Fail over the primary' });
    expect(await step(ben.page).isChecked()).toBe(false);
    await step(ada.page).check();
    await ben.page
      .getByRole('list', { name: 'Timeline' })
      .getByText('Ada completed step 2: Fail over the primary')
      .waitFor({ timeout: 5_000 });
    await ben.page.getByRole('heading', { name: /1 of 3 done/ }).waitFor({ timeout: 5_000 });
    expect(await step(ben.page).isChecked()).toBe(true);

    const { timeline } = await incidentView(fb, id);
    expect(timeline.filter((e) => e.kind === 'runbook_step').map((e) => e.text)).toEqual([
      'Ada completed step 2: Fail over the primary',
    ]);
    await Promise.all([ada.context.close(), ben.context.close()]);
  });
});
