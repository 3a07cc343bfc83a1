import { useState } from "react";
import { Database, HardDrive } from "lucide-react";
import type { app } from "@wails/go/models";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field, Input } from "@/components/ui/input";
import { useConnectTeam, useUseThisComputer } from "@/api/system";
import { cn } from "@/lib/utils";

/** WorkspaceCard chooses the record the window works on: this computer's
 * database file, or a team database on PostgreSQL (docs/team-mode.md). Go
 * tries the connection before it switches, and keeps the password in the
 * system's keychain; a failure leaves the open workspace as it was. */
export function WorkspaceCard({ status, operatorName }: { status: app.Status; operatorName: string }) {
  const connect = useConnectTeam();
  const local = useUseThisComputer();
  const [url, setUrl] = useState(status.savedTeam || "");
  const [password, setPassword] = useState("");
  const [operator, setOperator] = useState(operatorName);
  const onTeam = status.team !== "";
  const fieldError = (f: string) => (connect.error?.field === f ? connect.error.message : undefined);
  return (
    <Card className="p-5" aria-label="Workspace">
      <div className="mb-3 text-[13px] font-medium">Workspace</div>
      <div className="mb-4 grid grid-cols-2 gap-2" role="radiogroup" aria-label="Workspace">
        <Choice checked={!onTeam} icon={<HardDrive className="size-4" aria-hidden />} title="This computer" detail="The database file in the data directory: one operator." />
        <Choice checked={onTeam} icon={<Database className="size-4" aria-hidden />} title="Team database" detail={onTeam ? status.teamName : "PostgreSQL, shared by the team's operators."} />
      </div>
      {status.teamFromCommandLine ? (
        <p className="text-xs text-muted-foreground">This window was started on {status.teamName} from the command line (--database or SHIPDECK_DATABASE_URL): start Shipdeck without it to choose here.</p>
      ) : (
        <form className="grid gap-3" onSubmit={(e) => { e.preventDefault(); connect.mutate({ url, password, operator }); }} aria-label="Team database">
          <Field label="Team database address" htmlFor="team-url" error={fieldError("url")} hint="postgres://user@host:5432/database. docs/team-mode.md says how to set one up; a workspace is moved into it with shipdeck workspace copy.">
            <Input id="team-url" value={url} onChange={(e) => { setUrl(e.target.value); connect.reset(); }} placeholder="postgres://ana@db.example.com:5432/shipdeck" spellCheck={false} aria-invalid={!!fieldError("url")} />
          </Field>
          <Field label="Password" htmlFor="team-password" hint="Kept in the system's keychain, never in the data directory. Leave empty when PGPASSWORD or ~/.pgpass has it, or a password is kept already.">
            <Input id="team-password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="off" />
          </Field>
          <Field label="Your name" htmlFor="team-operator" error={fieldError("operator")} hint="The other operators see it on every change you make.">
            <Input id="team-operator" className="max-w-xs" value={operator} onChange={(e) => { setOperator(e.target.value); connect.reset(); }} aria-invalid={!!fieldError("operator")} />
          </Field>
          {connect.error && !connect.error.field && <p role="alert" className="text-xs text-destructive">{connect.error.message}</p>}
          <div className="flex gap-2">
            <Button type="submit" disabled={connect.isPending || url.trim() === ""}>{connect.isPending ? "Connecting…" : onTeam ? "Connect again" : "Connect"}</Button>
            {onTeam && <Button type="button" variant="outline" disabled={local.isPending} onClick={() => local.mutate(undefined)}>Use this computer's workspace</Button>}
          </div>
        </form>
      )}
    </Card>
  );
}

function Choice({ checked, icon, title, detail }: { checked: boolean; icon: React.ReactNode; title: string; detail: string }) {
  return (
    <div role="radio" aria-checked={checked} aria-readonly className={cn("flex items-start gap-2 rounded-lg border p-3 text-[13px]", checked ? "border-primary/50 bg-primary/5" : "border-border text-muted-foreground")}>
      <span className="mt-0.5">{icon}</span>
      <span className="min-w-0">
        <span className="block font-medium text-foreground">{title}</span>
        <span className="block text-xs [overflow-wrap:anywhere]">{detail}</span>
      </span>
    </div>
  );
}
