import { useRef, useState } from "react";
import { useVirtualizer } from "@tanstack/react-virtual";
import { AlertCircle, FileSpreadsheet, FolderOpen, Upload } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { chooseCSV, useImportCustomers, useImportPreview } from "@/api/customers";
import { toAppError, type AppError } from "@/api/client";
import { plural } from "@/lib/format";
import { cn } from "@/lib/utils";
import type { customer } from "@wails/go/models";

/** CsvFile is a customers file read for an import: its name ("" when the
 * native dialog chose it) and its text. id tells one read from another, so
 * a file chosen again is previewed again. */
export type CsvFile = { id: number; name: string; text: string };

let nextFile = 1;
export const csvFile = (name: string, text: string): CsvFile => ({ id: nextFile++, name, text });

/** The largest file read: Go's limit (customer.MaxImportBytes). */
export const maxImportBytes = 20 << 20;

/** readCsvFile reads a file dropped on the page the way Go reads a chosen
 * one: at most 20 MB, UTF-8 (a byte order mark is fine), with Go's words
 * for what is wrong. */
export async function readCsvFile(f: File): Promise<CsvFile> {
  if (!/\.(csv|txt)$/i.test(f.name)) throw new Error(`${f.name} is not a .csv file: save the spreadsheet as "CSV UTF-8" and drop that file.`);
  if (f.size > maxImportBytes) {
    throw new Error(`${f.name} has ${Math.ceil(f.size / (1 << 20))} MB, far more than a customers file holds (at most 20 MB): check that it is the right file.`);
  }
  const bytes = new Uint8Array(await f.arrayBuffer());
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new Error(`${f.name}: The file is UTF-16 text: save it from the spreadsheet as "CSV UTF-8".`);
  }
  try {
    // ignoreBOM keeps a byte order mark in the text: Go reads it as it reads a chosen file.
    return csvFile(f.name, new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes));
  } catch {
    throw new Error(`${f.name}: The file is not UTF-8 text: save it from the spreadsheet as "CSV UTF-8".`);
  }
}

/** droppedFile is the one file of a drag, if it carries files. */
export const carriesFiles = (e: React.DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes("Files");

const actionLabel: Record<string, { text: string; tone: "done" | "sky" | "neutral" | "rose" }> = {
  create: { text: "New", tone: "done" },
  update: { text: "Update", tone: "sky" },
  unchanged: { text: "Unchanged", tone: "neutral" },
  invalid: { text: "Problem", tone: "rose" },
};

const rowHeight = 32;
const columns = "4rem minmax(0,3fr) minmax(0,3fr) minmax(0,4fr) minmax(0,4fr)";

/** ImportDialog previews a customers file in Go — every row with what an
 * import does with it, every problem with its line, column and sentence —
 * and imports it, all or nothing, once there is no problem left. A file
 * comes from the native dialog, from a drop on the dialog, or from the
 * page that opened it (initial). */
export function ImportDialog({ open, onOpenChange, initial }: { open: boolean; onOpenChange: (open: boolean) => void; initial?: CsvFile | null }) {
  const [file, setFile] = useState<CsvFile | null>(initial ?? null);
  const [readError, setReadError] = useState("");
  const [createClusters, setCreateClusters] = useState(false);
  const [update, setUpdate] = useState(false);
  const [over, setOver] = useState(false);
  const input = file ? { csv: file.text, createClusters, update } : null;
  const preview = useImportPreview(input, file?.id ?? 0);
  const run = useImportCustomers();
  const p = preview.data;
  const previewError = preview.error as unknown as AppError | null;
  const problems = p?.problems ?? [];
  const todo = p ? p.create + p.update : 0;
  const current = !!p && !preview.isPlaceholderData && !preview.isFetching;
  const canImport = current && problems.length === 0 && todo > 0 && !run.isPending;

  const take = (f: CsvFile) => {
    setReadError("");
    run.reset();
    setFile(f);
  };
  const choose = async () => {
    try {
      const text = await chooseCSV();
      if (text) take(csvFile("", text));
    } catch (e) {
      setReadError(toAppError(e).message);
    }
  };
  const drop = async (e: React.DragEvent) => {
    if (!carriesFiles(e)) return;
    // The dialog is a portal in the page's tree: the page must not take
    // the same drop (it would open the dialog anew).
    e.preventDefault();
    e.stopPropagation();
    setOver(false);
    const f = e.dataTransfer.files[0];
    if (!f) return;
    try {
      take(await readCsvFile(f));
    } catch (err) {
      setReadError(err instanceof Error ? err.message : String(err));
    }
  };
  const submit = () => input && run.mutate(input, { onSuccess: () => onOpenChange(false) });

  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      title="Import customers"
      description="One customer per row: columns cluster, namespace, name, optional description, and meta.KEY for metadata. Nothing is written until you import."
      className="w-[min(1040px,calc(100vw-2rem))]"
      footer={
        <>
          <Button variant="outline" onClick={() => onOpenChange(false)}>Cancel</Button>
          <Button onClick={submit} disabled={!canImport} data-testid="import-confirm">
            <Upload /> {p && todo > 0 ? importLabel(p) : "Import"}
          </Button>
        </>
      }
    >
      <div
        className={cn("grid gap-4 rounded-lg", over && "ring-2 ring-primary/50")}
        onDragOver={(e) => {
          if (!carriesFiles(e)) return;
          e.preventDefault();
          e.stopPropagation();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={drop}
        data-testid="import-drop"
      >
        {file ? (
          <div className="flex items-center gap-2 text-[13px]">
            <FileSpreadsheet className="size-4 shrink-0 text-muted-foreground" aria-hidden />
            <span className="truncate font-medium">{file.name || "Chosen file"}</span>
            {p && <span className="shrink-0 text-muted-foreground">{plural(p.rows.length, "row")}</span>}
            <Button variant="outline" size="sm" className="ml-auto" onClick={choose}><FolderOpen /> Choose another file…</Button>
          </div>
        ) : (
          <div className="flex flex-col items-center gap-3 rounded-lg border border-dashed border-border px-6 py-10 text-center text-[13px] text-muted-foreground">
            <FileSpreadsheet className="size-6" aria-hidden />
            <span>Drop a .csv file here (from a spreadsheet saved as “CSV UTF-8”), or</span>
            <Button variant="outline" onClick={choose}><FolderOpen /> Choose file…</Button>
          </div>
        )}

        <div className="flex flex-wrap gap-x-6 gap-y-2 text-[13px]" role="group" aria-label="Import options">
          <label className="flex items-center gap-2">
            <input type="checkbox" checked={createClusters} onChange={(e) => setCreateClusters(e.target.checked)} className="accent-[var(--primary)]" />
            Create missing clusters
          </label>
          <label className="flex items-center gap-2" title="A row for a namespace that exists on its cluster sets that customer's name and every non-empty description and meta cell; empty cells leave what is stored.">
            <input type="checkbox" checked={update} onChange={(e) => setUpdate(e.target.checked)} className="accent-[var(--primary)]" />
            Update existing customers
            <span className="text-xs text-muted-foreground">(empty cells change nothing)</span>
          </label>
        </div>

        {(readError || previewError || run.error) && (
          <p role="alert" className="flex items-start gap-2 rounded-md border border-destructive/30 bg-destructive/5 px-3 py-2 text-[13px] text-destructive">
            <AlertCircle className="mt-0.5 size-4 shrink-0" aria-hidden />
            <span className="break-words">{readError || previewError?.message || run.error?.message}</span>
          </p>
        )}

        {p && !readError && (
          <>
            <Summary p={p} />
            {problems.length > 0 && <Problems problems={problems} />}
            {p.rows.length > 0 && <PreviewTable rows={p.rows} />}
          </>
        )}
        {file && !p && !previewError && <p className="text-[13px] text-muted-foreground">Reading the file…</p>}
      </div>
    </Dialog>
  );
}

function importLabel(p: customer.ImportPreview): string {
  if (p.update === 0) return `Import ${plural(p.create, "customer")}`;
  if (p.create === 0) return `Update ${plural(p.update, "customer")}`;
  return `Import: ${p.create.toLocaleString()} new, ${p.update.toLocaleString()} updated`;
}

function Summary({ p }: { p: customer.ImportPreview }) {
  const nc = p.newClusters ?? [];
  return (
    <div className="flex flex-wrap items-center gap-2 text-[13px]" data-testid="import-summary" aria-live="polite">
      <Badge tone="done">{p.create.toLocaleString()} new</Badge>
      <Badge tone="sky">{p.update.toLocaleString()} to update</Badge>
      <Badge>{p.unchanged.toLocaleString()} unchanged</Badge>
      {p.problems.length > 0 ? <Badge tone="rose">{plural(p.problems.length, "problem")}</Badge> : <Badge tone="done">No problems</Badge>}
      {nc.length > 0 && <span className="text-muted-foreground">New cluster{nc.length === 1 ? "" : "s"}: <span className="font-medium text-foreground">{nc.join(", ")}</span></span>}
    </div>
  );
}

/** Problems lists every problem in the file, in red, by line: the import
 * stays off until the file is fixed and chosen again. */
function Problems({ problems }: { problems: customer.ImportPreview["problems"] }) {
  return (
    <div className="grid gap-1.5 rounded-md border border-destructive/30 bg-destructive/5 p-3" role="region" aria-label="Problems">
      <p className="text-[13px] font-medium text-destructive">
        {problems.length === 1 ? "1 problem stops" : `${problems.length.toLocaleString()} problems stop`} the import: fix {problems.length === 1 ? "it" : "them"} in the file and choose it again, or change the options above. Nothing has been written.
      </p>
      <ul className="grid max-h-40 gap-1 overflow-auto text-[13px] text-destructive" data-testid="import-problems">
        {problems.map((pr, i) => (
          <li key={i} className="grid grid-cols-[5.5rem_minmax(0,1fr)] gap-2">
            <span className="font-mono text-xs leading-5 tabular-nums">{pr.line ? `Line ${pr.line}` : "File"}</span>
            <span className="break-words leading-5">
              {pr.column && <span className="mr-1 font-mono text-xs">{pr.column}:</span>}
              {pr.message}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** PreviewTable is every row of the file with what the import does with
 * it; virtualised, so a fleet of thousands costs what a screenful does. */
function PreviewTable({ rows }: { rows: customer.ImportRow[] }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => rowHeight, overscan: 12 });
  return (
    <div ref={scrollRef} className="max-h-80 overflow-auto rounded-lg border border-border text-[13px]" data-testid="import-rows">
      <div role="table" aria-label="Rows to import" aria-rowcount={rows.length + 1}>
        <div role="rowgroup" className="sticky top-0 z-10">
          <div role="row" className="grid items-center border-b border-border bg-card text-xs font-medium text-muted-foreground" style={{ gridTemplateColumns: columns, height: rowHeight }}>
            <div role="columnheader" className="px-3">Line</div>
            <div role="columnheader" className="px-3">Cluster</div>
            <div role="columnheader" className="px-3">Namespace</div>
            <div role="columnheader" className="px-3">Name</div>
            <div role="columnheader" className="px-3">What happens</div>
          </div>
        </div>
        <div role="rowgroup" className="relative" style={{ height: v.getTotalSize() }}>
          {v.getVirtualItems().map((item) => {
            const r = rows[item.index];
            const a = actionLabel[r.action] ?? actionLabel.invalid;
            const what = r.action === "update" ? (r.changes ?? []).join(", ") : "";
            return (
              <div
                key={item.key}
                role="row"
                aria-rowindex={item.index + 2}
                className={cn("absolute left-0 top-0 grid w-full items-center border-b border-border", r.action === "invalid" && "bg-destructive/5 text-destructive")}
                style={{ height: rowHeight, transform: `translateY(${item.start}px)`, gridTemplateColumns: columns }}
              >
                <div role="cell" className="px-3 font-mono text-xs tabular-nums text-muted-foreground">{r.line}</div>
                <div role="cell" className="flex min-w-0 items-center gap-1.5 px-3">
                  <span className="truncate" title={r.cluster}>{r.cluster}</span>
                  {r.newCluster && <Badge tone="violet" className="shrink-0">new cluster</Badge>}
                </div>
                <div role="cell" className="truncate px-3 font-mono text-xs" title={r.namespace}>{r.namespace}</div>
                <div role="cell" className="truncate px-3" title={r.name}>{r.name}</div>
                <div role="cell" className="flex min-w-0 items-center gap-1.5 px-3">
                  <Badge tone={a.tone} className="shrink-0">{a.text}</Badge>
                  {what && <span className="truncate font-mono text-xs text-muted-foreground" title={what}>{what}</span>}
                </div>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
