import { useEffect, useRef } from "react";
import { release } from "@wails/go/models";
import { useCustomerSteps } from "@/api/steps";
import { StatusIcon } from "@/components/steps/status";
import { Skeleton } from "@/components/ui/misc";

/** ExtrasPopover lists a customer's steps without a template that follow
 * one template step (the "+n" marker of a matrix cell); each opens in the
 * step panel. */
export function ExtrasPopover({ releaseId, m, cell, at, onOpenStep, onClose }: {
  releaseId: number;
  m: release.Matrix;
  cell: { row: number; col: number };
  at: { x: number; y: number };
  onOpenStep: (id: number) => void;
  onClose: () => void;
}) {
  const customer = m.customers[cell.col];
  const row = m.rows[cell.row];
  const steps = useCustomerSteps(releaseId, customer.id);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const off = (e: MouseEvent) => !ref.current?.contains(e.target as Node) && onClose();
    const esc = (e: KeyboardEvent) => e.key === "Escape" && onClose();
    document.addEventListener("mousedown", off);
    document.addEventListener("keydown", esc);
    ref.current?.querySelector("button")?.focus();
    return () => {
      document.removeEventListener("mousedown", off);
      document.removeEventListener("keydown", esc);
    };
  }, [onClose, steps.data]);

  // The steps after this template step up to the next one with a template
  // (or, when they come before every template step, from the top).
  let list: release.Step[] = [];
  if (steps.data) {
    const all = row.category === release.Category.VERIFY ? steps.data.verify : steps.data.deploy;
    const at = all.findIndex((s) => s.templateId === row.templateId);
    const start = at >= 0 ? at + 1 : 0;
    for (let i = start; i < all.length && all[i].templateId == null; i++) list.push(all[i]);
    if (at < 0) list = all.filter((s) => s.templateId == null);
  }
  const left = Math.min(at.x, window.innerWidth - 330);
  const top = Math.min(at.y + 4, window.innerHeight - 260);
  return (
    <div ref={ref} role="dialog" aria-label={`Custom steps after '${row.name}' for ${customer.name}`} className="fixed z-50 w-80 rounded-lg border border-border bg-card p-2 shadow-xl" style={{ left, top }} data-testid="extras-popover">
      <div className="px-2 pb-1.5 text-xs text-muted-foreground">
        After <span className="font-medium text-foreground">{row.name}</span> for <span className="font-medium text-foreground">{customer.name}</span>
      </div>
      {!steps.data ? (
        <Skeleton className="h-16" />
      ) : (
        <ul className="grid gap-0.5">
          {list.map((s) => (
            <li key={s.id}>
              <button type="button" className="flex w-full items-center gap-2 rounded-md px-2 py-1.5 text-left text-[13px] hover:bg-muted focus-visible:bg-muted" onClick={() => onOpenStep(s.id)}>
                <StatusIcon status={s.status} className="shrink-0" />
                <span className="min-w-0 flex-1 truncate" title={s.name}>{s.name}</span>
                <span className="shrink-0 text-[11px] text-muted-foreground">{s.source === release.Source.TEMPLATE_DELETED ? "template deleted" : "custom"}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
