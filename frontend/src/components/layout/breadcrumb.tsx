import { Fragment } from "react";
import { Link, useLocation } from "react-router";
import { ChevronRight } from "lucide-react";
import { useCrumbNames } from "./crumbs";

const labels: Record<string, string> = {
  clusters: "Clusters",
  customers: "Customers",
  releases: "Releases",
  settings: "Settings",
  new: "New",
  edit: "Edit",
  steps: "Template steps",
  activity: "Activity",
};

/** Breadcrumb derives its trail from the path; pages name the ids. */
export function Breadcrumb() {
  const { pathname } = useLocation();
  const names = useCrumbNames();
  const parts = pathname.split("/").filter(Boolean);
  const crumbs = [{ to: "/", label: "Dashboard" }];
  parts.forEach((p, i) => {
    // /releases/:id/customer/:cid and /releases/:id/focus/:cid: the
    // customer's crumb stands for both parts.
    if ((p === "customer" || p === "focus") && parts[0] === "releases") return;
    const to = "/" + parts.slice(0, i + 1).join("/");
    crumbs.push({ to, label: names[to] ?? labels[p] ?? `#${p}` });
  });
  return (
    <nav aria-label="Breadcrumb" className="flex min-w-0 items-center gap-1 text-[13px]">
      {crumbs.map((c, i) => (
        <Fragment key={c.to}>
          {i > 0 && <ChevronRight className="size-3.5 shrink-0 text-muted-foreground" aria-hidden />}
          {i === crumbs.length - 1 ? (
            <span className="truncate font-medium" aria-current="page">
              {c.label}
            </span>
          ) : (
            <Link to={c.to} className="truncate text-muted-foreground hover:text-foreground">
              {c.label}
            </Link>
          )}
        </Fragment>
      ))}
    </nav>
  );
}
