import { AppBar } from '../components/app-bar';
import { Notice } from '../components/notice';
import { logout } from '../lib/api';
import { useAction, useTitle } from '../lib/hooks';
import { navigate } from '../lib/router';
import { checkForUpdate, clearApiCache } from '../lib/sw-bridge';
import type { User } from '../lib/types';

interface Props {
  me: User;
  onSignedOut: () => void;
}

/** /settings — who you are, sign out, check for an update. Notification settings plug in here next. */
export function SettingsPage({ me, onSignedOut }: Props) {
  useTitle('Settings');
  const { pending, outcome, run } = useAction();

  const signOut = () =>
    run('Signing out…', async () => {
      await logout();
      await clearApiCache();
      onSignedOut();
      navigate('/', { replace: true });
      return 'Signed out.';
    });

  const checkUpdate = () =>
    run('Checking for updates…', async () => {
      await checkForUpdate();
      return 'Checked. A new version, if there is one, will offer to reload.';
    });

  return (
    <>
      <AppBar back="/" title="Settings" />
      <main class="page stack">
        <section class="card">
          <h2>{me.name}</h2>
          <p class="muted">Signed in as {me.role}.</p>
        </section>
        <button type="button" class="button" disabled={pending !== null} onClick={checkUpdate}>
          Check for updates
        </button>
        <button type="button" class="button button-danger" disabled={pending !== null} onClick={signOut}>
          Sign out
        </button>
        <Notice outcome={outcome} pending={pending} />
      </main>
    </>
  );
}
