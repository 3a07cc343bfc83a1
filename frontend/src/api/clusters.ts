import { useQuery } from "@tanstack/react-query";
import * as Clusters from "@wails/go/cluster/Service";
import type { cluster } from "@wails/go/models";
import { call, keys, useAppMutation } from "./client";

export const useClusters = (includeArchived = false) =>
  useQuery({ queryKey: keys.clusters(includeArchived), queryFn: () => call(Clusters.List(includeArchived)) });
export const useCluster = (id: number) => useQuery({ queryKey: keys.cluster(id), queryFn: () => call(Clusters.Get(id)), enabled: id > 0 });

const touched = (id?: number) => [keys.clustersAll, keys.dashboard, keys.customersAll, ...(id ? [keys.cluster(id)] : [])];

export const useCreateCluster = () =>
  useAppMutation((v: cluster.Input) => Clusters.Create(v), { invalidate: () => touched(), success: (c) => `Cluster '${c.name}' created.`, silentErrors: true });
export const useUpdateCluster = () =>
  useAppMutation((v: cluster.UpdateInput) => Clusters.Update(v), { invalidate: (v) => touched(v.id), success: (c) => `Cluster '${c.name}' saved.`, silentErrors: true });
export const useArchiveCluster = () =>
  useAppMutation((id: number) => Clusters.Archive(id), { invalidate: (id) => touched(id), success: (c) => `Cluster '${c.name}' archived.` });
export const useRestoreCluster = () =>
  useAppMutation((id: number) => Clusters.Restore(id), { invalidate: (id) => touched(id), success: (c) => `Cluster '${c.name}' restored.` });
