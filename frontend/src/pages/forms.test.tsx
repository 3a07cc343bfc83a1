import { describe, expect, it } from "vitest";
import { namespaceHint } from "./customers";

describe("namespace hint", () => {
  it.each([
    ["acme", true, "valid"],
    ["Acme", false, "use 'acme'"],
    ["-acme", false, "starting and ending"],
    ["a".repeat(64), false, "at most 63"],
    ["", true, "Lower-case letters"],
  ])("%s", (ns, ok, text) => {
    const h = namespaceHint(ns);
    expect(h.ok).toBe(ok);
    expect(h.text).toContain(text);
  });
});
