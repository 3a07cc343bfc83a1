import { useEffect, useRef } from "react";
import { EventsOn } from "@wails/runtime/runtime";

/** useAppEvent listens to an event from the Go side (menu items, say) while
 * the component is mounted; the latest handler always runs. */
export function useAppEvent(name: string, handler: (...data: any[]) => void) {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => {
    try {
      return EventsOn(name, (...data: any[]) => ref.current(...data));
    } catch {
      return undefined; // no Wails runtime (unit tests)
    }
  }, [name]);
}
