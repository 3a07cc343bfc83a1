import { keepPreviousData, useQuery } from "@tanstack/react-query";
import * as Customers from "@wails/go/customer/Service";
import type { customer } from "@wails/go/models";
import { call, keys, useAppMutation } from "./client";

// A new search or filter keeps showing the previous list until its answer
// comes: the list stays put instead of flashing a skeleton.
export const useCustomers = (f: customer.ListFilter) =>
  useQuery({ queryKey: keys.customers(f), queryFn: () => call(Customers.List(f)), placeholderData: keepPreviousData });
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
