import type { ReactNode } from "react";
import { useFrozen } from "@/lib/frozen";

/** FrozenFields disables every button and field inside it at once while
 * the team database is out of reach (lib/frozen): a disabled fieldset that
 * adds no box of its own; links inside still lead elsewhere. The shell
 * wraps the page in one; a portal (the step panel, a dialog) renders
 * outside it and wraps its own controls. */
export function FrozenFields({ children, testId }: { children: ReactNode; testId?: string }) {
  const frozen = useFrozen();
  return (
    <fieldset disabled={frozen} className="contents" data-testid={testId}>
      {children}
    </fieldset>
  );
}
