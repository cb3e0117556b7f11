/**
 * After the incident: a responder opens the Reports screen and the review of a resolved incident on the
 * phone. Incidents are opened by webhooks and acknowledged/resolved through the API first; the screens
 * must show what the API computes, and the review must save an edit.
 */
import { describe, expect, it } from 'vitest';
import type { Review } from '../../schema/review';
import {
  firebellInChromium,
  fireWebhook,
  incidentTitled,
  screenshotFor,
  serviceFor,
  signInThroughInvite,
} from './browser';

const stand = firebellInChromium();

interface ReportBody {
  incidents: { total: number; bySeverity: Record<string, number> };
  mtta: { count: number; medianMs: number | null };
  mttr: { count: number };
  pagesPerResponder: { name: string; pages: number; outOfHours: number }[];
}

async function command(id: string, name: 'acknowledge' | 'resolve'): Promise<void> {
  const res = await stand.fb.api(`/api/incidents/${id}/${name}`, { body: {} });
  if (res.status !== 200)
    throw new Error(`${name} ${id}: ${res.status} ${JSON.stringify(res.body)}`);
}

describe('reports and the post-incident review on a phone', () => {
  it('charts the incidents of the last 30 days, then starts, shows and saves the review of a resolved critical incident', async () => {
    const { fb, browser } = stand;
    const ana = await signInThroughInvite(fb, browser, 'Ana');
    const { page } = ana;
    const checkout = await serviceFor(fb, ana.user.id, { name: 'checkout' });
    const payments = await serviceFor(fb, ana.user.id, { name: 'payments' });
    await fireWebhook(checkout, 'Checkout 5xx above 5%', 'checkout-5xx', 'critical');
    await fireWebhook(checkout, 'Checkout p99 above 2s', 'checkout-p99', 'warning');
    await fireWebhook(payments, 'Card declines rising', 'payments-declines', 'error');
    const critical = await incidentTitled(fb, 'Checkout 5xx above 5%');
    const warning = await incidentTitled(fb, 'Checkout p99 above 2s');
    await command(critical.id, 'acknowledge');
    await command(warning.id, 'acknowledge');
    await command(critical.id, 'resolve');

    // Reports, from the tab bar.
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Reports' })
      .click();
    const weeks = page.getByRole('region', { name: 'Incidents by week' });
    await weeks.waitFor();
    const csvHref = (await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href'))!;
    const query = csvHref.slice(csvHref.indexOf('?'));
    const report = (await fb.api<ReportBody>(`/api/reports${query}`)).body;
    expect(report.incidents.total).toBe(3);

    const figure = (name: string) =>
      page
        .locator('dt', { hasText: new RegExp(`^${name.replace(/[()]/g, '\\$&')}$`) })
        .locator('xpath=following-sibling::dd[1]');
    expect(await figure('Incidents').textContent()).toBe('3');
    expect(await figure('MTTA (median)').textContent()).not.toBe('—');
    await weeks.getByText('Show as a table').click();
    // Weeks are stacked by severity: the last cell of each row is that week's total.
    const totals = await weeks.locator('tbody tr td:last-child').allTextContents();
    expect(totals.map(Number).reduce((a, b) => a + b, 0)).toBe(3);
    const criticalPerWeek = await weeks.locator('tbody tr td:nth-of-type(1)').allTextContents();
    expect(criticalPerWeek.map(Number).reduce((a, b) => a + b, 0)).toBe(1);
    expect(await weeks.getByRole('img').getAttribute('aria-label')).toMatch(
      /^Incidents per week: Week of /,
    );

    const severity = page.getByRole('region', { name: 'By severity' });
    for (const [label, count] of [
      ['Critical', 1],
      ['Error', 1],
      ['Warning', 1],
      ['Info', 0],
    ] as const) {
      expect(await severity.getByRole('listitem').filter({ hasText: label }).textContent()).toBe(
        `${label}${count}`,
      );
    }
    const mtta = page.getByRole('region', { name: 'Time to acknowledge' });
    expect(await mtta.getByText(`${report.mtta.count} acknowledged incidents`).count()).toBe(1);
    expect(await mtta.locator('svg.bar').count()).toBe(3);
    const pages = page.getByRole('region', { name: 'Pages per responder' });
    for (const r of report.pagesPerResponder)
      await pages
        .getByText(new RegExp(`^${r.pages} pages? · ${r.outOfHours} out of hours`))
        .waitFor();
    const services = page.getByRole('region', { name: 'Noisiest services' });
    await services
      .getByRole('listitem')
      .filter({ hasText: 'checkout' })
      .getByText('2 incidents', { exact: false })
      .waitFor();

    // The CSV behind the charts: same range, one line per incident.
    const csv = await page.evaluate(async (href) => {
      const res = await fetch(href);
      return { type: res.headers.get('content-type'), text: await res.text() };
    }, csvHref);
    expect(csv.type).toMatch(/^text\/csv/);
    expect(csv.text.trim().split('\n')).toHaveLength(1 + 3);
    await weeks.getByText('Show as a table').click(); // folded again, for the picture
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshotFor(page, 'reports');

    // The resolved critical incident, from the home screen's Resolved filter.
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Home' })
      .click();
    await page.getByRole('button', { name: 'Resolved' }).click();
    await page
      .getByRole('region', { name: 'Resolved' })
      .getByRole('link', { name: /Checkout 5xx above 5%/ })
      .click();
    const prompt = page.getByRole('complementary', { name: 'Post-incident review' });
    await prompt.getByText('A review is suggested', { exact: false }).waitFor();
    await prompt.getByRole('link', { name: 'Start the review' }).click();
    await page.waitForURL(`${fb.origin}/incidents/${critical.id}/review`);
    await page.getByRole('button', { name: 'Start the review' }).click();
    await page.getByRole('heading', { name: 'Checkout 5xx above 5%' }).waitFor();

    // What the page shows is what the review's facts say.
    const started = (await fb.api<Review>(`/api/incidents/${critical.id}/review`)).body;
    expect(started.version).toBe(1);
    expect(await figure('Time to acknowledge').textContent()).toBe(
      started.facts.timeToAcknowledge!.text,
    );
    expect(await figure('Time to resolve').textContent()).toBe(started.facts.timeToResolve!.text);
    const moments = await page
      .getByRole('list', { name: 'Key moments' })
      .getByRole('listitem')
      .allTextContents();
    expect(moments).toHaveLength(started.facts.keyMoments.length);
    expect(started.facts.keyMoments.map((m) => m.kind)).toEqual(
      expect.arrayContaining(['triggered', 'acknowledged', 'resolved']),
    );
    for (const [i, m] of started.facts.keyMoments.entries()) expect(moments[i]).toContain(m.text);
    const people = page.getByRole('region', { name: 'Who took part' });
    for (const p of started.facts.participants)
      await people.getByText(p.name, { exact: true }).waitFor();

    // An edit: summary, root cause, one action item for Ana, status in review.
    await page
      .getByLabel('Summary', { exact: true })
      .fill('Checkout returned 5xx for a few seconds after a bad deploy.');
    await page
      .getByLabel('Root cause', { exact: true })
      .fill('Checkout 1.42 shipped with a missing database index.');
    await page.getByRole('button', { name: 'Add action item' }).click();
    await page
      .getByLabel('Action item 1', { exact: true })
      .fill('Add an index check to the deploy pipeline');
    await page.getByRole('combobox', { name: 'Owner' }).selectOption({ label: 'Ana' });
    await page
      .getByRole('group', { name: 'Review status' })
      .getByRole('button', { name: 'In review' })
      .click();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved.', { exact: true }).waitFor();
    await page.getByText(/^Version 2 · last edited by Ana/).waitFor();

    const saved = (await fb.api<Review>(`/api/incidents/${critical.id}/review`)).body;
    expect(saved.version).toBe(2);
    expect(saved.status).toBe('in_review');
    expect(saved.sections.summary).toBe(
      'Checkout returned 5xx for a few seconds after a bad deploy.',
    );
    expect(saved.actionItems.map((a) => [a.title, a.ownerName])).toEqual([
      ['Add an index check to the deploy pipeline', 'Ana'],
    ]);
    expect(saved.edits.at(-1)?.by.name).toBe('Ana');

    // The Markdown export the page links to carries the edit.
    const mdHref = (await page.getByRole('link', { name: 'Markdown' }).getAttribute('href'))!;
    const md = await page.evaluate(async (href) => (await fetch(href)).text(), mdHref);
    expect(md).toContain('Checkout 1.42 shipped with a missing database index.');
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshotFor(page, 'review');

    await ana.context.close();
  });
});
