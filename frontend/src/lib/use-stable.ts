import { useCallback, useLayoutEffect, useRef } from "react";

/** useStable is fn behind a function that never changes, so memoised
 * children re-render only when what they show changes (a click, a hover or
 * a selection re-renders the matrix grid, not its thousands of cells). */
export function useStable<A extends unknown[]>(fn: (...a: A) => void): (...a: A) => void {
  const ref = useRef(fn);
  useLayoutEffect(() => {
    ref.current = fn;
  });
  return useCallback((...a: A) => ref.current(...a), []);
}
