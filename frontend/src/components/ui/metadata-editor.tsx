import { useId } from "react";
import { Plus, Trash2 } from "lucide-react";
import { Button } from "./button";
import { Input, Textarea } from "./input";
import { cn } from "@/lib/utils";

/** MetadataRow is one key/value pair as the editor holds it: rows keep
 * their order and identity while the operator types, even with an empty or
 * repeated key. */
export type MetadataRow = { id: number; key: string; value: string };

let nextId = 1;

/** metadataRows turns Go's metadata (each value as its form text) into
 * editor rows, by key. */
export function metadataRows(m: Record<string, string> | undefined): MetadataRow[] {
  return Object.keys(m ?? {})
    .sort()
    .map((key) => ({ id: nextId++, key, value: m![key] }));
}

/** metadataOf is what a form sends to Go: every row with a key or a value
 * (a row left blank is no key). Keys go as typed: Go trims and checks them,
 * and its sentence is the one shown. */
export function metadataOf(rows: MetadataRow[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of rows) if (r.key.trim() || r.value) out[r.key] = r.value;
  return out;
}

/** metadataProblem is what a map cannot carry to Go: the same key on two
 * rows. Every other rule is Go's to check. */
export function metadataProblem(rows: MetadataRow[]): string {
  const seen = new Set<string>();
  for (const r of rows) {
    const k = r.key.trim();
    if (!k && !r.value) continue;
    if (seen.has(k)) return k ? `Metadata key '${k}' is given twice.` : "Metadata keys cannot be empty.";
    seen.add(k);
  }
  return "";
}

/** The key a metadata sentence of Go's is about ("Metadata key 'Region'
 * must…", "The value of metadata key 'note' …"), to mark its row. */
function keyIn(message?: string): string | undefined {
  return message?.match(/metadata key '([^']*)'/i)?.[1];
}

/** MetadataEditor edits a record's metadata: rows of key and value, a row
 * added or removed at a time. The error (Go's sentence for the field
 * "metadata", or metadataProblem's) shows below the rows, and the row it
 * names is marked. scope names the record in the variable hint
 * ({{customer.KEY}}). */
export function MetadataEditor({ rows, onChange, error, scope, className }: {
  rows: MetadataRow[];
  onChange: (rows: MetadataRow[]) => void;
  error?: string;
  scope: "customer" | "cluster" | "release";
  className?: string;
}) {
  const uid = useId();
  const bad = keyIn(error);
  const set = (id: number, change: Partial<MetadataRow>) => onChange(rows.map((r) => (r.id === id ? { ...r, ...change } : r)));
  const add = () => onChange([...rows, { id: nextId++, key: "", value: "" }]);
  const example = rows.find((r) => r.key.trim())?.key.trim() || "tier";
  return (
    <div role="group" aria-labelledby={`${uid}-label`} aria-describedby={`${uid}-note`} className={cn("grid gap-2", className)} data-testid="metadata-editor">
      <div className="flex items-baseline justify-between gap-2">
        <span id={`${uid}-label`} className="text-[13px] font-medium">Metadata</span>
        <span className="text-xs text-muted-foreground">{rows.length ? `${rows.length} key${rows.length === 1 ? "" : "s"}` : ""}</span>
      </div>
      {rows.length > 0 && (
        <div className="grid gap-1.5">
          <div className="grid grid-cols-[minmax(0,2fr)_minmax(0,3fr)_1.75rem] gap-2 text-xs text-muted-foreground" aria-hidden>
            <span>Key</span>
            <span>Value</span>
          </div>
          {rows.map((r, i) => {
            const invalid = bad !== undefined && r.key.trim() === bad;
            const lines = Math.min(6, r.value.split("\n").length);
            return (
              <div key={r.id} className="grid grid-cols-[minmax(0,2fr)_minmax(0,3fr)_1.75rem] items-start gap-2" data-testid="metadata-row">
                <Input
                  className="font-mono"
                  value={r.key}
                  onChange={(e) => set(r.id, { key: e.target.value })}
                  placeholder="tier"
                  aria-label={`Metadata key ${i + 1}`}
                  aria-invalid={invalid || undefined}
                  spellCheck={false}
                  autoCapitalize="off"
                />
                <Textarea
                  className="min-h-8 resize-none py-[5px] font-mono leading-5"
                  rows={lines}
                  value={r.value}
                  onChange={(e) => set(r.id, { value: e.target.value })}
                  placeholder="gold"
                  aria-label={`Value of ${r.key.trim() ? `metadata key ${r.key.trim()}` : `metadata key ${i + 1}`}`}
                  aria-invalid={invalid || undefined}
                  spellCheck={false}
                />
                <Button type="button" variant="ghost" size="icon-sm" className="mt-0.5" aria-label={`Remove metadata key ${r.key.trim() || i + 1}`} onClick={() => onChange(rows.filter((x) => x.id !== r.id))}>
                  <Trash2 />
                </Button>
              </div>
            );
          })}
        </div>
      )}
      <div>
        <Button type="button" variant="outline" size="sm" onClick={add}>
          <Plus /> Add key
        </Button>
      </div>
      {error ? (
        <p id={`${uid}-note`} role="alert" className="text-xs text-destructive">{error}</p>
      ) : (
        <p id={`${uid}-note`} className="text-xs text-muted-foreground">
          Keys use lower-case letters, digits and _, starting with a letter. Steps read them as{" "}
          <code className="font-mono">{`{{${scope}.${example}}}`}</code>.
        </p>
      )}
    </div>
  );
}

/** MetadataView shows a record's metadata read-only, by key. */
export function MetadataView({ metadata, className }: { metadata: Record<string, string> | undefined; className?: string }) {
  const keys = Object.keys(metadata ?? {}).sort();
  if (keys.length === 0) return <p className={cn("text-[13px] text-muted-foreground", className)}>No metadata.</p>;
  return (
    <dl className={cn("grid grid-cols-[minmax(8rem,max-content)_minmax(0,1fr)] gap-x-6 gap-y-1.5 text-[13px]", className)} aria-label="Metadata" data-testid="metadata-view">
      {keys.map((k) => (
        <div key={k} className="contents">
          <dt className="truncate font-mono text-xs leading-5 text-muted-foreground" title={k}>{k}</dt>
          <dd className="whitespace-pre-wrap break-words font-mono text-xs leading-5" data-selectable>{metadata![k]}</dd>
        </div>
      ))}
    </dl>
  );
}
