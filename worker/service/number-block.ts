/**
 * Incident numbers for the incidents a service router opens. Numbers stay global across the deployment
 * (chat and SMS commands say "ack 42"), but the router reserves them from D1's counter in blocks, so most
 * new incidents need no D1 round trip before the 202. Unused numbers of a block are skipped, never reused.
 */
import { reserveIncidentNumbers } from '../directory/incident-index';
import { sql } from '../sql';

/** Numbers reserved at once: one D1 write per this many new incidents of a service. */
export const NUMBER_BLOCK = 20;

export class NumberBlock {
  /** A reservation in flight, so keys opening at once share it instead of each reserving a block. */
  private reserving: Promise<void> | null = null;

  constructor(
    private readonly db: SqlStorage,
    private readonly d1: D1Database,
  ) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS number_block (
        id   INTEGER PRIMARY KEY CHECK (id = 1),
        next INTEGER NOT NULL,
        last INTEGER NOT NULL
      );
    `);
  }

  /** The next number of this router's block, reserving a new block when it is used up. */
  async take(): Promise<number> {
    for (;;) {
      const taken = sql<{ number: number }>(
        this.db,
        'UPDATE number_block SET next = next + 1 WHERE id = 1 AND next <= last RETURNING next - 1 AS number',
      )[0];
      if (taken) return taken.number;
      this.reserving ??= this.reserve().finally(() => {
        this.reserving = null;
      });
      await this.reserving;
    }
  }

  private async reserve(): Promise<void> {
    const last = await reserveIncidentNumbers(this.d1, NUMBER_BLOCK);
    sql(
      this.db,
      'INSERT OR REPLACE INTO number_block (id, next, last) VALUES (1, ?, ?)',
      last - NUMBER_BLOCK + 1,
      last,
    );
  }
}
