/**
 * Streaming read of an alert-group body (Alertmanager, Grafana): the largest outage sends the largest body,
 * so it is never held whole. Each alert is validated as it arrives and only its checked shape is kept;
 * the text is gone chunk by chunk. Memory stays near the kept alerts, not the JSON text plus a parse tree.
 */
import { Tokenizer, TokenParser, TokenType } from '@streamparser/json';
import type { ZodType } from 'zod';
import { capErrors, issueMessages } from '../adapters/normalize';

/** Deepest nesting a group body may have: Alertmanager's and Grafana's are five or six levels deep. */
export const MAX_DEPTH = 32;

/** Thrown from inside the tokenizer to stop parsing a body that is already refused. */
class Refused extends Error {}

export type GroupRead<A> =
  | {
      ok: true;
      bytes: number;
      /** The body's first `keepHead` bytes, for the recorded payload. */
      head: Uint8Array;
      /** Top-level fields other than `alerts` (only the names asked for). */
      fields: Record<string, unknown>;
      alerts: A[];
    }
  | { ok: false; reason: 'too-large'; bytes: number }
  /** `fields` is there when the JSON itself was whole, so the group's own fields can be checked too. */
  | {
      ok: false;
      reason: 'invalid';
      errors: string[];
      bytes: number;
      head: Uint8Array;
      fields?: Record<string, unknown>;
    };

export interface GroupReadOptions<A> {
  maxBytes: number;
  /** Top-level field names to keep (unknown ones are skipped without being built). */
  fields: readonly string[];
  alertSchema: ZodType<A>;
  keepHead: number;
  /** Sees every chunk (e.g. to compute an HMAC over the exact bytes). */
  onChunk?: (chunk: Uint8Array) => void;
}

/** Read and check `body` as `{ alerts: [...], ...fields }` within `maxBytes`. */
export async function readGroup<A>(
  body: ReadableStream<Uint8Array> | null,
  opts: GroupReadOptions<A>,
): Promise<GroupRead<A>> {
  const tokenizer = new Tokenizer();
  const parser = new TokenParser({
    paths: ['$.alerts.*', ...opts.fields.map((f) => `$.${f}`)],
    keepStack: false,
  });
  const fields: Record<string, unknown> = {};
  const alerts: A[] = [];
  const issues: string[] = [];
  let firstToken: number | null = null;
  let count = 0;

  let depth = 0;
  tokenizer.onToken = (token) => {
    firstToken ??= token.token;
    if (firstToken !== TokenType.LEFT_BRACE) throw new Refused('body: expected a JSON object');
    if (token.token === TokenType.LEFT_BRACE || token.token === TokenType.LEFT_BRACKET) depth += 1;
    else if (token.token === TokenType.RIGHT_BRACE || token.token === TokenType.RIGHT_BRACKET)
      depth -= 1;
    // A group is a few levels deep; deeper is an attack on the parser (its cost grows with depth × nesting).
    if (depth > MAX_DEPTH) throw new Refused(`body: nested deeper than ${MAX_DEPTH} levels`);
    parser.write(token);
  };
  parser.onValue = ({ key, value, stack }) => {
    if (stack.length === 1 && typeof key === 'string') {
      fields[key] = value;
      return;
    }
    if (typeof key !== 'number') {
      if (issues.length <= 20) issues.push('alerts: expected an array');
      return;
    }
    count += 1;
    if (issues.length > 20) return; // already refused; count the rest without checking them
    const checked = opts.alertSchema.safeParse(value);
    if (checked.success) alerts.push(checked.data);
    else
      issues.push(
        ...issueMessages(
          checked.error.issues.map((i) => ({ ...i, path: ['alerts', key, ...i.path] })),
        ),
      );
  };

  const head = new Uint8Array(opts.keepHead);
  let headBytes = 0;
  let bytes = 0;
  let broken: string | null = null;
  let refused: string | null = null;
  if (body) {
    const reader = body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      if (bytes > opts.maxBytes) {
        await reader.cancel();
        return { ok: false, reason: 'too-large', bytes };
      }
      if (headBytes < head.byteLength) {
        const part = value.subarray(0, head.byteLength - headBytes);
        head.set(part, headBytes);
        headBytes += part.byteLength;
      }
      opts.onChunk?.(value);
      if (broken) continue; // keep reading, so the size and the signature are over the whole body
      try {
        tokenizer.write(value);
      } catch (error) {
        if (error instanceof Refused) refused = error.message;
        broken = error instanceof Error ? error.message : 'parse error';
      }
    }
  }
  const kept = head.subarray(0, headBytes);
  const refuse = (errors: string[], whole = false): GroupRead<A> => ({
    ok: false,
    reason: 'invalid',
    errors: capErrors(errors),
    bytes,
    head: kept,
    ...(whole ? { fields } : {}),
  });
  if (!bytes) return refuse(['the body is empty; send a JSON object']);
  if (refused) return refuse([refused]);
  if (broken) return refuse([`the body is not valid JSON (${broken})`]);
  if (firstToken !== TokenType.LEFT_BRACE) return refuse(['body: expected a JSON object']);
  if (!parser.isEnded)
    return refuse(['the body is not valid JSON (it ended before the object did)']);
  if (issues.length) return refuse(issues, true);
  if (!count) return refuse(['alerts: a notification must carry at least one alert'], true);
  return { ok: true, bytes, head: kept, fields, alerts };
}
