import { useState } from 'preact/hooks';
import { AppBar } from '../components/app-bar';
import { Notice } from '../components/notice';
import { acceptInvite } from '../lib/api';
import { useAction, useTitle } from '../lib/hooks';
import { navigate } from '../lib/router';
import type { User } from '../lib/types';

interface Props {
  token: string;
  onSignedIn: (user: User) => void;
}

/** /join/:token — accept an invite: pick a display name (optional for existing users), get a session cookie. */
export function JoinPage({ token, onSignedIn }: Props) {
  useTitle('Join');
  const [name, setName] = useState('');
  const { pending, outcome, run } = useAction();

  const submit = (ev: Event) => {
    ev.preventDefault();
    void run('Signing you in…', async () => {
      const { user } = await acceptInvite(token, name.trim() || undefined);
      onSignedIn(user);
      // Replace, so the back button never returns to a spent invite link.
      navigate('/', { replace: true });
      return `Welcome, ${user.name}.`;
    });
  };

  return (
    <>
      <AppBar title="Join Firebell" />
      <main class="page">
        <h1>Join Firebell</h1>
        <p>You have been invited to get paged and help triage incidents.</p>
        <form class="stack" onSubmit={submit}>
          <div class="field">
            <label for="join-name">Your name</label>
            <input
              id="join-name"
              name="name"
              autocomplete="name"
              maxLength={80}
              value={name}
              onInput={(e) => setName(e.currentTarget.value)}
              aria-describedby="name-hint"
            />
            <small id="name-hint" class="muted">
              How teammates see you. Already have an account? Leave it blank to keep your name.
            </small>
          </div>
          <button class="button button-primary" type="submit" disabled={pending !== null}>
            {pending ? 'Joining…' : 'Join'}
          </button>
          <Notice outcome={outcome} pending={pending} />
        </form>
      </main>
    </>
  );
}
