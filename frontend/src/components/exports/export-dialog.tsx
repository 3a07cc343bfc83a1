import { useState } from "react";
import { Download, X } from "lucide-react";
import { report, release } from "@wails/go/models";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { NativeSelect } from "@/components/ui/input";
import { useRelease } from "@/api/releases";
import { cancelExport, useExportReport } from "@/api/exports";
import { useAppEvent } from "@/lib/events";
import { cn } from "@/lib/utils";

const formats: { f: report.Format; label: string; hint: string }[] = [
  { f: report.Format.MARKDOWN, label: "Markdown", hint: "For a ticket: summary, exceptions, then each customer's steps." },
  { f: report.Format.HTML, label: "HTML", hint: "One self-contained, printable page with highlighted code." },
  { f: report.Format.CSV, label: "CSV", hint: "One row per customer step, for a spreadsheet." },
  { f: report.Format.JSON, label: "JSON", hint: "The whole record, in the documented schema." },
];

/** ExportDialog exports a release's report: the format, and what it
 * covers — the whole release, one cluster, the customers the matrix's
 * filters show, or one customer. */
export function ExportDialog({ r, customer, filtered, onClose }: { r: release.Release; customer?: { id: number; name: string }; filtered?: { ids: number[]; label: string }; onClose: () => void }) {
  const detail = useRelease(r.id);
  const exp = useExportReport();
  const [format, setFormat] = useState<report.Format>(report.Format.MARKDOWN);
  const [scope, setScope] = useState<"release" | "cluster" | "filtered" | "customer">(customer ? "customer" : "release");
  const [clusterId, setClusterId] = useState(0);
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  useAppEvent("export:progress", (p: { done: number; total: number }) => setProgress(p));
  const clusters = detail.data?.clusters ?? [];
  const cluster = clusterId || clusters[0]?.id || 0;
  const selection: report.Selection = {
    releaseId: r.id,
    clusterId: scope === "cluster" ? cluster : 0,
    customerIds: scope === "customer" && customer ? [customer.id] : scope === "filtered" && filtered ? filtered.ids : [],
  };
  const run = () => {
    setProgress(null);
    exp.mutate({ selection, format }, { onSuccess: (res) => !res.cancelled && onClose(), onSettled: () => setProgress(null) });
  };
  return (
    <Dialog
      open
      onOpenChange={(o) => !o && !exp.isPending && onClose()}
      title={`Export '${r.name}'`}
      description="A report of what was done, skipped, reverted or is pending, where, by whom and when."
      footer={
        exp.isPending ? (
          <Button variant="outline" onClick={() => void cancelExport()}><X /> Cancel export</Button>
        ) : (
          <>
            <Button variant="outline" onClick={onClose}>Cancel</Button>
            <Button onClick={run} disabled={scope === "cluster" && !cluster}><Download /> Export…</Button>
          </>
        )
      }
    >
      <div className="grid gap-4 text-[13px]">
        <fieldset className="grid grid-cols-2 gap-2">
          <legend className="mb-1.5 font-medium">Format</legend>
          {formats.map((x) => (
            <label key={x.f} className={cn("flex cursor-pointer gap-2 rounded-lg border p-2.5", format === x.f ? "border-primary bg-accent/60" : "border-border")}>
              <input type="radio" name="format" value={x.f} checked={format === x.f} onChange={() => setFormat(x.f)} className="mt-0.5 accent-[var(--primary)]" />
              <span>
                <span className="block font-medium">{x.label}</span>
                <span className="block text-xs text-muted-foreground">{x.hint}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <fieldset className="grid gap-1.5">
          <legend className="mb-1.5 font-medium">What it covers</legend>
          <label className="flex items-center gap-2"><input type="radio" name="scope" checked={scope === "release"} onChange={() => setScope("release")} className="accent-[var(--primary)]" /> The whole release</label>
          <label className="flex items-center gap-2">
            <input type="radio" name="scope" checked={scope === "cluster"} onChange={() => setScope("cluster")} className="accent-[var(--primary)]" /> One cluster
            <NativeSelect className="ml-2 h-7 w-48 text-xs" value={cluster} disabled={scope !== "cluster"} onChange={(e) => setClusterId(Number(e.target.value))} aria-label="Cluster">
              {clusters.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
            </NativeSelect>
          </label>
          {filtered && (
            <label className="flex items-center gap-2">
              <input type="radio" name="scope" checked={scope === "filtered"} onChange={() => setScope("filtered")} disabled={filtered.ids.length === 0} className="accent-[var(--primary)]" /> What the matrix shows: {filtered.label}
            </label>
          )}
          {customer && (
            <label className="flex items-center gap-2"><input type="radio" name="scope" checked={scope === "customer"} onChange={() => setScope("customer")} className="accent-[var(--primary)]" /> {customer.name} only</label>
          )}
        </fieldset>
        {exp.isPending && (
          <div className="grid gap-1" role="status">
            <div className="h-1.5 overflow-hidden rounded-full bg-muted">
              <div className="h-full bg-primary transition-all" style={{ width: progress && progress.total ? `${Math.round((progress.done * 100) / progress.total)}%` : "5%" }} />
            </div>
            <span className="text-xs text-muted-foreground">{progress ? `${progress.done.toLocaleString()} of ${progress.total.toLocaleString()} steps written` : "Choose where to save it…"}</span>
          </div>
        )}
      </div>
    </Dialog>
  );
}
