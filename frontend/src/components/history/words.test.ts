import { describe, expect, it } from "vitest";
import { release } from "@wails/go/models";
import { sentence } from "./words";

const entry = (action: string, extra: Partial<release.HistoryEntry> = {}): release.HistoryEntry => ({
  id: 1, releaseId: 1, releaseName: "r", customerName: "Acme", clusterName: "prod-eu", stepName: "Upgrade", action, kind: release.Kind.STATUS,
  fromStatus: "", toStatus: "", note: "", contentBefore: "", contentAfter: "", rendered: "", detail: "", actor: "Dana", source: "app", createdAt: 1, ...extra,
});

describe("activity sentences", () => {
  it.each([
    [entry("done"), "marked Upgrade done for Acme"],
    [entry("hold"), "held Acme back"],
    [entry("template-edit", { detail: '{"propagated":3,"renamed":["Up","Upgrade"]}' }), "edited the template step Upgrade (renamed from “Up”); it reached 3 pending steps"],
    [entry("customers-add", { detail: '{"customers":["A","B"]}' }), "added 2 customers: A, B"],
    [entry("release-edit", { detail: '{"name":["2026.11","2026.12"],"targets":[null,{}]}' }), "changed the name from “2026.11” to “2026.12”, the targets"],
    [entry("activate", { detail: '{"customerCount":4,"templateCount":2,"stepCount":8}' }), "activated the release for 4 customers (8 steps)"],
    [entry("archive", { detail: '{"percent":75,"pending":2}' }), "archived the release at 75% done, 2 steps still pending"],
    [entry("reorder", { detail: '{"category":"deploy","order":["a","b"]}' }), "reordered the deploy steps"],
    [entry("release-edit", { detail: "not json" }), "changed the release"],
  ])("%#: %s", (h, want) => {
    expect(sentence(h)).toBe(want);
  });
});
