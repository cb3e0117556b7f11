/**
 * The one expression and template module: JSONata expressions and `{{ expression }}` text templates, shared by
 * custom-integration mappings and (later) event rules. Every run is bounded by steps, depth and sizes, never by
 * elapsed time: on deployed Workers the clock does not advance during CPU work, so a timeout would never fire.
 * Regular expressions run on RE2 (linear-regex.ts), since one backtracking match could outlast every bound.
 */
import jsonata from 'jsonata';
import { LinearRegExp } from './linear-regex';
import { MAX_PARTS, inputProblem, weigh } from './values';

export {
  MAX_INPUT_DEPTH,
  MAX_INPUT_NODES,
  MAX_PARTS,
  PLAIN_DEPTH,
  PLAIN_NODES,
  inputProblem,
  plainJson,
  ValueTooLarge,
} from './values';

/** Evaluation steps (JSONata AST nodes entered) one expression may take; a runaway recursion stops here. */
export const MAX_STEPS = 20_000;
/** Nesting of the evaluation itself (JSONata's own stack guard); non-tail recursion stops here. */
export const MAX_DEPTH = 300;
/** Items in any list an expression builds (ranges, paths, `$append`…). */
export const MAX_SEQUENCE = 100_000;
/** Characters in any text an expression builds; twice the largest body, so `$string($body)` still fits. */
export const MAX_TEXT = 1_048_576;
/**
 * Characters of new text (function results and `&`) one expression may build in all: each string can be under
 * MAX_TEXT while a list of thousands of them would not fit in a Worker's memory.
 */
export const MAX_TEXT_BUILT = 8 * MAX_TEXT;
/** Distinct compiled expressions kept; the same mapping runs on every webhook, so each string compiles once. */
export const CACHE_SIZE = 1_000;

/** A sentence saying which expression failed and why, ready to show an admin or keep as a note. */
export class ExpressionError extends Error {
  override name = 'ExpressionError';
}

type Compiled = jsonata.Expression;
interface JsonataFailure {
  code?: string;
  message?: string;
  position?: number;
  token?: string;
  value?: unknown;
}

const ENTRY = Symbol.for('jsonata.__evaluate_entry');
const EXIT = Symbol.for('jsonata.__evaluate_exit');
/** Bound under a name no expression can write (`$` names cannot hold a space), so code cannot reset its own budget. */
const BUDGET = 'firebell budget';

/** Steps left for a run; share one across several evaluations to bound them together. */
export interface StepBudget {
  steps: number;
}
/** One evaluation's state, reached from the hooks through the environment. */
interface Run {
  left: StepBudget;
  taken: number;
  /** Characters of text built so far (see MAX_TEXT_BUILT). */
  built: number;
  /** Why a bound stopped the run; kept here because `$eval` wraps the error it throws in its own. */
  stopped?: string;
}
class Stopped {
  constructor(readonly why: string) {}
}

const cache = new Map<string, Compiled | ExpressionError>();

/** An expression quoted back in a sentence, short enough to read. */
export function quote(expr: string): string {
  const flat = expr.replace(/\s+/g, ' ').trim();
  return `\`${flat.length > 80 ? `${flat.slice(0, 79)}…` : flat}\``;
}

const count = (n: number) => n.toLocaleString('en-US');

function runOf(env: jsonata.Environment): Run | undefined {
  return (env as unknown as { base: jsonata.Environment }).base.lookup(BUDGET) as Run | undefined;
}

function stop(env: jsonata.Environment, why: string): never {
  const run = runOf(env);
  if (run) run.stopped = why;
  throw new Stopped(why);
}

function onEntry(_expr: unknown, _input: unknown, env: jsonata.Environment): void {
  const run = runOf(env);
  if (!run) return;
  if (++run.taken > MAX_STEPS) stop(env, `stopped after ${count(MAX_STEPS)} steps`);
  if (--run.left.steps < 0)
    stop(
      env,
      `stopped after ${count(run.taken)} steps: the steps allowed for the whole body ran out`,
    );
}

function onExit(
  expr: { type?: string },
  _input: unknown,
  env: jsonata.Environment,
  result: unknown,
): void {
  if (typeof result === 'string') {
    if (result.length > MAX_TEXT)
      stop(env, `stopped: text longer than ${count(MAX_TEXT)} characters`);
    // Paths and literals return text that already exists; calls and `&` make new text.
    if (expr.type === 'function' || expr.type === 'binary') {
      const run = runOf(env);
      if (run && (run.built += result.length) > MAX_TEXT_BUILT)
        stop(env, `stopped: built more than ${count(MAX_TEXT_BUILT)} characters of text`);
    }
  } else if (typeof result === 'object' && result !== null && weigh(result, 0) > MAX_PARTS)
    stop(env, `stopped: a value of more than ${count(MAX_PARTS)} parts`);
}

/** Compile once per distinct string (parse errors are cached too); throws ExpressionError when it does not parse. */
export function compile(expr: string): Compiled {
  const hit = cache.get(expr);
  if (hit !== undefined) {
    // Re-insert so the Map's order tracks recent use and the oldest entry goes first.
    cache.delete(expr);
    cache.set(expr, hit);
    if (hit instanceof ExpressionError) throw hit;
    return hit;
  }
  let entry: Compiled | ExpressionError;
  try {
    entry = jsonata(expr, {
      stack: MAX_DEPTH,
      sequence: MAX_SEQUENCE,
      RegexEngine: LinearRegExp as unknown as RegExpConstructor,
    });
    entry.assign(ENTRY as unknown as string, onEntry);
    entry.assign(EXIT as unknown as string, onExit);
  } catch (err) {
    entry = new ExpressionError(`expression ${quote(expr)} does not parse: ${describe(err)}`);
  }
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(expr, entry);
  if (entry instanceof ExpressionError) throw entry;
  return entry;
}

function describe(err: unknown): string {
  const e = err as JsonataFailure;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  return typeof e?.position === 'number' && e.position > 0
    ? `${message} (at character ${e.position})`
    : message;
}

/**
 * Run one expression over `item` with `bindings` (e.g. `{ body }` for `$body`). Throws ExpressionError with a
 * sentence when it does not parse, fails, or passes a bound. `budget` lets several runs share one step allowance.
 * A list result may be a JSONata sequence (extra properties, a `push` function): pass it through plainJson before
 * storing it or sending it over RPC.
 */
export async function evaluate(
  expr: string,
  item: unknown,
  bindings: Record<string, unknown> = {},
  budget: StepBudget = { steps: MAX_STEPS },
): Promise<unknown> {
  const compiled = compile(expr);
  const problem =
    inputProblem(item) ??
    Object.values(bindings)
      .map(inputProblem)
      .find((p) => p !== undefined);
  if (problem)
    throw new ExpressionError(`expression ${quote(expr)} was not run: its input ${problem}`);
  const direct = simplePath(expr, item, bindings);
  if (direct.hit) {
    if (--budget.steps < 0)
      throw new ExpressionError(
        `expression ${quote(expr)} stopped: the steps allowed for the whole body ran out`,
      );
    return direct.value;
  }
  const run: Run = { left: budget, taken: 0, built: 0 };
  let result: unknown;
  try {
    result = await compiled.evaluate(item, { ...bindings, [BUDGET]: run });
  } catch (err) {
    throw new ExpressionError(`expression ${quote(expr)} ${run.stopped ?? failure(err)}`);
  }
  if (Array.isArray(result) && result.length > MAX_SEQUENCE)
    throw new ExpressionError(
      `expression ${quote(expr)} stopped: a list longer than ${count(MAX_SEQUENCE)} items`,
    );
  return result;
}

const DOTTED = /^(?:\$body\.)?[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const KEYWORDS = new Set(['and', 'or', 'in', 'true', 'false', 'null', 'function']);
type Direct = { hit: true; value: unknown } | { hit: false };
const MISS: Direct = { hit: false };

/**
 * JSONata's answer for a dotted path (`monitor.name`, `$body.groupKey`) read as plain property access, the common
 * case in mappings, without its interpreter (several times faster). A miss when JSONata's list semantics could
 * apply: an array anywhere on the way.
 */
const paths = new Map<string, { fromBody: boolean; keys: string[] } | null>();

/** A dotted path's keys, parsed once per expression string; null when the expression is more than a path. */
function dottedPath(expr: string): { fromBody: boolean; keys: string[] } | null {
  let path = paths.get(expr);
  if (path !== undefined) return path;
  path = null;
  if (expr.length <= 200 && DOTTED.test(expr)) {
    const keys = expr.split('.');
    const fromBody = keys[0] === '$body';
    if (fromBody) keys.shift();
    if (!keys.some((key) => KEYWORDS.has(key))) path = { fromBody, keys };
  }
  if (paths.size >= CACHE_SIZE) paths.delete(paths.keys().next().value as string);
  paths.set(expr, path);
  return path;
}

function simplePath(expr: string, item: unknown, bindings: Record<string, unknown>): Direct {
  const path = dottedPath(expr);
  if (!path || (path.fromBody && !Object.hasOwn(bindings, 'body'))) return MISS;
  let value: unknown = path.fromBody ? bindings.body : item;
  for (const key of path.keys) {
    if (Array.isArray(value)) return MISS;
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key))
      return { hit: true, value: undefined };
    value = (value as Record<string, unknown>)[key];
  }
  return Array.isArray(value) ? MISS : { hit: true, value };
}

function failure(err: unknown): string {
  if (err instanceof Stopped) return err.why;
  const e = err as JsonataFailure;
  if (e?.code === 'D1011') return `stopped: nested deeper than ${MAX_DEPTH} levels`;
  if (e?.code === 'D2014' || e?.code === 'D2015')
    return `stopped: a list longer than ${count(MAX_SEQUENCE)} items`;
  if (err instanceof RangeError) return `stopped: ${err.message}`;
  return `failed: ${describe(err)}`;
}

/** One `{{ expression }}` placeholder, with where it starts in the template. */
export interface Placeholder {
  expr: string;
  start: number;
  end: number;
}

/**
 * Split a template into its placeholders. The closing `}}` is the first one outside quotes and outside braces
 * the expression opened, so `{{ {"a": {"b": 1}} }}` works. Throws ExpressionError for an unclosed `{{`.
 */
export function placeholders(template: string): readonly Placeholder[] {
  const hit = parsed.get(template);
  if (hit !== undefined) {
    if (hit instanceof ExpressionError) throw hit;
    return hit;
  }
  let entry: readonly Placeholder[] | ExpressionError;
  try {
    entry = split(template);
  } catch (err) {
    if (!(err instanceof ExpressionError)) throw err;
    entry = err;
  }
  if (parsed.size >= CACHE_SIZE) parsed.delete(parsed.keys().next().value as string);
  parsed.set(template, entry);
  if (entry instanceof ExpressionError) throw entry;
  return entry;
}

const parsed = new Map<string, readonly Placeholder[] | ExpressionError>();

function split(template: string): Placeholder[] {
  const found: Placeholder[] = [];
  let at = template.indexOf('{{');
  while (at !== -1) {
    const end = closing(template, at + 2);
    if (end === -1)
      throw new ExpressionError(`\`{{\` at character ${at + 1} has no closing \`}}\``);
    found.push({ expr: template.slice(at + 2, end).trim(), start: at, end: end + 2 });
    at = template.indexOf('{{', end + 2);
  }
  return found;
}

function closing(text: string, from: number): number {
  let depth = 0;
  let quoteChar = '';
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quoteChar) {
      if (c === '\\') i++;
      else if (c === quoteChar) quoteChar = '';
    } else if (c === '"' || c === "'" || c === '`') quoteChar = c;
    else if (c === '{') depth++;
    else if (c === '}') {
      if (depth === 0 && text[i + 1] === '}') return i;
      depth = Math.max(0, depth - 1);
    }
  }
  return -1;
}

/** A value as template text: strings as they are, numbers and booleans as written, lists and objects as JSON. */
export function asText(value: unknown): string | undefined {
  if (value === undefined || value === null || typeof value === 'function') return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number')
    return Number.isFinite(value) ? String(Number(value.toPrecision(15))) : undefined;
  if (typeof value === 'boolean') return String(value);
  try {
    return JSON.stringify(value) ?? undefined;
  } catch {
    return undefined;
  }
}

export interface Rendered {
  text: string;
  /** Placeholders that gave no value or failed, as sentences; the text has them empty. */
  notes: string[];
}

/**
 * Render a logic-less template: the only code is each placeholder's expression. A missing value renders as
 * empty and is reported; objects and lists render as JSON. Throws only for an unclosed `{{`.
 */
export async function renderTemplate(
  template: string,
  item: unknown,
  bindings: Record<string, unknown> = {},
  budget: StepBudget = { steps: MAX_STEPS },
): Promise<Rendered> {
  const parts = placeholders(template);
  if (parts.length === 0) return { text: template, notes: [] };
  const notes: string[] = [];
  let text = '';
  let last = 0;
  for (const part of parts) {
    text += template.slice(last, part.start);
    last = part.end;
    let value: unknown;
    try {
      value = await evaluate(part.expr, item, bindings, budget);
    } catch (err) {
      notes.push(err instanceof Error ? err.message : String(err));
      continue;
    }
    const shown = asText(value);
    if (shown === undefined) notes.push(`no value at ${quote(part.expr)}`);
    else text += shown;
    if (text.length > MAX_TEXT)
      throw new ExpressionError(`template stopped: text longer than ${count(MAX_TEXT)} characters`);
  }
  return { text: text + template.slice(last), notes };
}
