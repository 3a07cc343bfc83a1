import { Ship } from "lucide-react";
import { Dialog } from "@/components/ui/dialog";
import { useStatus } from "@/api/system";

export function AboutDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (o: boolean) => void }) {
  const { data } = useStatus();
  return (
    <Dialog open={open} onOpenChange={onOpenChange} title="About Shipdeck">
      <div className="flex items-start gap-4">
        <div className="flex size-12 shrink-0 items-center justify-center rounded-xl bg-primary text-primary-foreground">
          <Ship className="size-6" aria-hidden />
        </div>
        <div className="grid gap-1 text-[13px]">
          <div className="text-base font-semibold">Shipdeck {data?.version}</div>
          <p className="text-muted-foreground">Ship releases to many customers by hand, and keep the record of what ran where, by whom and when.</p>
          <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-xs">
            <dt className="text-muted-foreground">Data</dt>
            <dd className="truncate font-mono" data-selectable>{data?.dataDir}</dd>
            <dt className="text-muted-foreground">Schema</dt>
            <dd>version {data?.schemaVersion}</dd>
          </dl>
        </div>
      </div>
    </Dialog>
  );
}
