import { keepPreviousData, useQuery } from "@tanstack/react-query";
import * as Customers from "@wails/go/customer/Service";
import * as System from "@wails/go/app/System";
import type { customer } from "@wails/go/models";
import { call, keys, useAppMutation } from "./client";

// A new search or filter keeps showing the previous list until its answer
// comes: the list stays put instead of flashing a skeleton.
export const customersQuery = (f: customer.ListFilter) => ({ queryKey: keys.customers(f), queryFn: () => call(Customers.List(f)) });
export const useCustomers = (f: customer.ListFilter) => useQuery({ ...customersQuery(f), placeholderData: keepPreviousData });
export const useCustomer = (id: number) => useQuery({ queryKey: keys.customer(id), queryFn: () => call(Customers.Get(id)), enabled: id > 0 });

const touched = (id?: number) => [keys.customersAll, keys.clustersAll, keys.dashboard, ["cluster"], ...(id ? [keys.customer(id)] : [])];

export const useCreateCustomer = () =>
  useAppMutation((v: customer.Input) => Customers.Create(v), { invalidate: () => touched(), success: (c) => `Customer '${c.name}' created.`, silentErrors: true });
export const useUpdateCustomer = () =>
  useAppMutation((v: customer.UpdateInput) => Customers.Update(v), { invalidate: (v) => touched(v.id), success: (c) => `Customer '${c.name}' saved.`, silentErrors: true });
export const useArchiveCustomer = () =>
  useAppMutation((id: number) => Customers.Archive(id), { invalidate: (id) => touched(id), success: (c) => `Customer '${c.name}' archived.` });
export const useRestoreCustomer = () =>
  useAppMutation((id: number) => Customers.Restore(id), { invalidate: (id) => touched(id), success: (c) => `Customer '${c.name}' restored.` });

// The fleet from a spreadsheet (backend/customer/import.go). A preview is a
// read: nothing is written until useImportCustomers.
export const useImportPreview = (input: customer.ImportInput | null, file: number) =>
  useQuery({
    queryKey: keys.importPreview(file, input?.createClusters, input?.update),
    queryFn: () => call(Customers.ImportPreview(input!)),
    enabled: input !== null,
    placeholderData: keepPreviousData,
    retry: false,
    staleTime: 0,
    gcTime: 0,
  });

/** importSummary is the toast after an import, in numbers. */
export function importSummary(r: customer.ImportResult): string {
  const customers = (n: number) => `${n.toLocaleString()} customer${n === 1 ? "" : "s"}`;
  const parts = [];
  if (r.created) parts.push(`${customers(r.created)} created`);
  if (r.updated) parts.push(r.created ? `${r.updated.toLocaleString()} updated` : `${customers(r.updated)} updated`);
  if (r.unchanged) parts.push(`${r.unchanged.toLocaleString()} already up to date`);
  const cl = r.clustersCreated ?? [];
  const clusters = cl.length ? `; new cluster${cl.length === 1 ? "" : "s"}: ${cl.join(", ")}` : "";
  return `Imported: ${parts.join(", ")}${clusters}.`;
}

export const useImportCustomers = () =>
  useAppMutation((v: customer.ImportInput) => Customers.Import(v), {
    invalidate: () => [...touched(), keys.customerAll],
    success: (r) => importSummary(r),
    silentErrors: true,
  });

/** chooseCSV opens the native file picker for a customers file and returns
 * its text ("" when cancelled). */
export const chooseCSV = () => call(System.ChooseCSV());

const today = () => new Date().toISOString().slice(0, 10);

/** useExportCustomers writes every active customer to a file the operator
 * picks in the save dialog. */
export const useExportCustomers = () =>
  useAppMutation(async () => System.SaveCSV(`shipdeck-customers-${today()}.csv`, await Customers.Export()), {
    success: (path) => (path ? `Customers exported to ${path}.` : undefined),
  });
