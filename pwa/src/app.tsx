/**
 * The shell: session, routing, the tab bar and the update prompt. A new page is a pattern in lib/router.ts
 * and a case in `Page` below.
 */
import { useEffect } from 'preact/hooks';
import { UpdatePrompt } from './components/update-prompt';
import { MessageScreen, SignedOut } from './components/screens';
import { TOP_LEVEL, TabBar } from './components/tab-bar';
import { HomePage } from './pages/home';
import { IncidentPage } from './pages/incident';
import { JoinPage } from './pages/join';
import { PagedSignedOut } from './pages/paged';
import { lazyPage } from './lib/lazy';
import { startOutbox } from './lib/outbox';
import { matchRoute, usePathname, type Route } from './lib/router';
import { useSession } from './lib/session';
import type { User } from './lib/types';

// Pages a responder does not need at 3 a.m. stay out of the first load.
const SettingsPage = lazyPage(() => import('./pages/settings').then((m) => m.SettingsPage));
const OnCallPage = lazyPage(() => import('./pages/oncall').then((m) => m.OnCallPage));
const ReportsPage = lazyPage(() => import('./pages/reports').then((m) => m.ReportsPage));
const AdminPage = lazyPage(() => import('./pages/admin').then((m) => m.AdminPage));
const ReviewPage = lazyPage(() => import('./pages/review').then((m) => m.ReviewPage));

export function App() {
  const route = matchRoute(usePathname());
  const { session, signedIn, signedOut, retry } = useSession();
  // Commands taken offline are replayed whatever page is showing.
  useEffect(() => startOutbox(), []);
  // A notification's link: /incidents/:id?ack=<action token> (browsers without notification buttons).
  const ackToken =
    route.name === 'incident' ? new URLSearchParams(location.search).get('ack') : null;
  const me = session.status === 'signed-in' ? session.user : null;
  const tabs = me !== null && route.name !== 'join' && TOP_LEVEL.has(route.name);

  return (
    <>
      {session.status === 'signed-in' && session.offline && (
        <p class="offline-banner" role="status">
          Offline: showing what this phone last saw.
        </p>
      )}
      <div class={tabs ? 'with-tabs' : undefined}>
        {route.name === 'join' ? (
          <JoinPage token={route.token} onSignedIn={signedIn} />
        ) : session.status === 'loading' ? (
          <div class="splash" aria-busy="true" />
        ) : session.status === 'signed-out' ? (
          route.name === 'incident' && ackToken ? (
            <PagedSignedOut incidentId={route.id} token={ackToken} />
          ) : (
            <SignedOut />
          )
        ) : session.status === 'error' ? (
          <MessageScreen title="Firebell can't be reached">
            <p role="alert">{session.detail}</p>
            <button type="button" class="button" onClick={retry}>
              Try again
            </button>
          </MessageScreen>
        ) : (
          <Page
            route={route}
            me={session.user}
            ackToken={ackToken}
            onSignedOut={signedOut}
            onRenamed={signedIn}
          />
        )}
      </div>
      {tabs && <TabBar current={route.name} me={me} />}
      <UpdatePrompt />
    </>
  );
}

function Page({
  route,
  me,
  ackToken,
  onSignedOut,
  onRenamed,
}: {
  route: Route;
  me: User;
  ackToken: string | null;
  onSignedOut: () => void;
  onRenamed: (user: User) => void;
}) {
  switch (route.name) {
    case 'home':
      return <HomePage me={me} />;
    case 'incident':
      return <IncidentPage key={route.id} id={route.id} me={me} ackToken={ackToken} />;
    case 'review':
      return <ReviewPage key={route.id} id={route.id} me={me} />;
    case 'oncall':
      return <OnCallPage me={me} />;
    case 'reports':
      return <ReportsPage />;
    case 'settings':
      return <SettingsPage me={me} onSignedOut={onSignedOut} onRenamed={onRenamed} />;
    case 'admin':
      return me.role === 'admin' ? (
        <AdminPage />
      ) : (
        <MessageScreen title="Admins only">
          <p>Ask an admin to change services, schedules or escalation policies.</p>
        </MessageScreen>
      );
    default:
      return (
        <MessageScreen title="Page not found">
          <a class="button" href="/">
            Back to incidents
          </a>
        </MessageScreen>
      );
  }
}
