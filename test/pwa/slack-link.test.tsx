import { fireEvent, render, screen, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { SlackLinkSection } from '../../pwa/src/components/slack-link';
import { json, stubFetch } from './fakes';

describe('Settings → Slack', () => {
  it('shows the Slack users linked to me, and a one-time /firebell link command to copy', async () => {
    stubFetch({
      'GET /api/slack/links': () =>
        json({
          links: [{ teamId: 'T1', slackUserId: 'U1', slackName: 'mo.slack', linkedAt: Date.now() }],
        }),
      'POST /api/slack/link-code': () =>
        json(
          {
            code: 'K7QF-29XM',
            command: '/firebell link K7QF-29XM',
            expiresAt: Date.now() + 900_000,
          },
          201,
        ),
    });
    render(<SlackLinkSection />);
    const section = await screen.findByRole('region', { name: 'Slack' });
    expect(await within(section).findByText('mo.slack')).toBeTruthy();
    fireEvent.click(within(section).getByRole('button', { name: 'Link Slack' }));
    const field = (await within(section).findByLabelText('Slack command')) as HTMLInputElement;
    expect(field.value).toBe('/firebell link K7QF-29XM');
    expect(within(section).getByText(/within 15 minutes/)).toBeTruthy();
  });
});
