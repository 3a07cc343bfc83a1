import { useState } from "react";
import { Search } from "lucide-react";
import type { release } from "@wails/go/models";
import { Input } from "@/components/ui/input";
import { useClusters } from "@/api/clusters";
import { useCustomers } from "@/api/customers";
import { useTargetPreview } from "@/api/releases";
import { plural } from "@/lib/format";
import { cn } from "@/lib/utils";

/** TargetMode is how the picker shows targets; "selected" targets are
 * clusters or customers. */
export type TargetMode = "all" | "clusters" | "customers";

export interface TargetChoice {
  mode: TargetMode;
  clusterIds: number[];
  customerIds: number[];
}

/** toTargets is the choice as the Go side takes it. */
export const toTargets = (c: TargetChoice): release.Targets =>
  c.mode === "all"
    ? { mode: "all", clusterIds: [], customerIds: [] }
    : { mode: "selected", clusterIds: c.mode === "clusters" ? c.clusterIds : [], customerIds: c.mode === "customers" ? c.customerIds : [] };

/** fromTargets is a release's targets as the picker shows them. */
export const fromTargets = (t: release.Targets): TargetChoice =>
  t.mode !== "selected" ? { mode: "all", clusterIds: [], customerIds: [] } : t.clusterIds.length > 0 ? { mode: "clusters", clusterIds: t.clusterIds, customerIds: [] } : { mode: "customers", clusterIds: [], customerIds: t.customerIds };

/** TargetPicker chooses who a release is for: everyone, the customers of
 * some clusters, or some customers (with a search). How many that is today
 * comes from the Go side, by the rule activation uses. */
export function TargetPicker({ value, onChange }: { value: TargetChoice; onChange: (c: TargetChoice) => void }) {
  const clusters = useClusters(false);
  const customers = useCustomers({ includeArchived: false, clusterId: 0, search: "" });
  const preview = useTargetPreview(toTargets(value));
  const [q, setQ] = useState("");
  const toggle = (list: number[], id: number) => (list.includes(id) ? list.filter((x) => x !== id) : [...list, id]);
  const query = q.trim().toLowerCase();
  const shown = (customers.data ?? []).filter((c) => !query || c.name.toLowerCase().includes(query) || c.namespace.includes(query) || c.clusterName.toLowerCase().includes(query));
  return (
    <div className="grid gap-4">
      <fieldset className="grid gap-2">
        <legend className="mb-1 text-[13px] font-medium">Who is this release for?</legend>
        {[
          { v: "all", t: "All active customers", d: "Everyone active when you activate the release." },
          { v: "clusters", t: "Customers of chosen clusters", d: "Every active customer on the clusters you pick." },
          { v: "customers", t: "Chosen customers", d: "A hotfix for a few, or an onboarding for one." },
        ].map((o) => (
          <label key={o.v} className={cn("flex cursor-pointer items-start gap-3 rounded-lg border p-3", value.mode === o.v ? "border-primary bg-accent/60" : "border-border")}>
            <input type="radio" name="target-mode" value={o.v} checked={value.mode === o.v} onChange={() => onChange({ ...value, mode: o.v as TargetMode })} className="mt-0.5 accent-[var(--primary)]" />
            <span>
              <span className="block text-[13px] font-medium">{o.t}</span>
              <span className="block text-xs text-muted-foreground">{o.d}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {value.mode === "clusters" && (
        <div className="grid grid-cols-2 gap-1">
          {clusters.data?.map((c) => (
            <label key={c.id} className="flex min-w-0 items-center gap-2 rounded-md px-2 py-1.5 text-[13px] hover:bg-muted">
              <input type="checkbox" checked={value.clusterIds.includes(c.id)} onChange={() => onChange({ ...value, clusterIds: toggle(value.clusterIds, c.id) })} className="accent-[var(--primary)]" />
              <span className="truncate" title={c.name}>{c.name}</span> <span className="shrink-0 text-xs text-muted-foreground">{plural(c.customerCount, "customer")}</span>
            </label>
          ))}
        </div>
      )}
      {value.mode === "customers" && (
        <div className="grid gap-2">
          <div className="relative">
            <Search className="absolute left-2.5 top-2 size-4 text-muted-foreground" aria-hidden />
            <Input className="pl-8" placeholder="Search customers, namespaces, clusters" value={q} onChange={(e) => setQ(e.target.value)} aria-label="Search customers" />
          </div>
          <div className="grid max-h-64 grid-cols-2 gap-1 overflow-auto" data-testid="customer-checklist">
            {shown.map((c) => (
              <label key={c.id} className="flex min-w-0 items-center gap-2 rounded-md px-2 py-1.5 text-[13px] hover:bg-muted">
                <input type="checkbox" checked={value.customerIds.includes(c.id)} onChange={() => onChange({ ...value, customerIds: toggle(value.customerIds, c.id) })} className="accent-[var(--primary)]" />
                <span className="truncate" title={c.name}>{c.name}</span> <span className="truncate text-xs text-muted-foreground">{c.clusterName}</span>
              </label>
            ))}
            {shown.length === 0 && <p className="col-span-2 px-2 text-xs text-muted-foreground">No customer matches.</p>}
          </div>
        </div>
      )}
      <p className="text-xs text-muted-foreground" data-testid="target-count">
        {preview.data === undefined ? (preview.error ? preview.error.message : "Counting…") : `Today that is ${plural(preview.data, "customer")}.`}
      </p>
    </div>
  );
}
