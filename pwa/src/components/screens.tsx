import type { ComponentChildren } from 'preact';
import { AppBar } from './app-bar';

/** A whole-screen message (signed out, not found, failed to start). */
export function MessageScreen({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <>
      <AppBar />
      <main class="page message-screen">
        <h1>{title}</h1>
        {children}
      </main>
    </>
  );
}

/** Shown when there is no session: Firebell has no passwords, only invite links. */
export function SignedOut() {
  return (
    <MessageScreen title="Open your invite link on this phone">
      <p>
        Firebell signs you in with the invite link your admin sent you. Open it on this phone and
        you are in.
      </p>
      <p class="muted">Lost it? Ask an admin for a new one.</p>
    </MessageScreen>
  );
}
