import { useQuery, useQueryClient } from "@tanstack/react-query";
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

const defaultPreferences: settings.Preferences = { sidebarCollapsed: false, zoom: 100, wrapCode: false };

/** usePreferences is how the operator left the window, and a setter that
 * shows the change at once and stores it with the workspace. */
export function usePreferences(): [settings.Preferences, (change: Partial<settings.Preferences>) => void] {
  const qc = useQueryClient();
  const { data } = useSettings();
  const save = useAppMutation((p: settings.Preferences) => Settings.SavePreferences(p), { invalidate: () => [keys.settings] });
  const update = (change: Partial<settings.Preferences>) => {
    // Read the cache, not the render's copy: menu events call this from
    // listeners registered once.
    const current = qc.getQueryData<settings.Settings>(keys.settings);
    const next = { ...defaultPreferences, ...current?.preferences, ...change };
    if (current) qc.setQueryData(keys.settings, { ...current, preferences: next });
    save.mutate(next);
  };
  return [data?.preferences ?? defaultPreferences, update];
}

export const zoomLevels = [67, 80, 90, 100, 110, 125, 150, 175];

export const useLoadSample = () =>
  useAppMutation(() => Sample.Load(), {
    invalidate: () => [keys.dashboard, keys.clustersAll, keys.customersAll, keys.releases],
    success: () => "Sample workspace loaded.",
  });

export const openDataDir = () => call(System.OpenDataDir());
export const openLog = () => call(System.OpenLog());
export const chooseFile = (title: string) => call(System.ChooseFile(title));
export const copyToClipboard = (text: string) => call(System.CopyToClipboard(text));

/** useConnectTeam tries a team database and, when it answers, makes it
 * the window's workspace (Go keeps the password in the keychain). */
export const useConnectTeam = () =>
  useAppMutation((t: { url: string; password: string; operator: string }) => System.ConnectTeam(t), {
    invalidate: () => [],
    success: (s) => `Connected to the team database ${s.teamName}.`,
  });

/** useUseThisComputer switches back to the data directory's file. */
export const useUseThisComputer = () =>
  useAppMutation(() => System.UseThisComputer(), { invalidate: () => [], success: () => "This computer's workspace is open." });
