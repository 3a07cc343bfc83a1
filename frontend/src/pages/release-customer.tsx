import { useState } from "react";
import { Link, useParams } from "react-router";
import { Plus } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Badge } from "@/components/ui/badge";
import { PageHeader, Skeleton } from "@/components/ui/misc";
import { useCrumb } from "@/components/layout/crumbs";
import { ReleaseProgress, ReleaseStatusBadge } from "@/components/releases/badges";
import { StatusIcon, TypeBadge } from "@/components/steps/status";
import { StepPanel } from "@/components/steps/step-panel";
import { AddCustomStepDialog } from "@/components/steps/add-custom-step-dialog";
import { useCustomerSteps, useStepDetail } from "@/api/steps";
import { formatDateTime } from "@/lib/format";
import { cn } from "@/lib/utils";
import type { release } from "@wails/go/models";

/** The customer view: one customer's full ordered list, custom steps included. */
export function ReleaseCustomerPage() {
  const params = useParams();
  const releaseId = Number(params.id);
  const customerId = Number(params.customerId);
  const { data, isLoading } = useCustomerSteps(releaseId, customerId);
  const [open, setOpen] = useState(0);
  const detail = useStepDetail(open);
  const [adding, setAdding] = useState<{ category: "deploy" | "verify"; position: number } | null>(null);
  useCrumb(`/releases/${releaseId}`, data?.release.name);
  useCrumb(`/releases/${releaseId}/customer/${customerId}`, data?.customer.name);
  if (isLoading || !data) return <div className="p-8"><Skeleton className="h-96" /></div>;
  const active = data.release.status === "active";

  const list = (title: string, category: "deploy" | "verify", steps: release.Step[]) => (
    <section aria-label={`${title} steps`} className="grid gap-2">
      <div className="flex items-center justify-between">
        <h2 className="text-sm font-semibold">{title} <span className="font-normal text-muted-foreground">{steps.length}</span></h2>
        {active && <Button variant="outline" size="sm" onClick={() => setAdding({ category, position: steps.length })}><Plus /> Add {category} step</Button>}
      </div>
      <ol className="grid gap-0">
        {steps.map((s, i) => (
          <li key={s.id}>
            {active && i > 0 && <InsertHere onClick={() => setAdding({ category, position: i })} />}
            <button
              type="button"
              onClick={() => setOpen(s.id)}
              className={cn("flex w-full items-start gap-3 rounded-lg border border-border bg-card p-3 text-left shadow-xs transition-colors hover:border-primary/40", s.isCustom && "border-dashed")}
            >
              <span className="mt-0.5 w-5 text-right text-xs tabular-nums text-muted-foreground">{i + 1}</span>
              <StatusIcon status={s.status} className="mt-0.5 shrink-0" />
              <span className="min-w-0 flex-1">
                <span className="flex flex-wrap items-center gap-2">
                  <span className="text-[13px] font-medium">{s.name}</span>
                  <TypeBadge type={s.type} />
                  {s.source === "custom" && <Badge tone="primary">Custom</Badge>}
                  {s.source === "overridden" && <Badge tone="warning">Overridden</Badge>}
                  {s.source === "template-deleted" && <Badge tone="rose">Template deleted</Badge>}
                </span>
                <span className="mt-1 block truncate font-mono text-xs text-muted-foreground">{s.content.split("\n")[0]}</span>
                {s.status !== "pending" && s.executedAt && (
                  <span className="mt-1 block text-xs text-muted-foreground">
                    <span className="capitalize">{s.status}</span> by {s.executedBy} · {formatDateTime(s.executedAt)}
                    {s.skipReason && <> · {s.skipReason}</>}
                  </span>
                )}
              </span>
            </button>
          </li>
        ))}
      </ol>
    </section>
  );

  return (
    <div className="mx-auto max-w-4xl p-8">
      <PageHeader
        title={data.customer.name}
        description={
          <span className="flex items-center gap-2">
            <span className="font-mono">{data.customer.clusterName}/{data.customer.namespace}</span> in
            <Link to={`/releases/${releaseId}`} className="font-medium text-foreground hover:underline">{data.release.name}</Link>
            <ReleaseStatusBadge status={data.release.status} />
          </span>
        }
      />
      <div className="mb-6 rounded-lg border border-border bg-card p-4"><ReleaseProgress p={data.progress} /></div>
      <div className="grid gap-8">
        {list("Deploy", "deploy", data.deploy)}
        {list("Verify", "verify", data.verify)}
      </div>
      <StepPanel query={detail} releaseId={releaseId} open={open > 0 && !detail.isError} onOpenChange={(o) => !o && setOpen(0)} />
      {adding && (
        <AddCustomStepDialog
          open
          onOpenChange={(o) => !o && setAdding(null)}
          releaseId={releaseId}
          customerId={customerId}
          customerName={data.customer.name}
          category={adding.category}
          existing={adding.category === "deploy" ? data.deploy : data.verify}
          initialPosition={adding.position}
        />
      )}
    </div>
  );
}

function InsertHere({ onClick }: { onClick: () => void }) {
  return (
    <div className="group relative h-3">
      <button type="button" onClick={onClick} aria-label="Insert a step here" className="absolute inset-x-0 top-1/2 z-10 flex -translate-y-1/2 items-center justify-center opacity-0 transition-opacity focus:opacity-100 group-hover:opacity-100">
        <span className="h-px flex-1 bg-primary/40" />
        <span className="mx-2 flex size-5 items-center justify-center rounded-full bg-primary text-primary-foreground"><Plus className="size-3" /></span>
        <span className="h-px flex-1 bg-primary/40" />
      </button>
    </div>
  );
}
