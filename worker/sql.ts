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
