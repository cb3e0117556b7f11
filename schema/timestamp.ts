/** Epoch ms from an ISO 8601 string; Go's zero time ("0001-01-01T00:00:00Z") means "not set". (zod-free) */
export function parseTimestamp(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}
