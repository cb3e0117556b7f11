/**
 * The service's default runbook as its router holds it (issue 19), so a new incident gets it without a D1
 * read before the 202. Read from D1 once per router wake; every write that can change it (the default set or
 * cleared, the runbook edited or deleted) tells the router before it answers, so the next incident has it.
 */
import type { Runbook } from '../../schema/runbook-schemas';
import { runbookFor } from '../directory/runbooks';

export class RouterRunbook {
  private held: { runbook: Runbook | null } | null = null;
  /** Moves on every forget: a read that started before it must not keep what it found. */
  private generation = 0;

  constructor(private readonly d1: D1Database) {}

  /** The default runbook (null: none), or undefined when D1 could not say: create then asks it itself. */
  async get(serviceId: string): Promise<Runbook | null | undefined> {
    if (this.held) return this.held.runbook;
    const generation = this.generation;
    try {
      const runbook = await runbookFor(this.d1, serviceId, undefined);
      if (generation === this.generation) this.held = { runbook };
      return runbook;
    } catch (err) {
      console.error(`could not read the default runbook of ${serviceId}`, err);
      return undefined;
    }
  }

  forget(): void {
    this.generation += 1;
    this.held = null;
  }
}
