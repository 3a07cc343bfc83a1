import { useState, type ReactNode } from "react";
import { Switch } from "radix-ui";
import { FolderOpen, Info, Play, ScrollText } from "lucide-react";
import type { settings as S } from "@wails/go/models";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field, Input } from "@/components/ui/input";
import { PageHeader, Skeleton } from "@/components/ui/misc";
import { AboutDialog } from "@/components/about-dialog";
import { BackupPanel } from "@/components/settings/backup-panel";
import { WorkspaceCard } from "@/components/settings/workspace-card";
import { openDataDir, openLog, useSaveSettings, useSettings, useStatus } from "@/api/system";
import { useSaveRunning } from "@/api/runs";
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
            <Field label="Operator name" htmlFor="operator" error={save.error?.field === "operatorName" ? save.error.message : undefined} hint={status.data.team ? "Recorded as who did each step, and shown to the team's other operators. Kept on this computer, not in the team database's settings." : `Recorded as who did each step. Leave empty to use your account's name (${s.operatorNameIsDefault ? s.operatorName : "from the system"}).`}>
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
        <WorkspaceCard status={status.data} operatorName={s.operatorName} />
        <RunningCard saved={s.running} />
        {!status.data.team && (
          <Card className="p-5">
            <BackupPanel />
          </Card>
        )}
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

/** RunningCard is how bash steps may run (docs/running-steps.md): on or
 * off, the timeout, and whether a success marks the step done. Go checks
 * the values; its sentence shows at the field. */
function RunningCard({ saved }: { saved: S.Running }) {
  const save = useSaveRunning();
  const [form, setForm] = useState({ enabled: saved.enabled, timeout: String(saved.timeoutMinutes), markDone: saved.markDone });
  const [from, setFrom] = useState(saved);
  if (saved !== from) {
    setFrom(saved);
    setForm({ enabled: saved.enabled, timeout: String(saved.timeoutMinutes), markDone: saved.markDone });
  }
  const fieldError = (f: string) => (save.error?.field === f ? save.error.message : undefined);
  const submit = () => save.mutate({ enabled: form.enabled, timeoutMinutes: Number(form.timeout.trim() || "0"), markDone: form.markDone });
  const changed = form.enabled !== saved.enabled || form.timeout !== String(saved.timeoutMinutes) || form.markDone !== saved.markDone;
  return (
    <Card className="p-5">
      <form className="grid gap-4" onSubmit={(e) => { e.preventDefault(); submit(); }} aria-label="Running steps">
        <div className="flex items-center gap-2 text-[13px] font-medium"><Play className="size-4 text-muted-foreground" aria-hidden /> Running steps</div>
        <Toggle id="run-enabled" checked={form.enabled} onChange={(v) => setForm({ ...form, enabled: v })} label="Run bash steps from Shipdeck">
          Each run goes on this machine, as you, with the step's cluster kubeconfig. Off: no step runs, and the Run buttons say why.
        </Toggle>
        <Field label="Timeout (minutes)" htmlFor="run-timeout" error={fieldError("timeoutMinutes")} hint="A run still going after this long is stopped, like a cancel, and recorded as timed out.">
          <Input id="run-timeout" className="w-32" inputMode="numeric" value={form.timeout} onChange={(e) => { setForm({ ...form, timeout: e.target.value }); save.reset(); }} aria-invalid={!!fieldError("timeoutMinutes")} />
        </Field>
        <Toggle id="run-mark-done" checked={form.markDone} onChange={(v) => setForm({ ...form, markDone: v })} label="Mark done when a run succeeds">
          The step is marked done with a note such as "Ran in 12s, exit 0". Off: a run only records itself, and you mark the step.
        </Toggle>
        {save.error && !save.error.field && <p role="alert" className="text-xs text-destructive">{save.error.message}</p>}
        <div><Button type="submit" disabled={save.isPending || !changed}>Save</Button></div>
      </form>
    </Card>
  );
}

function Toggle({ id, checked, onChange, label, children }: { id: string; checked: boolean; onChange: (v: boolean) => void; label: string; children: ReactNode }) {
  return (
    <div className="flex items-start gap-3">
      <Switch.Root
        id={id}
        checked={checked}
        onCheckedChange={onChange}
        className="relative mt-0.5 inline-flex h-5 w-9 shrink-0 cursor-pointer items-center rounded-full bg-muted-foreground/30 transition-colors outline-none focus-visible:ring-2 focus-visible:ring-ring/40 data-[state=checked]:bg-primary"
        aria-describedby={`${id}-hint`}
      >
        <Switch.Thumb className="block size-4 translate-x-0.5 rounded-full bg-white shadow-sm transition-transform data-[state=checked]:translate-x-[18px]" />
      </Switch.Root>
      <div className="grid gap-0.5">
        <label htmlFor={id} className="cursor-pointer text-[13px] font-medium">{label}</label>
        <p id={`${id}-hint`} className="text-xs text-muted-foreground">{children}</p>
      </div>
    </div>
  );
}
