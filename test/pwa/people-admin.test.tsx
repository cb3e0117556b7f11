import { fireEvent, render, screen, within } from '@testing-library/preact';
import { describe, expect, it, vi } from 'vitest';
import { PeopleAdmin } from '../../pwa/src/components/admin/people';
import type { PersonDetail } from '../../pwa/src/lib/people-api';
import { json, stubFetch } from './fakes';

const T = Date.now() - 3 * 86_400_000;
const people = [
  { id: 'usr_admin', name: 'Admin', role: 'admin' as const, disabled: false },
  { id: 'u_me', name: 'Mia', role: 'admin' as const, disabled: false },
  { id: 'u_ann', name: 'Ann', role: 'responder' as const, disabled: false },
];

function ann(overrides: Partial<PersonDetail['user']> = {}): PersonDetail {
  return {
    user: { ...people[2]!, ...overrides },
    sessions: [
      {
        id: 'sid_phone',
        createdAt: T,
        expiresAt: T + 90 * 86_400_000,
        userAgent:
          'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36',
      },
      {
        id: 'sid_mac',
        createdAt: T,
        expiresAt: T + 90 * 86_400_000,
        userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Safari/605.1.15',
      },
    ],
    tokens: [
      { id: 'tok_1', name: 'deploy script', createdAt: T, lastUsedAt: null, revokedAt: null },
    ],
    calendarFeeds: [
      {
        id: 'cal_1',
        kind: 'user',
        refId: 'u_ann',
        refName: 'Ann',
        createdBy: 'u_ann',
        createdAt: T,
      },
    ],
    stillNamedBy: { schedules: [{ id: 'sch_1', name: 'Primary' }], policies: [] },
  };
}

function peopleApi() {
  let detail = ann();
  return stubFetch({
    'GET /api/auth/session': () => json({ user: { id: 'u_me', name: 'Mia', role: 'admin' } }),
    'GET /api/users/u_ann': () => json(detail),
    'PATCH /api/users/u_ann': ({ body }) => {
      const change = body as { role?: string; disabled?: boolean };
      detail = ann({
        ...(change.role ? { role: change.role as 'viewer' } : {}),
        ...(change.disabled !== undefined ? { disabled: change.disabled } : {}),
      });
      return json({ user: detail.user, stillNamedBy: detail.stillNamedBy });
    },
    'DELETE /api/users/u_ann/sessions/sid_phone': () => {
      detail = { ...detail, sessions: detail.sessions.filter((s) => s.id !== 'sid_phone') };
      return new Response(null, { status: 204 });
    },
    'DELETE /api/users/u_ann': () =>
      json({ removed: { id: 'u_ann', name: 'Ann' }, stillNamedBy: detail.stillNamedBy }),
  });
}

async function openPerson(name: string) {
  fireEvent.click(await screen.findByText(name, { selector: 'summary strong' }));
  return screen.getByText(name, { selector: 'summary strong' }).closest('li')!;
}

describe('the admin screen: people', () => {
  it('shows where someone is signed in and ends one session by name of its device', async () => {
    const calls = peopleApi();
    render(<PeopleAdmin users={people} />);
    const card = await openPerson('Ann');
    expect(await within(card).findByText(/Android phone · Chrome/)).toBeInTheDocument();
    expect(within(card).getByText(/Mac · Safari/)).toBeInTheDocument();
    expect(within(card).getByText('deploy script')).toBeInTheDocument();
    expect(within(card).getByText(/Shifts of Ann/)).toBeInTheDocument();

    const phone = within(card)
      .getByText(/Android phone · Chrome/)
      .closest('li')!;
    fireEvent.click(within(phone).getByRole('button', { name: 'Sign out' }));
    expect(await within(card).findByText('That session has ended.')).toBeInTheDocument();
    expect(
      calls.some(
        (c) => c.method === 'DELETE' && c.url.pathname === '/api/users/u_ann/sessions/sid_phone',
      ),
    ).toBe(true);
    expect(within(card).queryByText(/Android phone · Chrome/)).toBeNull();
  });

  it('changes a role and disables someone, warning of the rotation that now pages nobody', async () => {
    const calls = peopleApi();
    const onChanged = vi.fn(async () => {});
    render(<PeopleAdmin users={people} onChanged={onChanged} />);
    const card = await openPerson('Ann');
    await within(card).findByText('deploy script');
    fireEvent.change(within(card).getByRole('combobox', { name: 'Role of Ann' }), {
      target: { value: 'viewer' },
    });
    fireEvent.click(within(card).getByRole('button', { name: 'Save role' }));
    expect(await within(card).findByText(/Ann is now a viewer/)).toBeInTheDocument();

    fireEvent.click(within(card).getByRole('button', { name: 'Disable' }));
    expect(
      await within(card).findByText(
        /Ann is disabled: every sign-in refused, open screens closed, never paged/,
      ),
    ).toBeInTheDocument();
    expect(within(card).getAllByText(/Still named on rotation Primary/).length).toBeGreaterThan(0);
    expect(within(card).getByRole('button', { name: 'Re-enable' })).toBeInTheDocument();
    expect(calls.filter((c) => c.method === 'PATCH').map((c) => c.body)).toEqual([
      { role: 'viewer' },
      { disabled: true },
    ]);
    expect(onChanged).toHaveBeenCalledTimes(2);
  });

  it('removes someone only after a second, explicit tap', async () => {
    const calls = peopleApi();
    render(<PeopleAdmin users={people} />);
    const card = await openPerson('Ann');
    await within(card).findByText('deploy script');
    fireEvent.click(within(card).getByRole('button', { name: 'Remove…' }));
    expect(calls.some((c) => c.method === 'DELETE' && c.url.pathname === '/api/users/u_ann')).toBe(
      false,
    );
    fireEvent.click(within(card).getByRole('button', { name: 'Remove Ann for good' }));
    expect(
      await screen.findAllByText(/Ann was removed\. Still named on rotation Primary/),
    ).not.toHaveLength(0);
    expect(calls.some((c) => c.method === 'DELETE' && c.url.pathname === '/api/users/u_ann')).toBe(
      true,
    );
  });

  it('offers no access changes for the ADMIN_TOKEN’s account or for yourself', async () => {
    peopleApi();
    render(<PeopleAdmin users={people} />);
    const admin = await openPerson('Admin');
    expect(within(admin).getByText(/rotate ADMIN_TOKEN/)).toBeInTheDocument();
    expect(within(admin).queryByRole('button', { name: 'Disable' })).toBeNull();
    const me = await openPerson('Mia');
    expect(await within(me).findByText(/This is you/)).toBeInTheDocument();
    expect(within(me).queryByRole('button', { name: 'Remove…' })).toBeNull();
  });
});
