import { useEffect, useState } from "react";
import { Outlet, useLocation, useNavigate } from "react-router";
import { Toaster } from "sonner";
import { AlertTriangle } from "lucide-react";
import { Sidebar } from "./sidebar";
import { Header } from "./header";
import { CrumbProvider } from "./crumbs";
import { TooltipProvider } from "@/components/ui/misc";
import { AboutDialog } from "@/components/about-dialog";
import { BackupActions } from "@/components/settings/backup-panel";
import { usePreferences, useSettings, useStatus, zoomLevels } from "@/api/system";
import { applyTheme, type Theme } from "@/lib/theme";
import { useAppEvent } from "@/lib/events";
import { runEdit, type EditCommand } from "@/lib/edit-commands";

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

  if (status.data && !status.data.ready) {
    return (
      <div className="flex h-full items-center justify-center p-8">
        <div className="max-w-lg rounded-xl border border-border bg-card p-6 shadow-sm">
          <div className="flex items-center gap-2 text-destructive">
            <AlertTriangle className="size-5" aria-hidden />
            <h1 className="text-base font-semibold">Shipdeck could not open its database</h1>
          </div>
          <p className="mt-3 text-[13px]" data-selectable>{status.data.error}</p>
          <p className="mt-3 text-xs text-muted-foreground">
            Data directory: <span className="font-mono" data-selectable>{status.data.dataDir}</span>. Nothing was changed. Close this window and try again; if
            another Shipdeck is running, switch to it.
          </p>
        </div>
      </div>
    );
  }

  return (
    <TooltipProvider>
      <CrumbProvider>
        <div className="flex h-full">
          <Sidebar onAbout={() => setAbout(true)} collapsed={prefs.sidebarCollapsed} onToggle={() => setPrefs({ sidebarCollapsed: !prefs.sidebarCollapsed })} />
          <div className="flex min-w-0 flex-1 flex-col">
            <Header />
            <main key={pathname} className="min-h-0 flex-1 overflow-auto">
              <Outlet />
            </main>
          </div>
        </div>
        <AboutDialog open={about} onOpenChange={setAbout} />
        <BackupActions />
        <Toaster position="bottom-right" richColors closeButton theme={theme === "system" ? "system" : theme} toastOptions={{ className: "text-[13px]" }} />
      </CrumbProvider>
    </TooltipProvider>
  );
}
