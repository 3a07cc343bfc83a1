import { describe, expect, test } from "vitest";
import { lineDiff } from "./diff";

describe("lineDiff", () => {
  test("marks what changed between two contents", () => {
    const d = lineDiff("a\nb\nc", "a\nB\nc\nd");
    expect(d.map((l) => `${l.kind}:${l.text}`)).toEqual(["same:a", "del:b", "add:B", "same:c", "add:d"]);
  });
  test("the same text is all kept", () => {
    expect(lineDiff("x\ny", "x\ny").every((l) => l.kind === "same")).toBe(true);
  });
});
