/**
 * A new team sets up on-call from the admin's phone: the admin joins with the sign-in link `npm start`
 * prints and their own name, creates a schedule, a policy and a service from the Admin screen, and
 * nobody is left uncovered; moving the first handover to tomorrow shows the gap on the schedule and
 * on the home screen, deleting a policy in use says which service uses it, and the admin renames themselves.
 */
import { describe, expect, it } from 'vitest';
import { firebellInChromium, phoneContext, screenshotFor } from './browser';

const stand = firebellInChromium();

describe('setting up on-call from the admin screen', () => {
  it('creates a schedule covering someone from now, warns of a gap once the handover moves to tomorrow, and names what keeps a policy', async () => {
    const { fb, browser } = stand;
    const context = await phoneContext(browser, fb.origin);
    const page = await context.newPage();

    // The admin's sign-in link, as `npm start` prints it: the name typed here is theirs from now on.
    await page.goto(fb.signInLink);
    await page.getByLabel('Your name').fill('Grace');
    await page.getByRole('button', { name: 'Join' }).click();
    await page.waitForURL(`${fb.origin}/`);
    const tabs = page.getByRole('navigation', { name: 'Main' });

    await tabs.getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('button', { name: 'Schedules' }).click();
    const newSchedule = page.getByRole('form', { name: 'New schedule' });
    await newSchedule.getByLabel('Name').fill('Web primary');
    await newSchedule.getByLabel('Add a person').selectOption({ label: 'Grace' });
    expect(
      await newSchedule.getByText('Nobody will be on call until', { exact: false }).count(),
    ).toBe(0);
    await newSchedule.getByRole('button', { name: 'Create schedule' }).click();
    await newSchedule.getByText('Schedule “Web primary” created.', { exact: false }).waitFor();
    const card = page
      .getByRole('listitem')
      .filter({ has: page.getByText('Web primary', { exact: true }) });
    await card.getByRole('button', { name: 'Change' }).waitFor();
    expect(await card.getByRole('note', { name: 'Coverage gaps in Web primary' }).count()).toBe(0);

    await page.getByRole('button', { name: 'Policies' }).click();
    const newPolicy = page.getByRole('form', { name: 'New escalation policy' });
    await newPolicy.getByLabel('Name').fill('Web on-call');
    await newPolicy.getByRole('checkbox', { name: 'Web primary (schedule)' }).check();
    expect(await newPolicy.getByLabel(/Minutes before/).count()).toBe(0);
    await newPolicy.getByRole('button', { name: 'Create policy' }).click();
    await newPolicy.getByText('Policy “Web on-call” created.', { exact: false }).waitFor();

    await page.getByRole('button', { name: 'Services' }).click();
    const newService = page.locator('form').filter({ has: page.getByLabel('New service name') });
    await newService.getByLabel('New service name').fill('web');
    await newService.getByRole('combobox').selectOption({ label: 'Web on-call' });
    await newService.getByRole('button', { name: 'Create service' }).click();
    await page.getByText('Service “web” created.', { exact: false }).waitFor();
    expect(await newService.getByRole('combobox').inputValue()).toBe('');

    await tabs.getByRole('link', { name: 'Home' }).click();
    const onCall = page.locator('.oncall-now summary');
    await onCall.getByText('Grace', { exact: false }).waitFor();
    expect(await onCall.textContent()).not.toContain('reaches nobody');

    // The first handover moved to tomorrow: the schedule, the policy and the home screen all say nobody is on call.
    await tabs.getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('button', { name: 'Schedules' }).click();
    await card.getByRole('button', { name: 'Change' }).click();
    const edit = card.getByRole('form', { name: 'Change Web primary' });
    const tomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    await edit.getByLabel(/First handover/).fill(`${tomorrow}T09:00`);
    await edit
      .getByText(`Nobody will be on call until ${tomorrow} 09:00`, { exact: false })
      .waitFor();
    // Forms stay within the phone's width: nothing scrolls sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(390);
    await edit.getByRole('button', { name: 'Save schedule' }).click();
    await card
      .getByText('Schedule “Web primary” saved. Nobody is on call until', { exact: false })
      .waitFor();
    expect(
      await card.getByRole('note', { name: 'Coverage gaps in Web primary' }).textContent(),
    ).toMatch(/^Nobody on callnow → /);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshotFor(page, 'admin');

    await page.getByRole('button', { name: 'Policies' }).click();
    const policy = page
      .getByRole('listitem')
      .filter({ has: page.getByText('Web on-call', { exact: true }) });
    await policy.getByText('nobody on call now, until', { exact: false }).waitFor();
    await policy.getByRole('button', { name: 'Delete' }).click();
    await policy.getByRole('button', { name: 'Tap again to delete' }).click();
    expect(await policy.getByRole('alert').textContent()).toMatch(
      /pages for “web” \(svc_\w+\); point it at another policy first\./,
    );

    await tabs.getByRole('link', { name: 'Home' }).click();
    await page.locator('.oncall-now summary').getByText('1 service reaches nobody').waitFor();

    await tabs.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Change name' }).click();
    await page.getByLabel('Your name').fill('Grace Hopper');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Your teammates now see you as Grace Hopper.').waitFor();
    expect((await fb.api<{ user: { name: string } }>('/api/me')).body.user.name).toBe(
      'Grace Hopper',
    );

    await context.close();
  });
});
