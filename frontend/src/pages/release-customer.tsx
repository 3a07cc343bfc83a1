import { useState } from "react";
import { QueryError } from "@/components/ui/query-error";
import { Link, useParams } from "react-router";
import { Crosshair, FileDown, PauseCircle, PlayCircle, Plus } from "lucide-react";
import { ExportDialog } from "@/components/exports/export-dialog";
import { Button } from "@/components/ui/button";
import { Badge } from "@/components/ui/badge";
import { PageHeader, Skeleton } from "@/components/ui/misc";
import { useCrumb } from "@/components/layout/crumbs";
import { ReleaseProgress, ReleaseStatusBadge } from "@/components/releases/badges";
import { StatusIcon, TypeBadge } from "@/components/steps/status";
import { StepPanel } from "@/components/steps/step-panel";
import { AddCustomStepDialog } from "@/components/steps/add-custom-step-dialog";
import { ReasonDialog } from "@/components/steps/reason-dialog";
import { useCustomerSteps, useStepDetail } from "@/api/steps";
import { useHold, useUnhold } from "@/api/releases";
import { formatDateTime } from "@/lib/format";
import { cn } from "@/lib/utils";
import { release } from "@wails/go/models";

/** The customer view: one customer's full ordered list, custom steps included. */
export function ReleaseCustomerPage() {
  const params = useParams();
  const releaseId = Number(params.id);
  const customerId = Number(params.customerId);
  const { data, isLoading, error, refetch, isFetching } = useCustomerSteps(releaseId, customerId);
  const [open, setOpen] = useState(0);
  const detail = useStepDetail(open);
  const [adding, setAdding] = useState<{ category: release.Category; position: number } | null>(null);
  const [holding, setHolding] = useState(false);
  const [exporting, setExporting] = useState(false);
  const hold = useHold(releaseId);
  const unhold = useUnhold(releaseId);
  useCrumb(`/releases/${releaseId}`, data?.release.name);
  useCrumb(`/releases/${releaseId}/customer/${customerId}`, data?.customer.name);
  if (error && !data) return <div className="p-8"><QueryError what="The customer's steps" error={error} refetch={refetch} retrying={isFetching} /></div>;
  if (isLoading || !data) return <div className="p-8"><Skeleton className="h-96" /></div>;
  const active = data.release.status === release.ReleaseStatus.ACTIVE;

  const list = (title: string, category: release.Category, steps: release.Step[]) => (
    <section aria-label={`${title} steps`} className="grid gap-2">
      <div className="flex items-center justify-between">
        <h2 className="text-sm font-semibold">{title} <span className="font-normal text-muted-foreground">{steps.length}</span></h2>
        {active && <Button variant="outline" size="sm" onClick={() => setAdding({ category, position: steps.length })}><Plus /> Add {category} step</Button>}
      </div>
      <ol className="grid grid-cols-[minmax(0,1fr)] gap-0">
        {steps.map((s, i) => (
          <li key={s.id} className="min-w-0">
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
                  <span className="min-w-0 break-words text-[13px] font-medium">{s.name}</span>
                  <TypeBadge type={s.type} />
                  {s.source === release.Source.CUSTOM && <Badge tone="primary">Custom</Badge>}
                  {s.source === release.Source.OVERRIDDEN && <Badge tone="warning">Overridden</Badge>}
                  {s.source === release.Source.TEMPLATE_DELETED && <Badge tone="rose">Template deleted</Badge>}
                </span>
                <span className="mt-1 block truncate font-mono text-xs text-muted-foreground">{(s.rendered?.text ?? s.content).split("\n")[0]}</span>
                {s.status !== release.Status.PENDING && s.executedAt && (
                  <span className="mt-1 block break-words text-xs text-muted-foreground">
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
    <div className="mx-auto w-full min-w-0 max-w-4xl p-8">
      <PageHeader
        title={data.customer.name}
        actions={
          <>
            <Button variant="outline" onClick={() => setExporting(true)}><FileDown /> Export report…</Button>
            {active && (
            <>
              <Button variant="outline" asChild><Link to={`/releases/${releaseId}/focus/${customerId}`}><Crosshair /> Focus mode</Link></Button>
              {data.hold ? (
                <Button variant="outline" onClick={() => unhold.mutate({ releaseId, customerIds: [customerId] })} disabled={unhold.isPending}><PlayCircle /> Release the hold</Button>
              ) : (
                <Button variant="outline" onClick={() => setHolding(true)}><PauseCircle /> Hold back…</Button>
              )}
            </>
            )}
          </>
        }
        description={
          <span className="flex items-center gap-2">
            <span className="font-mono">{data.customer.clusterName}/{data.customer.namespace}</span> in
            <Link to={`/releases/${releaseId}`} className="font-medium text-foreground hover:underline">{data.release.name}</Link>
            <ReleaseStatusBadge status={data.release.status} />
          </span>
        }
      />
      {data.hold && (
        <div className="mb-4 flex items-start gap-2 rounded-lg border border-amber-500/40 bg-amber-500/10 px-4 py-3 text-[13px]" role="status">
          <PauseCircle className="mt-0.5 size-4 shrink-0 text-amber-600" aria-hidden />
          <span className="min-w-0 break-words">
            <span className="font-medium">On hold</span> since {formatDateTime(data.hold.at)} ({data.hold.by}): {data.hold.reason}. Bulk actions and runs leave this customer alone; the release's figures count it apart.
          </span>
        </div>
      )}
      <div className="mb-6 rounded-lg border border-border bg-card p-4"><ReleaseProgress p={data.progress} /></div>
      <div className="grid gap-8">
        {list("Deploy", release.Category.DEPLOY, data.deploy)}
        {list("Verify", release.Category.VERIFY, data.verify)}
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
          existing={adding.category === release.Category.DEPLOY ? data.deploy : data.verify}
          initialPosition={adding.position}
        />
      )}
      {exporting && <ExportDialog r={data.release} customer={{ id: customerId, name: data.customer.name }} onClose={() => setExporting(false)} />}
      {holding && (
        <ReasonDialog
          title={`Hold ${data.customer.name} back`}
          description="A held customer keeps its steps, but bulk actions and runs leave it alone and the release's figures count it apart, until the hold is released."
          label="Reason"
          placeholder="Why is this customer held back?"
          submit="Hold"
          required="A reason for the hold is required."
          onClose={() => setHolding(false)}
          onSubmit={(reason) => { setHolding(false); hold.mutate({ releaseId, customerIds: [customerId], reason }); }}
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
