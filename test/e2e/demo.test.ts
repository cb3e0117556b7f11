import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, phoneContext } from './browser';
import { acknowledgeOnDemoPhone, startDemo, type Started } from './demo-trial';

let browser: Browser;
let demo: Started | undefined;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await demo?.stop();
  await browser?.close();
});

describe('the local trial (npm run demo)', () => {
  it('shows a page arriving on the demo phone within a minute and acknowledges it from its button, with no phone or internet', async () => {
    const startedAt = Date.now();
    const started = await startDemo(process.cwd());
    demo = started.demo;
    const shown = await acknowledgeOnDemoPhone(browser, started.phoneUrl);
    const seconds = (Date.now() - startedAt) / 1000;
    console.log(
      `npm run demo → acknowledged page: ${seconds.toFixed(1)} s (including npm run build)`,
    );
    expect(shown).toEqual({
      title: '#1 Checkout error rate above 5%',
      status: 'Acknowledged by Dana',
    });
    // The demo says so too: the acknowledgement reached Firebell and the incident changed there.
    await demo.waitForOutput(
      /Acknowledged by Dana from the demo phone: incident #1 is acknowledged\./,
      'the demo to report the acknowledgement',
      10_000,
    );
    expect(demo.output).toMatch(
      /Page arrived at the push service \d+ ms after the alert: "#1 Checkout error rate above 5%"/,
    );
    expect(demo.output).not.toMatch(/refused|could not/i);
  });

  it('pages again when "Send another alert" is pressed, as a new incident to acknowledge', async () => {
    if (!demo) throw new Error('the demo did not start');
    const phoneUrl = /Demo phone: open (\S+)/.exec(demo.output)?.[1] ?? '';
    const context = await phoneContext(browser, phoneUrl.replace(/\/$/, ''));
    const page = await context.newPage();
    await page.goto(phoneUrl);
    await page.getByRole('button', { name: 'Send another alert' }).click();
    const card = page.locator('article.card').first();
    await card.getByText('#2 Payment API p99 latency above 2 s').waitFor({ timeout: 15_000 });
    await card.getByRole('button', { name: 'Acknowledge', exact: true }).waitFor();
    expect(await page.locator('article.card').nth(1).getByRole('status').innerText()).toBe(
      'Acknowledged by Dana',
    );
    await context.close();
  });
});
