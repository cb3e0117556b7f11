import { fireEvent, render, screen } from '@testing-library/preact';
import { describe, expect, it, vi } from 'vitest';
import { SettingsPage } from '../../pwa/src/pages/settings';
import { json, me, problem, stubFetch } from './fakes';

/** What the rest of the Settings page reads as it opens: no email yet, the default rules, no Slack link. */
const settingsReads = {
  'GET /api/contact-methods': () => json({ methods: [] }),
  'GET /api/notification-rules': () =>
    json({
      rules: {
        high: [
          { afterMinutes: 0, channel: 'push' },
          { afterMinutes: 3, channel: 'email' },
        ],
        low: [
          { afterMinutes: 0, channel: 'push' },
          { afterMinutes: 3, channel: 'email' },
        ],
        workingHours: null,
      },
    }),
  'GET /api/slack/links': () => json({ links: [] }),
};

describe('my name in Settings', () => {
  it('renames me, and the app learns the new name', async () => {
    const calls = stubFetch({
      'GET /api/push/subscriptions': () => json({ subscriptions: [] }),
      'GET /api/tokens': () => json({ tokens: [] }),
      ...settingsReads,
      'PATCH /api/me': ({ body }) =>
        json({ user: { ...me, name: (body as { name: string }).name } }),
    });
    const onRenamed = vi.fn();
    render(<SettingsPage me={me} onSignedOut={() => {}} onRenamed={onRenamed} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Change name' }));
    fireEvent.input(screen.getByLabelText('Your name'), { target: { value: '  Morgan ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));

    expect(await screen.findByText('Your teammates now see you as Morgan.')).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'PATCH')!.body).toEqual({ name: 'Morgan' });
    expect(onRenamed).toHaveBeenCalledWith({ ...me, name: 'Morgan' });
  });

  it('keeps the form and says why when the name is refused', async () => {
    stubFetch({
      'GET /api/push/subscriptions': () => json({ subscriptions: [] }),
      'GET /api/tokens': () => json({ tokens: [] }),
      ...settingsReads,
      'PATCH /api/me': () =>
        problem(400, 'name: Too big: expected string to have <=80 characters', 'validation'),
    });
    render(<SettingsPage me={me} onSignedOut={() => {}} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Change name' }));
    fireEvent.input(screen.getByLabelText('Your name'), { target: { value: 'x' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('name: Too big');
    expect(screen.getByLabelText('Your name')).toHaveValue('x');
  });
});
