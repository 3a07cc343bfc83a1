import { useState } from "react";
import { FolderOpen, Info, ScrollText } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field, Input } from "@/components/ui/input";
import { PageHeader, Skeleton } from "@/components/ui/misc";
import { AboutDialog } from "@/components/about-dialog";
import { BackupPanel } from "@/components/settings/backup-panel";
import { openDataDir, openLog, useSaveSettings, useSettings, useStatus } from "@/api/system";
import { toast } from "sonner";
import { formatBytes } from "@/lib/format";
import { cn } from "@/lib/utils";

export function SettingsPage() {
  const settings = useSettings();
  const status = useStatus();
  const save = useSaveSettings();
  const [name, setName] = useState("");
  const [about, setAbout] = useState(false);
  // The field starts from the saved name, and follows it when it changes
  // (a save, a restore): adjusted while rendering, not in an effect.
  const [loaded, setLoaded] = useState<typeof settings.data>(undefined);
  if (settings.data && settings.data !== loaded) {
    setLoaded(settings.data);
    setName(settings.data.operatorNameIsDefault ? "" : settings.data.operatorName);
  }
  if (!settings.data || !status.data) return <div className="p-8"><Skeleton className="h-64 max-w-2xl" /></div>;
  const s = settings.data;
  const setTheme = (theme: string) => save.mutate({ operatorName: name, theme });
  return (
    <div className="mx-auto max-w-2xl p-8">
      <PageHeader title="Settings" />
      <div className="grid gap-6">
        <Card className="p-5">
          <form className="grid gap-4" onSubmit={(e) => { e.preventDefault(); save.mutate({ operatorName: name, theme: s.theme }); }}>
            <Field label="Operator name" htmlFor="operator" error={save.error?.field === "operatorName" ? save.error.message : undefined} hint={`Recorded as who did each step. Leave empty to use your account's name (${s.operatorNameIsDefault ? s.operatorName : "from the system"}).`}>
              <Input id="operator" value={name} onChange={(e) => setName(e.target.value)} placeholder={s.operatorNameIsDefault ? s.operatorName : ""} aria-invalid={save.error?.field === "operatorName"} />
            </Field>
            <div><Button type="submit" disabled={save.isPending}>Save</Button></div>
          </form>
        </Card>
        <Card className="p-5">
          <div className="mb-2 text-[13px] font-medium">Theme</div>
          <div className="inline-flex rounded-lg border border-border bg-muted p-0.5" role="radiogroup" aria-label="Theme">
            {["system", "light", "dark"].map((t) => (
              <button key={t} type="button" role="radio" aria-checked={s.theme === t} onClick={() => setTheme(t)} className={cn("rounded-md px-3 py-1 text-[13px] capitalize", s.theme === t ? "bg-card font-medium shadow-xs" : "text-muted-foreground")}>
                {t}
              </button>
            ))}
          </div>
        </Card>
        <Card className="p-5">
          <BackupPanel />
        </Card>
        <Card className="p-5">
          <div className="grid gap-3 text-[13px]">
            <div className="flex items-center justify-between gap-4">
              <div className="min-w-0">
                <div className="font-medium">Data directory</div>
                <div className="truncate font-mono text-xs text-muted-foreground" data-selectable>{status.data.dataDir}</div>
              </div>
              <div className="flex shrink-0 gap-2">
                <Button variant="outline" onClick={() => openLog().catch((e) => toast.error(e.message))}><ScrollText /> Open log</Button>
                <Button variant="outline" onClick={() => openDataDir().catch((e) => toast.error(e.message))}><FolderOpen /> Open folder</Button>
              </div>
            </div>
            <div className="flex justify-between border-t border-border pt-3"><span className="text-muted-foreground">Database size</span><span className="tabular-nums">{formatBytes(status.data.databaseBytes)}</span></div>
            <div className="flex justify-between"><span className="text-muted-foreground">Schema version</span><span className="tabular-nums">{status.data.schemaVersion}</span></div>
            <div className="flex items-center justify-between"><span className="text-muted-foreground">Version</span><Button variant="ghost" size="sm" onClick={() => setAbout(true)}><Info /> Shipdeck {status.data.version}</Button></div>
          </div>
        </Card>
      </div>
      <AboutDialog open={about} onOpenChange={setAbout} />
    </div>
  );
}
