/**
 * How retries of one page read: the timeline stays append-only (every push attempt is an entry, for the
 * record and the API), and readers fold the retries of one page to one device into the entry that started
 * it. Shared by the PWA's timeline and the review's key moments, so both fold the same way.
 */
import type { TimelineEntry } from './incident';

/** A timeline entry with the later attempts of the same page folded under it (empty for every other entry). */
export interface FoldedEntry {
  entry: TimelineEntry;
  /** Retries of this page to the same device, oldest first; the last one is where the page stands now. */
  retries: TimelineEntry[];
}

const ATTEMPT_KINDS: ReadonlySet<string> = new Set(['notification_sent', 'notification_failed']);

/** The device and attempt number of a push attempt entry (written by worker/incident/paging.ts), or null. */
function attemptOf(entry: TimelineEntry): { device: string; attempt: number } | null {
  if (!ATTEMPT_KINDS.has(entry.kind)) return null;
  const device = entry.data?.subscriptionId;
  const attempt = entry.data?.attempt;
  return typeof device === 'string' && typeof attempt === 'number' ? { device, attempt } : null;
}

/**
 * Fold retries into their first attempt. Attempt n+1 of a device joins the chain whose last attempt of
 * that device was n; a new first attempt (a re-page, the next level) starts a new chain. Order is kept.
 */
export function foldPageRetries(entries: readonly TimelineEntry[]): FoldedEntry[] {
  const folded: FoldedEntry[] = [];
  /** Per device, the chain still open for its next attempt. */
  const open = new Map<string, { chain: FoldedEntry; attempt: number }>();
  for (const entry of entries) {
    const at = attemptOf(entry);
    const chain = at && at.attempt > 1 ? open.get(at.device) : undefined;
    if (at && chain && chain.attempt === at.attempt - 1) {
      chain.chain.retries.push(entry);
      chain.attempt = at.attempt;
      continue;
    }
    const item: FoldedEntry = { entry, retries: [] };
    folded.push(item);
    if (at) open.set(at.device, { chain: item, attempt: at.attempt });
  }
  return folded;
}
