/**
 * An admin quiets a noisy check from the phone: a rule suppressing alerts whose summary contains "noisy",
 * saved from the service's Admin card, then a noisy alert and a real one: the preview judges both, the noisy
 * one is on the suppressed list with the rule that matched, and only the real one opens an incident.
 */
import { describe, expect, it } from 'vitest';
import type { Incident } from '../../schema/incident';
import {
  fireWebhook,
  firebellInChromium,
  incidentTitled,
  screenshotFor,
  serviceFor,
  signInThroughInvite,
} from './browser';

const stand = firebellInChromium();

describe('event rules from the admin screen', () => {
  it('saves a rule that suppresses noisy alerts, previews the verdicts, lists the suppressed one and pages for the real one', async () => {
    const { fb, browser } = stand;
    const { page, context, user } = await signInThroughInvite(fb, browser, 'Ada', 'admin');
    const url = await serviceFor(fb, user.id, { name: 'Web' });
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Admin' })
      .click();

    const card = page.getByRole('listitem').filter({ has: page.getByText('Web', { exact: true }) });
    await card.getByText('Web', { exact: true }).click();
    await card.getByText('Event rules', { exact: false }).first().click();
    const editor = card.getByRole('form', { name: 'Rules for Web' });
    await editor.getByText('No rules: every alert pages as usual.').waitFor();
    await editor.getByRole('button', { name: 'Add rule' }).click();
    const rule = editor.getByRole('group', { name: /^Rule 1/ });
    await rule.getByLabel('Rule name').fill('Quiet the noisy check');
    expect(await rule.getByLabel('Field').inputValue()).toBe('summary');
    await rule.getByLabel('Operator').selectOption('contains');
    await rule.getByLabel('Value', { exact: true }).fill('noisy');
    await rule.getByLabel('Action', { exact: true }).selectOption('suppress');
    await editor.getByRole('button', { name: 'Save rules' }).click();
    await editor.getByText('Rules saved (version 1)', { exact: false }).waitFor();
    await card.getByText('Event rules (1)').waitFor();

    await fireWebhook(url, 'noisy ping check flapped', 'ping-1', 'warning');
    await fireWebhook(url, 'Checkout API 5xx above 5%', 'api-5xx', 'critical');
    const incident = await incidentTitled(fb, 'Checkout API 5xx above 5%');
    expect(incident.severity).toBe('critical');

    const preview = editor.getByRole('region', { name: 'Test against the last 20 payloads' });
    await preview.getByRole('button', { name: 'Refresh' }).click();
    await preview.getByText('On the last 2 received payloads.').waitFor();
    const noisy = preview
      .getByRole('listitem')
      .filter({ hasText: 'noisy ping check flapped' })
      .last();
    await noisy.getByText('suppressed', { exact: true }).waitFor();
    await noisy.getByText('Matched: Quiet the noisy check').waitFor();
    const real = preview
      .getByRole('listitem')
      .filter({ hasText: 'Checkout API 5xx above 5%' })
      .last();
    await real.getByText('paged', { exact: true }).waitFor();
    await real.getByText('No rule matched').waitFor();
    await preview.evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await screenshotFor(page, 'rules-editor');

    const suppressed = card.getByRole('region', { name: 'Suppressed alerts' });
    await suppressed.getByRole('button', { name: 'Refresh' }).click();
    const listed = suppressed.getByRole('list', { name: 'Suppressed alerts' });
    await listed.getByText('noisy ping check flapped').waitFor();
    await listed.getByText('by Quiet the noisy check', { exact: false }).waitFor();

    // The noisy alert was judged before the real one on the same router: it opened nothing.
    const all = await fb.api<{ incidents: Incident[] }>('/api/incidents?limit=20');
    expect(all.body.incidents.map((i) => i.title)).toEqual(['Checkout API 5xx above 5%']);
    await context.close();
  });
});
