import { describe, expect, it } from 'vitest';
import {
  firebellInChromium,
  incidentTitled,
  incidentView,
  screenshotFor,
  serviceFor,
  signInThroughInvite,
} from './browser';

const stand = firebellInChromium();

/** What Prometheus Alertmanager (webhook payload v4) posts for one firing alert. */
function alertmanagerFiring() {
  const labels = {
    alertname: 'CheckoutHighErrorRate',
    service: 'checkout',
    severity: 'critical',
    instance: 'web-1',
    cluster: 'eu-west',
  };
  const annotations = {
    summary: 'Checkout error rate above 5%',
    description: '7.3% of POST /checkout requests failed in the last 5 minutes.',
    runbook_url: 'https://runbooks.example.com/checkout/high-error-rate',
  };
  return {
    receiver: 'firebell',
    status: 'firing',
    alerts: [
      {
        status: 'firing',
        labels,
        annotations,
        startsAt: new Date(Date.now() - 120_000).toISOString(),
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'https://prometheus.example.com/graph?g0.expr=checkout_error_ratio+%3E+0.05',
        fingerprint: '7c1f0a0e5b3d2a11',
      },
    ],
    groupLabels: { alertname: labels.alertname },
    commonLabels: labels,
    commonAnnotations: annotations,
    externalURL: 'https://alertmanager.example.com',
    version: '4',
    groupKey: '{}:{alertname="CheckoutHighErrorRate"}',
    truncatedAlerts: 0,
  };
}

describe('two responders on one incident', () => {
  it('see each other’s note and acknowledgement live, and who else is there', async () => {
    const { fb, browser } = stand;
    const [ana, ben] = await Promise.all([
      signInThroughInvite(fb, browser, 'Ana'),
      signInThroughInvite(fb, browser, 'Ben'),
    ]);
    const hook = await serviceFor(fb, ana.user.id, { type: 'alertmanager' });
    const res = await fetch(hook, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(alertmanagerFiring()),
    });
    expect(res.ok).toBe(true);
    const { id } = await incidentTitled(fb, 'Checkout error rate above 5%');

    for (const { page } of [ana, ben]) {
      await page.goto(`${fb.origin}/incidents/${id}`);
      await page.getByText('Live', { exact: true }).waitFor();
      await page.evaluate(
        () => ((window as unknown as { sameDocument: boolean }).sameDocument = true),
      );
    }
    await ana.page.getByText('Also here: Ben').waitFor({ timeout: 5_000 });
    await ben.page.getByText('Also here: Ana').waitFor({ timeout: 5_000 });

    // The alert itself, with its labels and a link back to the monitor.
    const alerts = ana.page.getByRole('region', { name: 'Alerts' });
    await alerts.getByText('alertname=CheckoutHighErrorRate').waitFor();
    expect(
      await alerts.getByRole('link', { name: /runbooks\.example\.com/ }).getAttribute('href'),
    ).toBe('https://runbooks.example.com/checkout/high-error-rate');

    // Ana writes a note; Ben's timeline gets it.
    await ana.page.getByLabel('Add a note').fill('Rolling back checkout 1.42 → 1.41');
    await ana.page.getByRole('button', { name: 'Add note' }).click();
    await ana.page.getByText('Note added.').waitFor();
    await ben.page
      .getByRole('list', { name: 'Timeline' })
      .getByText('Rolling back checkout 1.42 → 1.41')
      .waitFor({ timeout: 5_000 });
    await ana.page.evaluate(() => window.scrollTo(0, 0));
    await screenshotFor(ana.page, 'incident');

    // Ben acknowledges; Ana's page turns to Acknowledged.
    await ben.page.getByRole('button', { name: 'Acknowledge', exact: true }).click();
    await ben.page.getByText('Acknowledged. Escalation stopped.').waitFor();
    await ana.page
      .getByText('Acknowledged by Ben', { exact: true })
      .first()
      .waitFor({ timeout: 5_000 });
    await ana.page.getByRole('button', { name: 'Acknowledged', exact: true }).waitFor();

    for (const { page } of [ana, ben]) {
      expect(
        await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument),
      ).toBe(true);
    }
    const { timeline } = await incidentView(fb, id);
    expect(timeline.filter((e) => e.kind === 'acknowledged').map((e) => e.text)).toEqual([
      'Acknowledged by Ben',
    ]);
    expect(timeline.filter((e) => e.kind === 'note')).toHaveLength(1);

    await Promise.all([ana.context.close(), ben.context.close()]);
  });
});
