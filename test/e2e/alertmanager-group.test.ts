/**
 * Acceptance: the real Prometheus Alertmanager pages a responder for an alert group that grows and then
 * partly resolves. The person paged finds it under "Needs me" on their phone; the title follows the most
 * severe alert still firing; the screen counts distinct alerts, how many fire and how many notifications
 * came; each alert card says whether it fires, ended, or ended only because a person resolved the incident.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Incident, IncidentAlert } from '../../schema/incident';
import { Alertmanager } from './alertmanager';
import { firebellInChromium, serviceFor, signInThroughInvite, type SignedIn } from './browser';
import { until } from './harness';

const stand = firebellInChromium();
let am: Alertmanager;
let ana: SignedIn;
let incidentId = '';

const LATENCY = {
  alertname: 'CheckoutLatency',
  service: 'checkout',
  severity: 'warning',
  instance: 'web-1',
};
const ERRORS = {
  alertname: 'CheckoutErrors',
  service: 'checkout',
  severity: 'critical',
  instance: 'web-1',
};
const args = (labels: Record<string, string>) =>
  Object.entries(labels).map(([k, v]) => `${k}=${v}`);
// Back-dated past group_wait, so Alertmanager notifies at once.
const startsAt = new Date(Date.now() - 60_000).toISOString();

interface View {
  incident: Incident;
  alerts: IncidentAlert[];
}
const view = async () => (await stand.fb.api<View>(`/api/incidents/${incidentId}`)).body;
const diagnose = <T>(p: Promise<T>) =>
  p.catch((err: Error) =>
    Promise.reject(
      new Error(`${err.message}\n--- Alertmanager log (tail):\n${am?.output.slice(-3000)}`),
    ),
  );

beforeAll(async () => {
  const { fb, browser } = stand;
  ana = await signInThroughInvite(fb, browser, 'Ana');
  const hook = await serviceFor(fb, ana.user.id, { name: 'checkout', type: 'alertmanager' });
  am = await Alertmanager.start({
    route: {
      receiver: 'firebell',
      group_by: ['service'],
      group_wait: '1s',
      group_interval: '1s',
      repeat_interval: '1h',
    },
    receivers: [{ name: 'firebell', webhook_configs: [{ url: hook, send_resolved: true }] }],
  });
});

afterAll(async () => {
  await am?.stop();
  await ana?.context.close();
});

describe('an Alertmanager group that grows and partly resolves', () => {
  it('titles the incident after the most severe alert firing and counts 2 alerts, 1 firing, once one has resolved', async () => {
    const { fb } = stand;
    await am.amtool(
      'alert',
      'add',
      ...args(LATENCY),
      '--annotation=summary=Checkout p99 latency above 1s',
      `--start=${startsAt}`,
    );
    const opened = await diagnose(
      until(
        async () =>
          (await fb.api<{ incidents: Incident[] }>('/api/incidents?limit=20')).body.incidents.find(
            (i) => i.title === 'Checkout p99 latency above 1s',
          ),
        'the incident for the first alert',
        15_000,
      ),
    );
    incidentId = opened.id;

    await am.amtool(
      'alert',
      'add',
      ...args(ERRORS),
      '--annotation=summary=Checkout 5xx above 5%',
      '--annotation=description=POST /checkout answers 502 for one request in twelve; started with the 03:10 deploy of checkout 1.42.',
      '--annotation=runbook_url=https://runbooks.example.com/checkout/5xx',
      `--start=${startsAt}`,
    );
    const grown = await diagnose(
      until(
        async () => ((await view()).alerts.length === 2 ? view() : undefined),
        'the second alert to join the incident',
        15_000,
      ),
    );
    expect(grown.incident).toMatchObject({
      title: 'Checkout 5xx above 5%',
      severity: 'critical',
      alertCount: 2,
      firingCount: 2,
    });

    // The warning ends: Alertmanager sends the group with it resolved and the critical one still firing.
    await am.amtool(
      'alert',
      'add',
      ...args(LATENCY),
      '--annotation=summary=Checkout p99 latency above 1s',
      `--start=${startsAt}`,
      `--end=${new Date(Date.now() - 1_000).toISOString()}`,
    );
    const partly = await diagnose(
      until(
        async () => ((await view()).incident.firingCount === 1 ? view() : undefined),
        'the warning to resolve',
        20_000,
      ),
    );
    expect(partly.incident).toMatchObject({
      status: 'triggered',
      title: 'Checkout 5xx above 5%',
      alertCount: 2,
      firingCount: 1,
      paged: [ana.user.id],
    });
    expect(partly.incident.notificationCount).toBeGreaterThanOrEqual(2);
    expect(partly.alerts.map((a) => [a.labels?.alertname, a.status])).toEqual([
      ['CheckoutLatency', 'resolved'],
      ['CheckoutErrors', 'firing'],
    ]);
  });

  it('shows the person paged the incident under "Needs me", with the counts, each alert’s state and its details', async () => {
    const { fb } = stand;
    const { page } = ana;
    await page.goto(`${fb.origin}/`);
    await page
      .getByRole('region', { name: 'Needs me' })
      .getByRole('link', { name: /Checkout 5xx above 5%/ })
      .click();
    await page.waitForURL(`${fb.origin}/incidents/${incidentId}`);

    const header = page.locator('.incident-header');
    await header.getByRole('heading', { name: 'Checkout 5xx above 5%' }).waitFor();
    await header.getByText('2 alerts', { exact: true }).waitFor();
    await header.getByText('1 firing', { exact: true }).waitFor();
    await page.getByText('You were paged for this incident', { exact: false }).waitFor();
    await header.getByText('Paging Ana', { exact: true }).waitFor();

    const cards = page.getByRole('region', { name: 'Alerts' }).locator('li.alert');
    const firing = cards.filter({ hasText: 'Checkout 5xx above 5%' });
    await firing.getByText('Firing', { exact: true }).waitFor();
    await cards
      .filter({ hasText: 'Checkout p99 latency above 1s' })
      .getByText('Resolved', { exact: true })
      .waitFor();
    await firing
      .getByText('started with the 03:10 deploy of checkout 1.42', { exact: false })
      .waitFor();
    await firing.getByText(/^Details · \d+ fields$/).click();
    await firing.locator('dt', { hasText: /^receiver$/ }).waitFor();
    // Nothing on the card is wider than the phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      390,
    );

    // Ana resolves it by hand: the alert still firing ends with it, and nobody acknowledged.
    await page.getByRole('button', { name: 'Resolve', exact: true }).click();
    await page.getByText('Resolved.', { exact: true }).waitFor();
    await firing
      .getByText('Resolved with the incident', { exact: true })
      .waitFor({ timeout: 5_000 });
    const { incident } = await view();
    expect(incident).toMatchObject({ status: 'resolved', acknowledgedAt: null, firingCount: 0 });
  });
});
