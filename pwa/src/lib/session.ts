/**
 * Who is signed in. The last known user is remembered on this device so the app shell
 * (and cached incidents) still open when the phone is offline.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, getSession, setUnauthorizedHandler } from './api';
import { readStored, writeStored } from './stored';
import type { User } from './types';

export type Session =
  | { status: 'loading' }
  | { status: 'signed-in'; user: User; offline?: boolean }
  | { status: 'signed-out' }
  | { status: 'error'; detail: string };

const KEY = 'firebell.user';

const remembered = () => readStored<User>(KEY);
const remember = (user: User | null) => writeStored(KEY, user);

/** The session, plus setters for sign-in and sign-out. Checks /api/auth/session once on mount. */
export function useSession() {
  const [session, setSession] = useState<Session>({ status: 'loading' });

  const signedIn = useCallback((user: User) => {
    remember(user);
    setSession({ status: 'signed-in', user });
  }, []);
  const signedOut = useCallback(() => {
    remember(null);
    setSession({ status: 'signed-out' });
  }, []);

  const check = useCallback(async () => {
    try {
      const { user } = await getSession();
      if (user) signedIn(user);
      else signedOut();
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return signedOut();
      const user = remembered();
      if (user) return setSession({ status: 'signed-in', user, offline: true });
      setSession({
        status: 'error',
        detail: err instanceof ApiError ? err.detail : 'Firebell could not be reached.',
      });
    }
  }, [signedIn, signedOut]);

  useEffect(() => {
    setUnauthorizedHandler(signedOut);
    void check();
    // Started offline on a remembered user: confirm the session as soon as the network is back.
    const online = () => void check();
    window.addEventListener('online', online);
    return () => {
      setUnauthorizedHandler(null);
      window.removeEventListener('online', online);
    };
  }, [check, signedOut]);

  return { session, signedIn, signedOut, retry: check };
}
