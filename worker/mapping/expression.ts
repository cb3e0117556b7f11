/**
 * The one expression and template module: JSONata expressions and `{{ expression }}` text templates, shared by
 * custom-integration mappings and (later) event rules. Every run is bounded by steps, depth and sizes, never by
 * elapsed time: on deployed Workers the clock does not advance during CPU work, so a timeout would never fire.
 */
import jsonata from 'jsonata';

/** Evaluation steps (JSONata AST nodes entered) one expression may take; a runaway recursion stops here. */
export const MAX_STEPS = 20_000;
/** Nesting of the evaluation itself (JSONata's own stack guard); non-tail recursion stops here. */
export const MAX_DEPTH = 300;
/** Items in any list an expression builds (ranges, paths, `$append`…). */
export const MAX_SEQUENCE = 100_000;
/** Characters in any text an expression builds; twice the largest body, so `$string($body)` still fits. */
export const MAX_TEXT = 1_048_576;
/** Nesting of the input refused before evaluation: deeper JSON is an attack or a bug, not an alert. */
export const MAX_INPUT_DEPTH = 64;
/** Values (objects, arrays, scalars) in one input; a 512 KB body of real alerts has a few thousand. */
export const MAX_INPUT_NODES = 250_000;
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
class StepsExhausted {
  constructor(
    readonly taken: number,
    readonly shared: boolean,
  ) {}
}
class TextTooLong {}

const cache = new Map<string, Compiled | ExpressionError>();

/** An expression quoted back in a sentence, short enough to read. */
export function quote(expr: string): string {
  const flat = expr.replace(/\s+/g, ' ').trim();
  return `\`${flat.length > 80 ? `${flat.slice(0, 79)}…` : flat}\``;
}

const count = (n: number) => n.toLocaleString('en-US');

function onEntry(_expr: unknown, _input: unknown, env: jsonata.Environment): void {
  const budget = (env as unknown as { base: jsonata.Environment }).base.lookup(BUDGET) as
    { left: StepBudget; limit: number; taken: number } | undefined;
  if (!budget) return;
  if (++budget.taken > budget.limit) throw new StepsExhausted(budget.limit, false);
  if (--budget.left.steps < 0) throw new StepsExhausted(budget.taken, true);
}

function onExit(_expr: unknown, _input: unknown, _env: unknown, result: unknown): void {
  if (typeof result === 'string' && result.length > MAX_TEXT) throw new TextTooLong();
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
    entry = jsonata(expr, { stack: MAX_DEPTH, sequence: MAX_SEQUENCE });
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

const checked = new WeakSet<object>();

/** Refuse input nested deeper than MAX_INPUT_DEPTH or larger than MAX_INPUT_NODES, without recursing. */
export function inputProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || checked.has(value)) return undefined;
  const stack: Array<[object, number]> = [[value, 1]];
  let nodes = 1;
  while (stack.length) {
    const [node, depth] = stack.pop() as [object, number];
    if (depth > MAX_INPUT_DEPTH) return `nests deeper than ${MAX_INPUT_DEPTH} levels`;
    const children = Array.isArray(node) ? node : Object.values(node as object);
    nodes += children.length;
    if (nodes > MAX_INPUT_NODES) return `has more than ${count(MAX_INPUT_NODES)} values`;
    for (const child of children)
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
  checked.add(value);
  return undefined;
}

/**
 * Run one expression over `item` with `bindings` (e.g. `{ body }` for `$body`). Throws ExpressionError with a
 * sentence when it does not parse, fails, or passes a bound. `budget` lets several runs share one step allowance.
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
  const run = { left: budget, limit: MAX_STEPS, taken: 0 };
  let result: unknown;
  try {
    result = await compiled.evaluate(item, { ...bindings, [BUDGET]: run });
  } catch (err) {
    throw new ExpressionError(`expression ${quote(expr)} ${failure(err)}`);
  }
  if (Array.isArray(result) && result.length > MAX_SEQUENCE)
    throw new ExpressionError(
      `expression ${quote(expr)} stopped: a list longer than ${count(MAX_SEQUENCE)} items`,
    );
  return result;
}

function failure(err: unknown): string {
  if (err instanceof StepsExhausted)
    return err.shared
      ? `stopped after ${count(err.taken)} steps: the steps allowed for the whole body ran out`
      : `stopped after ${count(err.taken)} steps`;
  if (err instanceof TextTooLong) return `stopped: text longer than ${count(MAX_TEXT)} characters`;
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
