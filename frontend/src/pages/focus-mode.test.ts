import { describe, expect, it } from "vitest";
import { release } from "@wails/go/models";
import { matrixFixture, progressOf } from "@/test/fixtures";

const { nextCustomer, nextPending } = await import("./focus-mode");

const steps = (codes: string) => codes.split("").map((c, i) => ({ id: i + 1, status: { p: release.Status.PENDING, d: release.Status.DONE, s: release.Status.SKIPPED }[c] }) as release.Step);

describe("focus mode", () => {
  it.each([
    ["pdpp", 0, 2],
    ["pdpp", 3, 0],
    ["ddpd", 2, -1],
    ["pppp", 1, 2],
  ])("in %s after step %i the next pending is %i", (codes, at, want) => {
    expect(nextPending(steps(codes), at)).toBe(want);
  });

  it("moves to the next customer of the same cluster with pending steps, skipping held ones", () => {
    const m = matrixFixture({
      customers: [
        { id: 1, name: "Acme", namespace: "acme", clusterId: 10, isActive: true, heldBy: "", holdReason: "" },
        { id: 2, name: "Bergmann", namespace: "bergmann", clusterId: 10, isActive: true, heldBy: "", holdReason: "" },
        { id: 3, name: "Globex", namespace: "globex", clusterId: 20, isActive: true, heldBy: "", holdReason: "" },
        { id: 4, name: "Hooli", namespace: "hooli", clusterId: 10, isActive: true, heldAt: 1, heldBy: "x", holdReason: "y" },
        { id: 5, name: "Initech", namespace: "initech", clusterId: 10, isActive: true, heldBy: "", holdReason: "" },
      ],
      colCounts: [progressOf(1, 0, 0, 1), progressOf(2, 0, 0, 0), progressOf(0, 0, 0, 2), progressOf(0, 0, 0, 2), progressOf(0, 0, 0, 2)],
    });
    // Bergmann has nothing pending, Globex is on another cluster, Hooli is held.
    expect(nextCustomer(m, 1)?.name).toBe("Initech");
    expect(nextCustomer(m, 5)?.name).toBe("Acme");
    expect(nextCustomer(m, 3)).toBeUndefined();
  });
});
