import { NavLink } from "react-router";
import { LayoutDashboard, Server, Users, Rocket, Settings, Ship } from "lucide-react";
import { cn } from "@/lib/utils";

const items = [
  { to: "/", label: "Dashboard", icon: LayoutDashboard, end: true },
  { to: "/releases", label: "Releases", icon: Rocket },
  { to: "/clusters", label: "Clusters", icon: Server },
  { to: "/customers", label: "Customers", icon: Users },
];

export function Sidebar() {
  return (
    <aside className="flex w-56 shrink-0 flex-col border-r border-border bg-sidebar">
      <div className="flex h-14 items-center gap-2 px-4">
        <div className="flex size-8 items-center justify-center rounded-lg bg-primary text-primary-foreground">
          <Ship className="size-4.5" aria-hidden />
        </div>
        <span className="text-[15px] font-semibold tracking-tight">Shipdeck</span>
      </div>
      <nav className="flex flex-1 flex-col gap-0.5 px-2 py-2" aria-label="Main">
        {items.map(({ to, label, icon: Icon, end }) => (
          <NavLink
            key={to}
            to={to}
            end={end}
            className={({ isActive }) =>
              cn(
                "flex items-center gap-2.5 rounded-md px-2.5 py-1.5 text-sm text-muted-foreground transition-colors hover:bg-muted hover:text-foreground",
                isActive && "bg-card font-medium text-foreground shadow-sm ring-1 ring-border",
              )
            }
          >
            <Icon className="size-4" aria-hidden />
            {label}
          </NavLink>
        ))}
      </nav>
      <div className="px-2 pb-3">
        <NavLink
          to="/settings"
          className={({ isActive }) =>
            cn(
              "flex items-center gap-2.5 rounded-md px-2.5 py-1.5 text-sm text-muted-foreground hover:bg-muted hover:text-foreground",
              isActive && "bg-card font-medium text-foreground shadow-sm ring-1 ring-border",
            )
          }
        >
          <Settings className="size-4" aria-hidden />
          Settings
        </NavLink>
      </div>
    </aside>
  );
}
