import { fireEvent, render, screen } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { JoinPage } from '../../pwa/src/pages/join';
import { json, problem, stubFetch } from './fakes';

const user = { id: 'u_ann', name: 'Ann', role: 'responder' };

beforeEach(() => history.replaceState(null, '', '/join/tok123'));

describe('the join page', () => {
  it('signs in with the typed name, hands over the user, and replaces the invite URL with home', async () => {
    const calls = stubFetch({ 'POST /api/auth/accept': () => json({ user }) });
    const onSignedIn = vi.fn();
    render(<JoinPage token="tok123" onSignedIn={onSignedIn} />);

    fireEvent.input(screen.getByLabelText('Your name'), { target: { value: '  Ann ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Join' }));

    await vi.waitFor(() => expect(onSignedIn).toHaveBeenCalledWith(user));
    expect(calls[0]!.body).toEqual({ token: 'tok123', name: 'Ann' });
    expect(calls[0]!.headers.get('idempotency-key')).toBeTruthy();
    expect(location.pathname).toBe('/');
    expect(history.length).toBe(1);
  });

  it('leaves the name out when it is blank, for an invite to an existing user', async () => {
    const calls = stubFetch({ 'POST /api/auth/accept': () => json({ user }) });
    const onSignedIn = vi.fn();
    render(<JoinPage token="tok123" onSignedIn={onSignedIn} />);

    fireEvent.click(screen.getByRole('button', { name: 'Join' }));

    await vi.waitFor(() => expect(onSignedIn).toHaveBeenCalled());
    expect(calls[0]!.body).toEqual({ token: 'tok123' });
  });

  it('shows why the invite was refused and stays on the page', async () => {
    stubFetch({
      'POST /api/auth/accept': () =>
        problem(400, 'This invite has expired: ask an admin for a new one.', 'bad-request'),
    });
    const onSignedIn = vi.fn();
    render(<JoinPage token="tok123" onSignedIn={onSignedIn} />);

    fireEvent.click(screen.getByRole('button', { name: 'Join' }));

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'This invite has expired: ask an admin for a new one.',
    );
    expect(onSignedIn).not.toHaveBeenCalled();
    expect(location.pathname).toBe('/join/tok123');
    expect(screen.getByRole('button', { name: 'Join' })).toBeEnabled();
  });
});
