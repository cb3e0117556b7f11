/**
 * Idempotency-Key semantics for incident commands (HTTP header, socket field, notification ack):
 * - a key is scoped to the person and the command: the same key from someone else, or on another
 *   command, is a different key;
 * - the first answer is kept with a hash of the command; the same key with a different body answers 422;
 * - answers are kept 24 hours, then forgotten (and the key may run again);
 * - checking and claiming a key happen with no await between them, so two concurrent requests with one
 *   key run the command once and both get its answer.
 */
import type { IncidentCommand } from '../../schema/incident';
import { ProblemError } from '../errors';
import type { CommandResult } from './object';
import type { IncidentStore } from './store';

export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;
export { MAX_IDEMPOTENCY_KEY_LENGTH } from '../../schema/command-schemas';

/** A SHA-256 of the command in a canonical form (keys sorted), so the same request hashes the same from any door. */
export async function fingerprint(command: IncidentCommand): Promise<string> {
  const digest = await crypto.subtle.digest(
    'SHA-256',
    new TextEncoder().encode(canonical(command)),
  );
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(
      ([, v]) => v !== undefined,
    );
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

export class Idempotency {
  /** Commands running now, by scope: a second request with the key waits for the first one's answer. */
  private readonly running = new Map<
    string,
    { fingerprint: string; result: Promise<CommandResult> }
  >();

  constructor(private readonly store: IncidentStore) {}

  /** Run `work` once for (userId, command type, key); `print` is the command's fingerprint, computed before. */
  async once(
    scope: { userId: string; command: IncidentCommand['type']; key: string },
    print: string,
    at: number,
    work: () => Promise<CommandResult>,
  ): Promise<CommandResult> {
    const id = JSON.stringify([scope.userId, scope.command, scope.key]);
    // From here to `running.set` nothing awaits: the check and the claim are one step for the object.
    const inFlight = this.running.get(id);
    if (inFlight) return inFlight.fingerprint === print ? inFlight.result : mismatch(scope);
    const stored = this.store.recall(id, at - IDEMPOTENCY_TTL_MS);
    if (stored)
      return stored.fingerprint === print
        ? (JSON.parse(stored.response) as CommandResult)
        : mismatch(scope);
    const result = work();
    this.running.set(id, { fingerprint: print, result });
    try {
      const answer = await result;
      this.store.remember(id, print, JSON.stringify(answer), at, at - IDEMPOTENCY_TTL_MS);
      return answer;
    } finally {
      this.running.delete(id);
    }
  }
}

function mismatch(scope: { command: string }): CommandResult {
  return {
    ok: false,
    problem: new ProblemError(
      422,
      'idempotency-key-reused',
      `This Idempotency-Key was already used for a different ${scope.command} request; send a new key with a new command.`,
    ).toProblem(),
  };
}
