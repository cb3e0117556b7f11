/**
 * How big a value is and how to make it plain data: the input check before any expression runs, the size of what
 * an expression builds, and the copy that makes JSONata's results safe to store and send over RPC.
 */

/** Nesting of the input refused before evaluation: deeper JSON is an attack or a bug, not an alert. */
export const MAX_INPUT_DEPTH = 64;
/** Values (objects, arrays, scalars) in one input; a 512 KB body of real alerts has a few thousand. */
export const MAX_INPUT_NODES = 250_000;
/** Parts (values, counted as written out) in any list or object an expression builds; two whole bodies fit. */
export const MAX_PARTS = 500_000;
/** How deep and how large a value may be when copied to plain data. */
export const PLAIN_DEPTH = 64;
export const PLAIN_NODES = 100_000;
/** Past this nesting a built value is treated as too large rather than walked further. */
const WEIGH_DEPTH = 300;

/** A value deeper or larger than the bounds for copying it to plain data. */
export class ValueTooLarge extends Error {
  override name = 'ValueTooLarge';
}

const count = (n: number) => n.toLocaleString('en-US');
// Bodies are not changed after parsing, so each object is walked once however many expressions read it.
const checked = new WeakSet<object>();
const weights = new WeakMap<object, number>();

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
 * The parts a value has when written out in full, shared references counted each time as JSON.stringify writes
 * them: a few steps can nest one object in itself twenty times over, and writing that out would take minutes.
 */
export function weigh(value: object, depth: number): number {
  const known = weights.get(value);
  if (known !== undefined) return known;
  const record = value as Record<string, unknown>;
  // A function's closure holds the whole environment (cycles included); it is written out as nothing.
  if (record._jsonata_lambda || record._jsonata_function) return 1;
  if (depth > WEIGH_DEPTH) return Infinity;
  let total = 1;
  for (const child of Array.isArray(value) ? value : Object.values(value)) {
    total += typeof child === 'object' && child !== null ? weigh(child, depth + 1) : 1;
    if (total > MAX_PARTS) break;
  }
  weights.set(value, total);
  return total;
}

/**
 * JSONata values can be sequences (arrays with extra properties, even a `push` function), functions (whose
 * closures are cyclic) or undefined; a bounded copy makes them plain JSON data that survives structured clone
 * across Durable Object RPC (a DataCloneError otherwise). Functions and undefined are left out, as JSON.stringify
 * does. Throws ValueTooLarge when the value is deeper or larger than the bounds.
 */
export function plainJson(value: unknown): unknown {
  return copy(value, 0, { nodes: 0 });
}

const tooLarge = () =>
  new ValueTooLarge(
    `nested deeper than ${PLAIN_DEPTH} levels or over ${count(PLAIN_NODES)} values`,
  );

function copy(value: unknown, depth: number, state: { nodes: number }): unknown {
  if (++state.nodes > PLAIN_NODES) throw tooLarge();
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'object':
      break;
    default:
      return undefined; // functions, undefined, symbols, bigints: not JSON
  }
  if (value === null) return null;
  const record = value as Record<string, unknown>;
  if (record._jsonata_lambda || record._jsonata_function) return undefined;
  if (depth >= PLAIN_DEPTH) throw tooLarge();
  if (Array.isArray(value)) return value.map((v) => copy(v, depth + 1, state) ?? null);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(record)) {
    const kept = copy(v, depth + 1, state);
    if (kept === undefined) continue;
    // defineProperty, not assignment: a key named "__proto__" must stay a key, not a prototype.
    Object.defineProperty(out, key, {
      value: kept,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}
