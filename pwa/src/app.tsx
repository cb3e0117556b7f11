/**
 * The shell: session, routing, and the update prompt. A new page is a pattern in lib/router.ts
 * and a case in `Page` below.
 */
import { useEffect } from 'preact/hooks';
import { UpdatePrompt } from './components/update-prompt';
import { MessageScreen, SignedOut } from './components/screens';
import { HomePage } from './pages/home';
import { IncidentPage } from './pages/incident';
import { JoinPage } from './pages/join';
import { PagedSignedOut } from './pages/paged';
import { lazyPage } from './lib/lazy';
import { startOutbox } from './lib/outbox';
import { matchRoute, usePathname } from './lib/router';
import { useSession } from './lib/session';

// Settings is visited rarely; its code stays out of the first load.
const SettingsPage = lazyPage(() => import('./pages/settings').then((m) => m.SettingsPage));

export function App() {
  const route = matchRoute(usePathname());
  const { session, signedIn, signedOut, retry } = useSession();
  // Commands taken offline are replayed whatever page is showing.
  useEffect(() => startOutbox(), []);
  // A notification's link: /incidents/:id?ack=<action token> (browsers without notification buttons).
  const ackToken = route.name === 'incident' ? new URLSearchParams(location.search).get('ack') : null;

  return (
    <>
      {session.status === 'signed-in' && session.offline && (
        <p class="offline-banner" role="status">
          Offline: showing what this phone last saw.
        </p>
      )}
      {route.name === 'join' ? (
        <JoinPage token={route.token} onSignedIn={signedIn} />
      ) : session.status === 'loading' ? (
        <div class="splash" aria-busy="true" />
      ) : session.status === 'signed-out' ? (
        route.name === 'incident' && ackToken ? <PagedSignedOut incidentId={route.id} token={ackToken} /> : <SignedOut />
      ) : session.status === 'error' ? (
        <MessageScreen title="Firebell can't be reached">
          <p role="alert">{session.detail}</p>
          <button type="button" class="button" onClick={retry}>
            Try again
          </button>
        </MessageScreen>
      ) : route.name === 'home' ? (
        <HomePage me={session.user} />
      ) : route.name === 'incident' ? (
        <IncidentPage key={route.id} id={route.id} me={session.user} ackToken={ackToken} />
      ) : route.name === 'settings' ? (
        <SettingsPage me={session.user} onSignedOut={signedOut} />
      ) : (
        <MessageScreen title="Page not found">
          <a class="button" href="/">
            Back to incidents
          </a>
        </MessageScreen>
      )}
      <UpdatePrompt />
    </>
  );
}
