import { NavLink } from "react-router";
import { LayoutDashboard, Server, Users, Rocket, Settings, Ship, Info, PanelLeftClose, PanelLeftOpen, Database, HardDrive } from "lucide-react";
import type { ReactNode } from "react";
import { cn } from "@/lib/utils";
import { useDashboard, useStatus } from "@/api/system";
import { Tooltip } from "@/components/ui/misc";

const items = [
  { to: "/", label: "Dashboard", icon: LayoutDashboard, end: true },
  { to: "/releases", label: "Releases", icon: Rocket },
  { to: "/clusters", label: "Clusters", icon: Server },
  { to: "/customers", label: "Customers", icon: Users },
];

const link = (collapsed: boolean) => ({ isActive }: { isActive: boolean }) =>
  cn(
    "flex items-center gap-2.5 rounded-md py-1.5 text-[13px] text-muted-foreground transition-colors hover:bg-muted hover:text-foreground",
    collapsed ? "justify-center px-0" : "px-2.5",
    isActive && "bg-card font-medium text-foreground shadow-xs ring-1 ring-border",
  );

/** Tip names an icon-only item when the sidebar is collapsed. */
function Tip({ on, label, children }: { on: boolean; label: string; children: ReactNode }) {
  return on ? (
    <Tooltip content={label} side="right">
      {children}
    </Tooltip>
  ) : (
    <>{children}</>
  );
}

export function Sidebar({ onAbout, collapsed, onToggle }: { onAbout: () => void; collapsed: boolean; onToggle: () => void }) {
  const { data } = useDashboard();
  const status = useStatus().data;
  const active = data?.active ?? [];
  const cls = link(collapsed);
  return (
    <aside className={cn("flex shrink-0 flex-col border-r border-border bg-sidebar transition-[width] duration-150", collapsed ? "w-14" : "w-56")} aria-label="Sidebar" data-collapsed={collapsed}>
      <div className={cn("flex h-12 items-center gap-2", collapsed ? "justify-center" : "px-4")}>
        <div className="flex size-7 shrink-0 items-center justify-center rounded-lg bg-primary text-primary-foreground">
          <Ship className="size-4" aria-hidden />
        </div>
        {!collapsed && <span className="text-[15px] font-semibold tracking-tight">Shipdeck</span>}
      </div>
      {status?.ready && (
        <Tip on={collapsed} label={status.team ? `Team database: ${status.teamName}` : "This computer's workspace"}>
          <NavLink to="/settings" className={cn("mx-2 flex items-center gap-2 rounded-md border border-border px-2 py-1 text-[12px] text-muted-foreground hover:bg-muted", collapsed && "justify-center px-0")} data-testid="workspace-name" aria-label={collapsed ? (status.team ? `Team database ${status.teamName}` : "This computer") : undefined}>
            {status.team ? <Database className={cn("size-3.5 shrink-0", status.offline ? "text-amber-600" : "text-primary")} aria-hidden /> : <HardDrive className="size-3.5 shrink-0" aria-hidden />}
            {!collapsed && <span className="min-w-0 truncate" title={status.team || status.databasePath}>{status.team ? status.teamName : "This computer"}</span>}
            {!collapsed && status.offline && <span className="ml-auto text-[11px] text-amber-600">offline</span>}
          </NavLink>
        </Tip>
      )}
      <nav className="flex flex-col gap-0.5 px-2 py-2" aria-label="Main">
        {items.map(({ to, label, icon: Icon, end }) => (
          <Tip key={to} on={collapsed} label={label}>
            <NavLink to={to} end={end} className={cls} aria-label={collapsed ? label : undefined}>
              <Icon className="size-4 shrink-0" aria-hidden />
              {!collapsed && label}
            </NavLink>
          </Tip>
        ))}
      </nav>
      {active.length > 0 && !collapsed && (
        <div className="mt-3 px-2">
          <div className="px-2.5 pb-1 text-[11px] font-medium uppercase tracking-wider text-muted-foreground">Active releases</div>
          {active.slice(0, 6).map((r) => (
            <NavLink key={r.id} to={`/releases/${r.id}`} end className={cls} title={r.name}>
              <span className="size-1.5 shrink-0 rounded-full bg-done" aria-hidden />
              <span className="min-w-0 flex-1 truncate">{r.name}</span>
              <span className="text-[11px] tabular-nums">{r.progress.percent}%</span>
            </NavLink>
          ))}
        </div>
      )}
      <div className="mt-auto grid gap-0.5 px-2 pb-3">
        <Tip on={collapsed} label="About">
          <button type="button" onClick={onAbout} className={cls({ isActive: false })} aria-label={collapsed ? "About" : undefined}>
            <Info className="size-4 shrink-0" aria-hidden />
            {!collapsed && "About"}
          </button>
        </Tip>
        <Tip on={collapsed} label="Settings">
          <NavLink to="/settings" className={cls} aria-label={collapsed ? "Settings" : undefined}>
            <Settings className="size-4 shrink-0" aria-hidden />
            {!collapsed && "Settings"}
          </NavLink>
        </Tip>
        <Tip on label={collapsed ? "Expand sidebar (Ctrl+B)" : "Collapse sidebar (Ctrl+B)"}>
          <button type="button" onClick={onToggle} className={cls({ isActive: false })} aria-label={collapsed ? "Expand sidebar" : "Collapse sidebar"} aria-expanded={!collapsed}>
            {collapsed ? <PanelLeftOpen className="size-4 shrink-0" aria-hidden /> : <PanelLeftClose className="size-4 shrink-0" aria-hidden />}
            {!collapsed && "Collapse"}
          </button>
        </Tip>
      </div>
    </aside>
  );
}
