import type { ReactNode } from "react";
import { Link, useNavigate } from "react-router";
import { Activity, ArrowRight, Boxes, FileCode2, PauseCircle, Play, Plus, Rocket, Server, Sparkles, Users } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState, PageHeader, Skeleton } from "@/components/ui/misc";
import { QueryError } from "@/components/ui/query-error";
import { ReleaseProgress, ReleaseStatusBadge, ReleaseTypeBadge } from "@/components/releases/badges";
import { StatusIcon } from "@/components/steps/status";
import { describe } from "@/components/history/words";
import { useDashboard, useLoadSample } from "@/api/system";
import { plural, timeAgo } from "@/lib/format";
import type { release } from "@wails/go/models";

const kindIcon: Record<string, ReactNode> = {
  content: <FileCode2 className="size-4 text-amber-600" />,
  templates: <FileCode2 className="size-4 text-primary" />,
  customers: <Boxes className="size-4 text-primary" />,
  release: <Rocket className="size-4 text-primary" />,
  runs: <Play className="size-4 text-primary" />,
};

/** RecentEntry is one change on the dashboard, in the activity log's words
 * (describe), at most two lines: long names end in an ellipsis and the whole
 * sentence is the tooltip, so nothing widens the card. */
function RecentEntry({ h }: { h: release.HistoryEntry }) {
  const parts = describe(h);
  const sentence = `${h.actor} ${parts.map((p) => (typeof p === "string" ? p : p.name)).join("")}`;
  const icon =
    h.action === "hold" || h.action === "unhold" ? <PauseCircle className="size-4 text-amber-600" /> : h.kind === "status" || !kindIcon[h.kind] ? <StatusIcon status={h.toStatus || "pending"} /> : kindIcon[h.kind];
  const stepLink = h.customerId ? `/releases/${h.releaseId}/customer/${h.customerId}` : `/releases/${h.releaseId}`;
  return (
    <li className="flex min-w-0 gap-2.5 text-[13px]" data-testid="recent-activity">
      <span className="mt-0.5 flex shrink-0 [&_svg]:size-4">{icon}</span>
      <div className="min-w-0 flex-1">
        <p className="line-clamp-2 break-words leading-snug" title={sentence}>
          <span className="font-medium">{h.actor}</span>{" "}
          {parts.map((p, i) =>
            typeof p === "string" ? (
              <span key={i}>{p}</span>
            ) : p.of === "step" ? (
              <Link key={i} className="font-medium hover:underline" to={stepLink}>{p.name}</Link>
            ) : (
              <span key={i} className="font-medium">{p.name}</span>
            ),
          )}
        </p>
        <div className="flex min-w-0 gap-1 text-xs text-muted-foreground">
          <Link className="min-w-0 truncate hover:underline" to={`/releases/${h.releaseId}`} title={h.releaseName}>{h.releaseName}</Link>
          <span className="shrink-0">· {timeAgo(h.createdAt)}</span>
        </div>
      </div>
    </li>
  );
}

export function DashboardPage() {
  const { data, error, refetch, isFetching } = useDashboard();
  const load = useLoadSample();
  const navigate = useNavigate();

  if (error) {
    return (
      <div className="mx-auto max-w-6xl p-8">
        <PageHeader title="Dashboard" description="Where every release stands, across the fleet." />
        <QueryError what="The dashboard" error={error} refetch={refetch} retrying={isFetching} />
      </div>
    );
  }

  if (!data) {
    return (
      <div className="mx-auto max-w-6xl p-8">
        <Skeleton className="mb-6 h-7 w-48" />
        <div className="grid grid-cols-4 gap-4">{[0, 1, 2, 3].map((i) => <Skeleton key={i} className="h-20" />)}</div>
        <Skeleton className="mt-6 h-48" />
      </div>
    );
  }

  if (data.empty) {
    return (
      <div className="flex h-full items-center justify-center p-8">
        <div className="w-full max-w-xl text-center">
          <div className="mx-auto mb-5 flex size-14 items-center justify-center rounded-2xl bg-primary text-primary-foreground shadow-lg shadow-primary/20">
            <Rocket className="size-7" aria-hidden />
          </div>
          <h1 className="text-2xl font-semibold tracking-tight">Welcome to Shipdeck</h1>
          <p className="mx-auto mt-2 max-w-md text-[13px] leading-relaxed text-muted-foreground">
            Track every release across every customer: which steps ran where, by whom and when. Start by adding the clusters your customers live on — or
            look around in a sample workspace first.
          </p>
          <div className="mt-6 flex justify-center gap-3">
            <Button size="lg" onClick={() => navigate("/clusters/new")}>
              <Plus /> Create cluster
            </Button>
            <Button size="lg" variant="outline" disabled={load.isPending} onClick={() => load.mutate(undefined)}>
              <Sparkles /> {load.isPending ? "Loading…" : "Load sample workspace"}
            </Button>
          </div>
          <div className="mt-10 grid grid-cols-3 gap-3 text-left">
            {[
              { icon: Server, t: "Clusters", d: "Where your customers' namespaces live." },
              { icon: Users, t: "Customers", d: "One namespace on one cluster each." },
              { icon: Rocket, t: "Releases", d: "Ordered deploy and verify steps for everyone." },
            ].map(({ icon: Icon, t, d }) => (
              <div key={t} className="rounded-lg border border-border bg-card p-3">
                <Icon className="mb-2 size-4 text-primary" aria-hidden />
                <div className="text-[13px] font-medium">{t}</div>
                <div className="text-xs text-muted-foreground">{d}</div>
              </div>
            ))}
          </div>
        </div>
      </div>
    );
  }

  const c = data.counts;
  const stats = [
    { label: "Active releases", value: c.activeReleases, sub: `${c.draftReleases} draft · ${c.archivedReleases} archived`, icon: Rocket, to: "/releases" },
    { label: "Clusters", value: c.clusters, sub: c.archivedClusters ? `${c.archivedClusters} archived` : "all active", icon: Server, to: "/clusters" },
    { label: "Customers", value: c.customers, sub: c.archivedCustomers ? `${c.archivedCustomers} archived` : "all active", icon: Users, to: "/customers" },
    {
      label: "Pending steps",
      // Go sums the active releases' figures (one definition everywhere):
      // reverted steps are their own figure, not pending ones.
      value: data.steps.pending,
      sub: data.steps.reverted ? `and ${data.steps.reverted} reverted, across active releases` : "across active releases",
      icon: Boxes,
      to: "/releases",
    },
  ];

  return (
    <div className="mx-auto max-w-6xl p-8">
      <PageHeader
        title="Dashboard"
        description="Where every release stands, across the fleet."
        actions={
          <>
            <Button variant="outline" asChild>
              <Link to="/customers/new"><Users /> New customer</Link>
            </Button>
            <Button asChild>
              <Link to="/releases/new"><Plus /> New release</Link>
            </Button>
          </>
        }
      />
      <div className="grid grid-cols-2 gap-4 lg:grid-cols-4">
        {stats.map((s) => (
          <Link key={s.label} to={s.to} className="group rounded-lg border border-border bg-card p-4 shadow-xs transition-colors hover:border-primary/40">
            <div className="flex items-center justify-between text-xs text-muted-foreground">
              {s.label}
              <s.icon className="size-4" aria-hidden />
            </div>
            <div className="mt-1 text-2xl font-semibold tabular-nums" data-testid={`stat-${s.label}`}>{s.value.toLocaleString()}</div>
            <div className="text-xs text-muted-foreground">{s.sub}</div>
          </Link>
        ))}
      </div>

      <div className="mt-6 grid gap-6 lg:grid-cols-[minmax(0,1fr)_360px]">
        <div className="grid min-w-0 content-start gap-4">
          <h2 className="text-sm font-semibold">Active releases</h2>
          {data.active.length === 0 ? (
            <EmptyState icon={<Rocket />} title="No active release" action={<Button asChild><Link to="/releases/new">Plan a release</Link></Button>}>
              Activate a draft to create its steps for every customer.
            </EmptyState>
          ) : (
            data.active.map((r) => <ActiveReleaseCard key={r.id} r={r} />)
          )}
          {data.drafts.length > 0 && (
            <>
              <h2 className="mt-2 text-sm font-semibold">Drafts</h2>
              <Card>
                <ul className="divide-y divide-border">
                  {data.drafts.map((r) => (
                    <li key={r.id}>
                      <Link to={`/releases/${r.id}`} className="flex min-w-0 items-center gap-3 px-4 py-2.5 text-[13px] hover:bg-muted/60">
                        <ReleaseTypeBadge type={r.type} />
                        <span className="truncate font-medium" title={r.name}>{r.name}</span>
                        <span className="shrink-0 text-muted-foreground">{plural(r.templateCount, "step")}</span>
                        <ArrowRight className="ml-auto size-4 shrink-0 text-muted-foreground" aria-hidden />
                      </Link>
                    </li>
                  ))}
                </ul>
              </Card>
            </>
          )}
        </div>
        <Card className="min-w-0 self-start">
          <CardHeader>
            <CardTitle className="flex items-center gap-2">
              <Activity className="size-4 text-muted-foreground" aria-hidden /> Recent activity
            </CardTitle>
          </CardHeader>
          <CardContent>
            {data.recent.length === 0 ? (
              <p className="text-[13px] text-muted-foreground">Nothing yet: step changes show up here.</p>
            ) : (
              <ol className="grid gap-3">
                {data.recent.map((h) => <RecentEntry key={h.id} h={h} />)}
              </ol>
            )}
          </CardContent>
        </Card>
      </div>
    </div>
  );
}

function ActiveReleaseCard({ r }: { r: release.Release }) {
  return (
    <Link to={`/releases/${r.id}`} className="block min-w-0 rounded-lg border border-border bg-card p-4 shadow-xs transition-colors hover:border-primary/40">
      <div className="mb-3 flex min-w-0 items-center gap-2">
        <ReleaseTypeBadge type={r.type} />
        <span className="truncate text-[15px] font-semibold" title={r.name}>{r.name}</span>
        {r.versionNumber && <span className="max-w-48 shrink-0 truncate font-mono text-xs text-muted-foreground" title={r.versionNumber}>{r.versionNumber}</span>}
        <span className="ml-auto shrink-0"><ReleaseStatusBadge status={r.status} /></span>
      </div>
      <ReleaseProgress p={r.progress} />
      <div className="mt-2 text-xs text-muted-foreground">
        {plural(r.customerCount, "customer")} · {plural(r.templateCount, "step")} each
      </div>
    </Link>
  );
}
