/**
 * A responder publishes an incident to the status page from the incident page on a phone, in a few taps; a
 * customer with JavaScript disabled sees the update on /status, and the Atom feed carries it. Resolving offers
 * the final public update, which reaches /status too.
 */
import { describe, expect, it } from 'vitest';
import { firebellInChromium, screenshotFor, signInThroughInvite } from './browser';
import { until } from './harness';

const stand = firebellInChromium();

describe('status page from the incident page', () => {
  it('publishes an update from a phone that a reader without JavaScript sees on /status and in the feed', async () => {
    const { fb, browser } = stand;
    const service = await fb.api<{ service: { id: string } }>('/api/services', {
      body: { name: 'payments-internal' },
    });
    const component = await fb.api<{ component: { id: string } }>('/api/status/components', {
      body: { name: 'Card payments', group: 'Shop', serviceIds: [service.body.service.id] },
    });
    expect(component.status).toBe(201);
    const incident = await fb.api<{ incident: { id: string } }>('/api/incidents', {
      body: {
        title: 'PSP timeouts on pay-7',
        severity: 'critical',
        serviceId: service.body.service.id,
      },
    });
    expect(incident.status).toBe(201);
    const id = incident.body.incident.id;

    const { page } = await signInThroughInvite(fb, browser, 'Rosa', 'responder');
    await page.goto(`${fb.origin}/incidents/${id}`);
    await page.getByText('Publish to status page').click();
    const form = page.getByRole('form', { name: 'Status page update' });
    await form.getByLabel('Public title').fill('Card payments are failing');
    await form.getByRole('checkbox', { name: 'Card payments' }).check();
    await form.getByLabel('State of Card payments').selectOption('major_outage');
    // The investigating template names the component; publishing is one more tap.
    await expect
      .poll(() => form.getByLabel('Public update').inputValue())
      .toContain('reports of problems with Card payments');
    await form.getByRole('button', { name: 'Publish' }).click();
    await form.getByText('Published to the status page.').waitFor();

    // A customer's phone with JavaScript off.
    const reader = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
    });
    const status = await reader.newPage();
    const statusText = async () => {
      await status.goto(`${fb.origin}/status`);
      return status.locator('body').innerText();
    };
    const first = await until(
      async () => {
        const text = await statusText();
        return text.includes('Card payments are failing') && text;
      },
      '/status to show the publication',
      10_000,
    );
    expect(first).toContain('We are investigating reports of problems with Card payments');
    expect(first).toMatch(/Card payments\s*Major outage/);
    expect(first).not.toContain('PSP timeouts on pay-7');
    expect(await status.getByRole('heading', { level: 1 }).innerText()).toBe('Firebell status');
    expect(await status.locator('script').count()).toBe(0);
    await screenshotFor(status, 'status-page');

    const atom = await (await fetch(`${fb.origin}/status/feed.atom`)).text();
    expect(atom).toContain('Card payments are failing: Investigating');

    // Resolve: the panel opens with the final update ready.
    await page.getByRole('button', { name: 'Resolve', exact: true }).click();
    const final = form.getByRole('button', { name: 'Post Resolved update' });
    await final.waitFor();
    await final.click();
    await form.getByText('Update posted to the status page.').waitFor();
    const after = await until(
      async () => {
        const text = await statusText();
        return text.includes('This incident is resolved') && text;
      },
      '/status to show the final update',
      10_000,
    );
    expect(after).toMatch(/Card payments\s*Operational/);
    expect(after).toContain('No incidents right now.');
    await reader.close();
  });
});
