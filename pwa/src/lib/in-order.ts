import { useEffect, useLayoutEffect, useMemo, useState } from 'preact/hooks';

/** Far longer than Settings' reads take, even on a slow phone network. */
export const SHOW_ALL_AFTER_MS = 8_000;

/** One of a page's sections that load on their own, as `useInOrder` places it. */
export interface InOrderSlot {
  /** Not on screen yet: a section above it is still loading. */
  hidden: boolean;
  /** Call once the section has its settled height: loaded, or failed and saying why. Stable across renders. */
  settled: () => void;
}

/**
 * Sections that load on their own, shown top to bottom: each appears only once every section above it has
 * settled, so nothing on screen ever grows above a control already shown (a late list used to push "Sign out"
 * under a tap aimed at the button above it). They all load at once; only showing them waits. A hidden section
 * stays mounted, out of the layout and the accessibility tree, so focus cannot land in it before it is shown.
 * A read that never answers (a network that accepts and goes quiet) must not keep the rest, Sign out included,
 * away for good: after `SHOW_ALL_AFTER_MS` everything shows, and only a section that late can still grow.
 */
export function useInOrder<Name extends string>(names: readonly Name[]): Record<Name, InOrderSlot> {
  const [done, setDone] = useState<ReadonlySet<Name>>(() => new Set());
  const [late, setLate] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setLate(true), SHOW_ALL_AFTER_MS);
    return () => clearTimeout(timer);
  }, []);
  const marks = useMemo(
    () => names.map((name) => () => setDone((d) => (d.has(name) ? d : new Set(d).add(name)))),
    // The sections are the page's, fixed: only their names matter.
    [names.join()],
  );
  let above = true;
  const slots = {} as Record<Name, InOrderSlot>;
  names.forEach((name, i) => {
    slots[name] = { hidden: !above && !late, settled: marks[i]! };
    above &&= done.has(name);
  });
  return slots;
}

/** Tells `slot`, if there is one, once `loaded` turns true (before the browser paints, so the next shows at once). */
export function useSettles(slot: InOrderSlot | undefined, loaded: boolean): void {
  const settled = slot?.settled;
  useLayoutEffect(() => {
    if (loaded) settled?.();
  }, [loaded, settled]);
}
