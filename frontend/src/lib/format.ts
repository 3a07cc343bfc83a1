/** Formatting of the unix-second timestamps the Go side sends. */
const dateOpts = { year: "numeric", month: "short", day: "numeric" } as const;
const rel = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });

// Making an Intl.DateTimeFormat costs about 0.3 ms: a timeline of 200
// entries spent 60 ms on it. They are made once per time zone — the zone is
// fixed when one is made, and tests (and a traveller's laptop) change it —
// told apart by its offsets in January and July, which cost nothing to read.
const formats = new Map<string, Intl.DateTimeFormat>();
function local(kind: "date" | "dateTime"): Intl.DateTimeFormat {
  const key = `${kind} ${new Date(0).getTimezoneOffset()} ${new Date(15_638_400_000).getTimezoneOffset()}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(undefined, kind === "date" ? dateOpts : { ...dateOpts, hour: "2-digit", minute: "2-digit" });
    formats.set(key, f);
  }
  return f;
}
const utcDay = new Intl.DateTimeFormat(undefined, { ...dateOpts, timeZone: "UTC" });

/** formatDate shows the local day of a moment (when something happened). */
export const formatDate = (s?: number | null) => (s ? local("date").format(new Date(s * 1000)) : "—");
export const formatDateTime = (s?: number | null) => (s ? local("dateTime").format(new Date(s * 1000)) : "—");

/** formatDay shows a calendar date — a release date — which is stored as
 * midnight UTC of that day (as the date picker and the specification's app
 * store it), so it is read back in UTC: 10 March stays 10 March in every
 * time zone. */
export const formatDay = (s?: number | null) => (s ? utcDay.format(new Date(s * 1000)) : "—");

export function timeAgo(s: number, now = Date.now()): string {
  const diff = s - now / 1000;
  const abs = Math.abs(diff);
  if (abs < 45) return "just now";
  if (abs < 3600) return rel.format(Math.round(diff / 60), "minute");
  if (abs < 86400) return rel.format(Math.round(diff / 3600), "hour");
  if (abs < 86400 * 30) return rel.format(Math.round(diff / 86400), "day");
  return formatDate(s);
}

export const plural = (n: number, word: string, many = word + "s") => `${n.toLocaleString()} ${n === 1 ? word : many}`;

export function formatBytes(n: number): string {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(1)} GB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(0)} KB`;
  return `${n} bytes`;
}

/** Date input value (yyyy-mm-dd) from unix seconds and back, in UTC. */
export const toDateInput = (s?: number | null) => (s ? new Date(s * 1000).toISOString().slice(0, 10) : "");
export const fromDateInput = (v: string): number | undefined => (v ? Math.floor(Date.parse(v + "T00:00:00Z") / 1000) : undefined);
