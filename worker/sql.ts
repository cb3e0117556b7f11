/** A failed SQL statement, carrying the query so the log says which one. */
export class SqlError extends Error {
  constructor(
    readonly query: string,
    cause: unknown,
  ) {
    super(`SQL failed: ${cause instanceof Error ? cause.message : String(cause)} — in: ${query}`, {
      cause,
    });
    this.name = 'SqlError';
  }
}

type SqlValue = ArrayBuffer | string | number | null;

/** Run one statement on a Durable Object's SQLite storage and return its rows. */
export function sql<T extends Record<string, SqlValue>>(
  storage: SqlStorage,
  query: string,
  ...params: SqlValue[]
): T[] {
  try {
    return storage.exec<T>(query, ...params).toArray();
  } catch (err) {
    throw new SqlError(query, err);
  }
}

/**
 * A Durable Object's `meta` table: the few named facts an object keeps beside its rows (its target, since when it
 * has been failing, a chat message's id), in the same SQLite so they commit with them. Setting null forgets one.
 */
export class Meta {
  constructor(private readonly storage: SqlStorage) {
    sql(storage, 'CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
  }

  get(key: string): string | null {
    return (
      sql<{ value: string }>(this.storage, 'SELECT value FROM meta WHERE key = ?', key)[0]?.value ??
      null
    );
  }

  set(key: string, value: string | null): void {
    if (value === null) sql(this.storage, 'DELETE FROM meta WHERE key = ?', key);
    else sql(this.storage, 'INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)', key, value);
  }
}
