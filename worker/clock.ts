/**
 * The one clock. Pure functions take `now` as an argument; shells read it here.
 * Tests replace it with setClock() to move time without sleeping.
 */
let source: () => number = () => Date.now();

export function now(): number {
  return source();
}

/** Test seam: replace the clock; returns a function that restores the previous one. */
export function setClock(fn: () => number): () => void {
  const previous = source;
  source = fn;
  return () => {
    source = previous;
  };
}
