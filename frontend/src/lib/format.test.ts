import { describe, expect, test, afterEach, vi } from "vitest";
import { formatDate, formatDay, fromDateInput, toDateInput } from "./format";

// Node reads TZ again whenever the environment variable is assigned (which
// vi.stubEnv does), so one process can check a date in several time zones.
const zones = ["America/Los_Angeles", "Pacific/Auckland", "UTC"];
afterEach(() => {
  vi.unstubAllEnvs();
});

describe("a release date picked as 10 March 2026", () => {
  for (const tz of zones) {
    test(`shows as 10 March 2026 in ${tz}`, () => {
      vi.stubEnv("TZ", tz);
      // The zone really is in force (Los Angeles is behind UTC, Auckland ahead).
      const offset = new Date(Date.UTC(2026, 2, 10)).getTimezoneOffset();
      if (tz === "America/Los_Angeles") expect(offset).toBeGreaterThan(0);
      if (tz === "Pacific/Auckland") expect(offset).toBeLessThan(0);
      const stored = fromDateInput("2026-03-10");
      expect(stored).toBe(Date.UTC(2026, 2, 10) / 1000);
      const shown = formatDay(stored);
      expect(shown).toMatch(/\b10\b/);
      expect(shown).toMatch(/Mar/);
      expect(shown).toMatch(/2026/);
      expect(toDateInput(stored)).toBe("2026-03-10");
      // The local day of that moment is 9 March west of UTC: why release
      // dates are not shown with formatDate.
      if (tz === "America/Los_Angeles") expect(formatDate(stored)).toMatch(/\b9\b/);
    });
  }
});
