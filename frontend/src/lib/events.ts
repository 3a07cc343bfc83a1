import { useEffect, useEffectEvent } from "react";
import { EventsOn } from "@wails/runtime/runtime";

/** useAppEvent listens to an event from the Go side (menu items, say) while
 * the component is mounted; the latest handler always runs. Events carry
 * what Go sent: the handler says what it expects. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the payload's type is the handler's to declare
export function useAppEvent<A extends any[]>(name: string, handler: (...data: A) => void) {
  const onEvent = useEffectEvent((...data: A) => handler(...data));
  useEffect(() => {
    try {
      return EventsOn(name, (...data: unknown[]) => onEvent(...(data as A)));
    } catch {
      return undefined; // no Wails runtime (unit tests)
    }
  }, [name]);
}

/** DBChange is the payload of "db:changed" (app.DBChange in Go). Event
 * payloads are not in Wails' generated bindings, which cover only the
 * bound methods' types; app/watch.go is its one source. */
export interface DBChange {
  all: boolean;
  releases: number[];
  steps: number[];
}
