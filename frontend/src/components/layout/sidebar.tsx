import { NavLink } from "react-router";
import { LayoutDashboard, Server, Users, Rocket, Settings, Ship, Info } from "lucide-react";
import { cn } from "@/lib/utils";
import { useDashboard } from "@/api/system";

const items = [
  { to: "/", label: "Dashboard", icon: LayoutDashboard, end: true },
  { to: "/releases", label: "Releases", icon: Rocket },
  { to: "/clusters", label: "Clusters", icon: Server },
  { to: "/customers", label: "Customers", icon: Users },
];

const link = ({ isActive }: { isActive: boolean }) =>
  cn(
    "flex items-center gap-2.5 rounded-md px-2.5 py-1.5 text-[13px] text-muted-foreground transition-colors hover:bg-muted hover:text-foreground",
    isActive && "bg-card font-medium text-foreground shadow-xs ring-1 ring-border",
  );

export function Sidebar({ onAbout }: { onAbout: () => void }) {
  const { data } = useDashboard();
  const active = data?.active ?? [];
  return (
    <aside className="flex w-56 shrink-0 flex-col border-r border-border bg-sidebar">
      <div className="flex h-12 items-center gap-2 px-4">
        <div className="flex size-7 items-center justify-center rounded-lg bg-primary text-primary-foreground">
          <Ship className="size-4" aria-hidden />
        </div>
        <span className="text-[15px] font-semibold tracking-tight">Shipdeck</span>
      </div>
      <nav className="flex flex-col gap-0.5 px-2 py-2" aria-label="Main">
        {items.map(({ to, label, icon: Icon, end }) => (
          <NavLink key={to} to={to} end={end} className={link}>
            <Icon className="size-4" aria-hidden />
            {label}
          </NavLink>
        ))}
      </nav>
      {active.length > 0 && (
        <div className="mt-3 px-2">
          <div className="px-2.5 pb-1 text-[11px] font-medium uppercase tracking-wider text-muted-foreground">Active releases</div>
          {active.slice(0, 6).map((r) => (
            <NavLink key={r.id} to={`/releases/${r.id}`} end className={link}>
              <span className="size-1.5 shrink-0 rounded-full bg-done" aria-hidden />
              <span className="min-w-0 flex-1 truncate">{r.name}</span>
              <span className="text-[11px] tabular-nums">{r.progress.percent}%</span>
            </NavLink>
          ))}
        </div>
      )}
      <div className="mt-auto grid gap-0.5 px-2 pb-3">
        <button type="button" onClick={onAbout} className={link({ isActive: false })}>
          <Info className="size-4" aria-hidden />
          About
        </button>
        <NavLink to="/settings" className={link}>
          <Settings className="size-4" aria-hidden />
          Settings
        </NavLink>
      </div>
    </aside>
  );
}
