import { Link } from "react-router";
import { QueryError } from "@/components/ui/query-error";
import { Plus, Rocket } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState, PageHeader, Skeleton } from "@/components/ui/misc";
import { ReleaseProgress, ReleaseStatusBadge, ReleaseTypeBadge } from "@/components/releases/badges";
import { ReleaseActions } from "@/components/releases/release-actions";
import { useReleases } from "@/api/releases";
import { formatDay, plural } from "@/lib/format";

export function ReleasesPage() {
  const { data, isLoading, error, refetch, isFetching } = useReleases();
  return (
    <div className="mx-auto max-w-6xl p-8">
      <PageHeader title="Releases" description="Newest first." actions={<Button asChild><Link to="/releases/new"><Plus /> New release</Link></Button>} />
      {isLoading ? (
        <Skeleton className="h-64" />
      ) : error && !data ? (
        <QueryError what="Releases" error={error} refetch={refetch} retrying={isFetching} />
      ) : !data?.length ? (
        <EmptyState icon={<Rocket />} title="No releases yet" action={<Button asChild><Link to="/releases/new">Plan a release</Link></Button>}>
          A release is an ordered list of deploy and verify steps, worked through for every customer it targets.
        </EmptyState>
      ) : (
        <Card>
          <table className="w-full text-[13px]">
            <thead className="border-b border-border text-left text-xs text-muted-foreground">
              <tr>
                <th className="px-4 py-2 font-medium">Release</th>
                <th className="px-4 py-2 font-medium">Status</th>
                <th className="px-4 py-2 font-medium">Date</th>
                <th className="px-4 py-2 font-medium">Scope</th>
                <th className="w-64 px-4 py-2 font-medium">Progress</th>
                <th className="px-4 py-2"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody className="divide-y divide-border">
              {data.map((r) => (
                <tr key={r.id} className="hover:bg-muted/40">
                  <td className="px-4 py-3">
                    <div className="flex items-center gap-2">
                      <ReleaseTypeBadge type={r.type} />
                      <Link to={`/releases/${r.id}`} className="font-medium hover:underline">{r.name}</Link>
                      {r.versionNumber && <span className="font-mono text-xs text-muted-foreground">{r.versionNumber}</span>}
                    </div>
                  </td>
                  <td className="px-4 py-3"><ReleaseStatusBadge status={r.status} /></td>
                  <td className="px-4 py-3 tabular-nums text-muted-foreground">{formatDay(r.releaseDate)}</td>
                  <td className="px-4 py-3 text-muted-foreground">
                    {plural(r.templateCount, "step")}
                    {r.status !== "draft" && <> · {plural(r.customerCount, "customer")}</>}
                  </td>
                  <td className="px-4 py-3">{r.status === "draft" ? <span className="text-xs text-muted-foreground">Not activated</span> : <ReleaseProgress p={r.progress} compact />}</td>
                  <td className="px-4 py-3">
                    <div className="flex justify-end gap-2">
                      <ReleaseActions r={r} />
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      )}
    </div>
  );
}
