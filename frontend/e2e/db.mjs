// Read-only SQL on the app's database file, for checks after a journey.
import { execFileSync } from "node:child_process";

export function sql(dbPath, query) {
  const out = execFileSync("sqlite3", ["-readonly", "-json", dbPath, query], { encoding: "utf8" });
  return out.trim() ? JSON.parse(out) : [];
}
