import type { Outcome } from '../lib/hooks';

/**
 * The line under an action saying how it went. Space is reserved even when empty so nothing jumps;
 * failures are announced assertively, progress and success politely.
 */
export function Notice({ outcome, pending }: { outcome: Outcome | null; pending?: string | null }) {
  if (outcome && !outcome.ok) {
    return (
      <p class="notice notice-error" role="alert">
        {outcome.text}
      </p>
    );
  }
  return (
    <p class="notice" role="status">
      {pending ?? outcome?.text ?? ''}
    </p>
  );
}
