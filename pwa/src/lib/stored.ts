/**
 * What this phone keeps in localStorage (the user, queued commands, the home list), as JSON that never throws:
 * private mode, full storage or an unreadable value read as null, and a write that fails is simply not kept.
 */

export function readStored<T>(key: string): T | null {
  try {
    const raw = localStorage.getItem(key);
    return raw === null ? null : (JSON.parse(raw) as T);
  } catch {
    return null;
  }
}

/** Keep `value` under `key`; null forgets it. */
export function writeStored(key: string, value: unknown): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Not kept: the app still works, it just won't remember this on the next start.
  }
}
