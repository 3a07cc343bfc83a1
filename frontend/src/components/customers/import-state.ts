import { useSyncExternalStore } from "react";
import type { CsvFile } from "./import-dialog";

/** Whether the import dialog is open, and with which file: the menu, the
 * customers page's button and a file dropped on the page all open the one
 * dialog the customers page shows. A store outside React, so the menu can
 * open it from any page before the customers page is there. */
type ImportState = { open: boolean; file: CsvFile | null };

let state: ImportState = { open: false, file: null };
const listeners = new Set<() => void>();
const set = (s: ImportState) => {
  state = s;
  for (const l of listeners) l();
};

export const openImport = (file: CsvFile | null = null) => set({ open: true, file });
export const closeImport = () => set({ open: false, file: null });

export function useImportState(): ImportState {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => state,
  );
}
