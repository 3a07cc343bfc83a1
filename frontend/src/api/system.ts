import { useQuery } from "@tanstack/react-query";
import * as System from "@wails/go/app/System";
import * as Settings from "@wails/go/settings/Service";
import * as Dashboard from "@wails/go/dashboard/Service";
import * as Sample from "@wails/go/sample/Service";
import type { settings } from "@wails/go/models";
import { call, keys, useAppMutation } from "./client";

export const useStatus = () => useQuery({ queryKey: keys.status, queryFn: () => call(System.Status()) });
export const useDashboard = () => useQuery({ queryKey: keys.dashboard, queryFn: () => call(Dashboard.Overview()) });
export const useSettings = () => useQuery({ queryKey: keys.settings, queryFn: () => call(Settings.Get()) });

export const useSaveSettings = () =>
  useAppMutation((u: settings.Update) => Settings.Save(u), { invalidate: () => [keys.settings], success: () => "Settings saved." });

export const useLoadSample = () =>
  useAppMutation(() => Sample.Load(), {
    invalidate: () => [keys.dashboard, keys.clustersAll, keys.customersAll, keys.releases],
    success: () => "Sample workspace loaded.",
  });

export const openDataDir = () => call(System.OpenDataDir());
export const chooseFile = (title: string) => call(System.ChooseFile(title));
export const copyToClipboard = (text: string) => call(System.CopyToClipboard(text));
