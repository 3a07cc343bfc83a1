import { useEffect, useState } from "react";

/** useDebounced is value once it has stayed the same for ms: a search box
 * asks Go once per pause in typing, not once per key. */
export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}
