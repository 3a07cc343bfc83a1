import { createContext, useContext } from "react";

// Frozen is true while the team database cannot be reached: the page keeps
// what it shows, read-only, until the server is back. The shell disables
// every control of the page (a disabled fieldset); pages that act on
// keys or drags of their own read it here.
export const FrozenContext = createContext(false);

export function useFrozen(): boolean {
  return useContext(FrozenContext);
}
