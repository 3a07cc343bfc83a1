import { useEffect } from "react";
import { useLocation, useNavigate } from "react-router";
import { toast } from "sonner";
import { chooseCSV, useExportCustomers } from "@/api/customers";
import { toAppError } from "@/api/client";
import { useAppEvent } from "@/lib/events";
import { csvFile } from "./import-dialog";
import { closeImport, openImport } from "./import-state";

/** CustomerMenuActions answers File → Import customers… (the file picker,
 * then the preview on the customers page) and File → Export customers…
 * (the save dialog) wherever the operator is. */
export function CustomerMenuActions() {
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const exportCustomers = useExportCustomers();
  useAppEvent("menu:import-customers", async () => {
    try {
      const text = await chooseCSV();
      if (!text) return;
      openImport(csvFile("", text));
      if (pathname !== "/customers") navigate("/customers");
    } catch (e) {
      toast.error(toAppError(e).message);
    }
  });
  useAppEvent("menu:export-customers", () => exportCustomers.mutate(undefined));
  // The import dialog belongs to the customers page: leaving it closes it.
  useEffect(() => {
    if (pathname !== "/customers") closeImport();
  }, [pathname]);
  return null;
}
