import { describe, expect, it } from 'vitest';
import {
  firebellInChromium,
  fireWebhook,
  incidentTitled,
  incidentView,
  screenshotFor,
  serviceFor,
  signInThroughInvite,
} from './browser';

const stand = firebellInChromium();

describe('the home screen on a phone', () => {
  it('signs in from an invite link, stays signed in, and shows a webhook’s new incident without a reload', async () => {
    const { fb, browser } = stand;
    // The app cannot be framed (an Acknowledge button must not be clickjackable): pwa/public/_headers.
    const shell = await fetch(`${fb.origin}/incidents/inc_x`);
    expect(shell.headers.get('x-frame-options')).toBe('DENY');
    expect(shell.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    const ana = await signInThroughInvite(fb, browser, 'Ana');
    const { page } = ana;
    await page
      .getByRole('region', { name: 'Needs me' })
      .getByText('Nothing is waiting on you.')
      .waitFor();
    // This headless browser has no push service, so the home screen says so and offers the one-tap fix.
    await page.getByRole('button', { name: 'Turn on notifications' }).waitFor();

    // Stays signed in on this device: a fresh load goes straight to the incidents.
    await page.reload();
    await page.getByRole('heading', { name: 'Needs me' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    await page.evaluate(
      () => ((window as unknown as { sameDocument: boolean }).sameDocument = true),
    );

    // Ana is level 1 of the service's policy: paged, so the incident needs her at once, with nobody assigning it.
    const webhook = await serviceFor(fb, ana.user.id);
    const acceptedAt = await fireWebhook(webhook, 'Checkout error rate above 5%', 'checkout-5xx');
    await page
      .getByRole('region', { name: 'Needs me' })
      .getByRole('link', { name: /Checkout error rate above 5%/ })
      .waitFor({ timeout: 5_000 });
    console.log(
      `webhook accepted → incident under "Needs me" on the home screen: ${Date.now() - acceptedAt} ms`,
    );
    expect(
      await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument),
    ).toBe(true);
    const incident = await incidentTitled(fb, 'Checkout error rate above 5%');
    expect((await incidentView(fb, incident.id)).incident.paged).toEqual([ana.user.id]);

    // Status changes move it: acknowledged by someone else, it no longer waits on her…
    expect((await fb.api(`/api/incidents/${incident.id}/acknowledge`, { body: {} })).status).toBe(
      200,
    );
    await page
      .getByRole('region', { name: 'All open' })
      .getByRole('link', { name: /Checkout error rate above 5%/ })
      .waitFor({ timeout: 5_000 });
    // …reopened and assigned to her, it does again.
    expect((await fb.api(`/api/incidents/${incident.id}/resolve`, { body: {} })).status).toBe(200);
    expect((await fb.api(`/api/incidents/${incident.id}/reopen`, { body: {} })).status).toBe(200);
    expect(
      (
        await fb.api(`/api/incidents/${incident.id}/reassign`, {
          body: { assignees: [ana.user.id] },
        })
      ).status,
    ).toBe(200);
    await page
      .getByRole('region', { name: 'Needs me' })
      .getByRole('link', { name: /Checkout error rate above 5%/ })
      .waitFor({ timeout: 5_000 });

    // A fuller screen for the README: a second service, other severities, one acknowledged.
    const payments = await serviceFor(fb, ana.user.id, { name: 'payments' });
    await fireWebhook(payments, 'Card authorisations failing for Visa', 'payments-visa', 'error');
    await fireWebhook(
      payments,
      'Settlement batch 40 minutes late',
      'payments-settlement',
      'warning',
    );
    const late = await incidentTitled(fb, 'Settlement batch 40 minutes late');
    expect((await fb.api(`/api/incidents/${late.id}/acknowledge`, { body: {} })).status).toBe(200);
    const open = page.getByRole('region', { name: 'All open' });
    await open
      .getByRole('link', { name: /Settlement batch 40 minutes late/ })
      .getByText('Acknowledged')
      .waitFor({ timeout: 5_000 });
    await page
      .getByRole('region', { name: 'Needs me' })
      .getByRole('link', { name: /Card authorisations failing/ })
      .waitFor({ timeout: 5_000 });
    await screenshotFor(page, 'home');

    await ana.context.close();
  });
});
