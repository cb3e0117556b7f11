/**
 * One request's entry in its integration's recent payloads while the router applies its events. A request
 * that opens an incident is recorded just before the create, in the commit that maps its dedup key and
 * carries its rate window, with the outcome it will have ("opened inc_…": the id is minted first). A new
 * incident then costs the router one commit instead of a second one after the create answers. The entry is
 * rewritten only when the outcome turns out otherwise (the create failed): a second commit on that path only.
 */
import type { PayloadInput } from '../../schema/directory';
import type { KeyOutcome } from './router';
import type { RouterStore } from './store';

const FAILED = 'could not be applied; the sender should retry';

export class PayloadRecord {
  /** Each dedup key the request's alerts went to, in order, with its outcome once known. */
  private readonly outcomes = new Map<string, KeyOutcome | null>();
  /** What follows the outcomes in the detail (rules, mapping notes); null until known, and then never early. */
  private tail: string[] | null = null;
  private written: { id: number; detail: string } | null = null;

  constructor(
    private readonly store: RouterStore,
    private readonly integrationId: string,
    private readonly at: number,
    private readonly payload: PayloadInput,
    private readonly events: number,
    private readonly notes: readonly string[],
  ) {}

  /** The keys the request's alerts go to here and what its rules did, when nothing was routed elsewhere. */
  expect(keys: readonly string[], rules: string | null): void {
    for (const key of keys) this.outcomes.set(key, null);
    this.tail = [...(rules ? [rules] : []), ...this.notes];
  }

  settled(outcome: KeyOutcome): void {
    if (this.outcomes.has(outcome.dedupKey)) this.outcomes.set(outcome.dedupKey, outcome);
  }

  /** Right before `key`'s incident is created: record the request now if this was its last outcome. */
  opening(key: string, incidentId: string): void {
    if (this.written || !this.tail) return;
    this.settled({ dedupKey: key, incidentId, result: 'opened' });
    const outcomes = [...this.outcomes.values()];
    if (outcomes.some((o) => !o)) return;
    const detail = detailOf(outcomes as KeyOutcome[], this.tail, this.events);
    this.written = { id: this.record('accepted', detail), detail };
  }

  /** The events were applied: record what they did, unless it was recorded so already. */
  accepted(outcomes: readonly KeyOutcome[], rules: string | null): void {
    this.tail = null;
    const detail = detailOf(outcomes, [...(rules ? [rules] : []), ...this.notes], this.events);
    if (!this.written) this.record('accepted', detail);
    else if (this.written.detail !== detail)
      this.store.rewritePayload(this.written.id, 'accepted', detail);
  }

  /** Applying threw: the sender gets an error and should retry, and the listing says so. */
  failed(): void {
    this.tail = null; // another key of the request may still be opening: it must not record it afresh
    if (this.written) this.store.rewritePayload(this.written.id, 'failed', FAILED);
    else this.record('failed', FAILED);
  }

  private record(outcome: 'accepted' | 'failed', detail: string): number {
    return this.store.recordPayload(this.integrationId, this.at, this.payload, outcome, detail);
  }
}

function detailOf(outcomes: readonly KeyOutcome[], tail: readonly string[], events: number) {
  return [outcomes.map(describe).join('; ') || (events ? 'no incident' : 'no events'), ...tail]
    .join('; ')
    .slice(0, 2000);
}

function describe(o: KeyOutcome): string {
  if (o.result === 'dropped') return `dropped: no open incident for ${o.dedupKey}`;
  return `${o.result === 'opened' ? 'opened' : 'appended to'} ${o.incidentId}`;
}
