import { useEffect, useState } from "react";
import { Outlet, useLocation, useNavigate } from "react-router";
import { Toaster } from "sonner";
import { Lock, WifiOff } from "lucide-react";
import { toast } from "sonner";
import { useQueryClient } from "@tanstack/react-query";
import { Sidebar } from "./sidebar";
import { Header } from "./header";
import { CrumbProvider } from "./crumbs";
import { TooltipProvider } from "@/components/ui/misc";
import { AboutDialog } from "@/components/about-dialog";
import { BackupActions } from "@/components/settings/backup-panel";
import { CustomerMenuActions } from "@/components/customers/menu-actions";
import { StartupErrorPage } from "@/components/startup/startup-error";
import { keys } from "@/api/client";
import { stepKeys } from "@/api/steps";
import { usePreferences, useSettings, useStatus, zoomLevels } from "@/api/system";
import { applyTheme, type Theme } from "@/lib/theme";
import { useAppEvent, type DBChange } from "@/lib/events";
import { useRunEvents } from "@/api/runs";
import { runEdit, type EditCommand } from "@/lib/edit-commands";
import { FrozenContext } from "@/lib/frozen";
import { FrozenFields } from "@/components/ui/frozen-fields";

export function AppShell() {
  const status = useStatus();
  const settings = useSettings();
  const [about, setAbout] = useState(false);
  // A page is remounted when the path changes, so a form or a panel never
  // carries state from one record to another.
  const { pathname } = useLocation();
  const navigate = useNavigate();
  const theme = (settings.data?.theme ?? "system") as Theme;
  // Until the settings have loaded, the page keeps the theme index.html
  // was served with (the shell puts it there), so it never flashes.
  useEffect(() => (settings.data ? applyTheme(theme) : undefined), [settings.data, theme]);
  const [prefs, setPrefs] = usePreferences();
  useEffect(() => {
    document.documentElement.style.setProperty("zoom", String(prefs.zoom / 100));
  }, [prefs.zoom]);
  useAppEvent("menu:about", () => setAbout(true));
  useAppEvent("menu:settings", () => navigate("/settings"));
  useAppEvent("menu:toggle-sidebar", () => setPrefs({ sidebarCollapsed: !prefs.sidebarCollapsed }));
  useAppEvent("menu:zoom", (dir: string) => {
    const i = zoomLevels.indexOf(prefs.zoom);
    const next = dir === "reset" ? 100 : zoomLevels[Math.min(zoomLevels.length - 1, Math.max(0, (i < 0 ? zoomLevels.indexOf(100) : i) + (dir === "in" ? 1 : -1)))];
    if (next !== prefs.zoom) setPrefs({ zoom: next });
  });
  useAppEvent("menu:edit", (cmd: EditCommand) => void runEdit(cmd));
  // A release's own pages answer File → Export release… themselves.
  useAppEvent("menu:export-release", () => {
    if (!/^\/releases\/\d+(\/steps)?$/.test(pathname)) toast.info("Open a release first: File → Export release… exports the release on screen.");
  });
  useRunEvents();
  // The open can fail after the page loaded (another program held the
  // file): show the start-up page then. A retry or a restore that opens it
  // makes everything on screen stale.
  const qc = useQueryClient();
  useAppEvent("startup:failed", () => void qc.invalidateQueries({ queryKey: keys.status }));
  useAppEvent("startup:ready", () => void qc.invalidateQueries());
  // A change made outside the window (the command line, another program):
  // refetch what it touched — the named releases and steps, or everything
  // when Go cannot tell.
  useAppEvent("db:changed", (c: DBChange) => {
    if (c.all) return void qc.invalidateQueries();
    for (const r of c.releases) for (const k of stepKeys(r)) void qc.invalidateQueries({ queryKey: k });
    for (const id of c.steps) void qc.invalidateQueries({ queryKey: keys.step(id) });
  });
  // The team database went out of reach, or came back: the status says
  // which; back, everything on screen is refetched (the watch also sends
  // db:changed).
  useAppEvent("workspace:online", () => void qc.invalidateQueries({ queryKey: keys.status }));
  useAppEvent("backup:failed", (msg: string) =>
    toast.error(msg, { duration: Infinity, action: { label: "Settings", onClick: () => navigate("/settings") } }),
  );

  const toaster = <Toaster position="bottom-right" richColors closeButton theme={theme === "system" ? "system" : theme} toastOptions={{ className: "text-[13px]" }} />;
  if (status.data && !status.data.ready) {
    return (
      <>
        <StartupErrorPage status={status.data} />
        {toaster}
      </>
    );
  }

  // Offline, what is on screen stays, read-only. Settings stay usable: they
  // hold the way back to this computer's workspace.
  const frozen = Boolean(status.data?.offline) && !pathname.startsWith("/settings");
  return (
    <TooltipProvider>
      <CrumbProvider>
        <div className="flex h-full">
          <Sidebar onAbout={() => setAbout(true)} collapsed={prefs.sidebarCollapsed} onToggle={() => setPrefs({ sidebarCollapsed: !prefs.sidebarCollapsed })} />
          <div className="flex min-w-0 flex-1 flex-col">
            <Header />
            {status.data?.readOnly && (
              <div role="status" className="flex items-center gap-2 border-b border-amber-500/30 bg-amber-500/10 px-4 py-1.5 text-[13px]" data-testid="read-only-banner">
                <Lock className="size-4 shrink-0 text-amber-600" aria-hidden />
                <span><span className="font-medium">Read-only:</span> {status.data.readOnlyReason} Every change is refused until Shipdeck can write the file.</span>
              </div>
            )}
            {status.data?.offline && (
              <div role="status" className="flex items-center gap-2 border-b border-amber-500/30 bg-amber-500/10 px-4 py-1.5 text-[13px]" data-testid="offline-banner">
                <WifiOff className="size-4 shrink-0 text-amber-600" aria-hidden />
                <span><span className="font-medium">Offline:</span> the team database {status.data.teamName} cannot be reached. What you see is kept as it was, read-only, until it is back; Shipdeck reconnects by itself.</span>
              </div>
            )}
            <FrozenContext.Provider value={frozen}>
              <main key={pathname} className="min-h-0 flex-1 overflow-auto">
                <FrozenFields testId="page-controls">
                  <Outlet />
                </FrozenFields>
              </main>
            </FrozenContext.Provider>
          </div>
        </div>
        <AboutDialog open={about} onOpenChange={setAbout} />
        <BackupActions />
        <CustomerMenuActions />
        {toaster}
      </CrumbProvider>
    </TooltipProvider>
  );
}
