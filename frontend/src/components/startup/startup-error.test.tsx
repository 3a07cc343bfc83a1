import { describe, expect, it, vi, beforeEach } from "vitest";
import { fireEvent, render, screen } from "@testing-library/react";
import type { app } from "@wails/go/models";

const restore = vi.fn();
const retry = vi.fn();
const backups = [
  { path: "/d/backups/shipdeck-2026-11-29.db", name: "shipdeck-2026-11-29.db", bytes: 2_100_000, modTime: 1_796_000_000 },
  { path: "/d/backups/shipdeck-2026-11-28.db", name: "shipdeck-2026-11-28.db", bytes: 2_000_000, modTime: 1_795_900_000 },
];
vi.mock("@/api/backups", () => ({
  useBackups: (enabled: boolean) => ({ data: enabled ? backups : undefined, isLoading: false }),
  useRestoreAtStart: () => ({ mutate: restore, isPending: false }),
  useRetryOpen: () => ({ mutate: retry, isPending: false }),
}));
vi.mock("@/api/system", () => ({ openDataDir: vi.fn(), openLog: vi.fn(), useUseThisComputer: () => ({ mutate: vi.fn(), isPending: false }) }));
const { StartupErrorPage } = await import("./startup-error");

const status = (code: string, error: string): app.Status => ({
  ready: false, error, startupErrorCode: code, version: "1", dataDir: "/d", databasePath: "", databaseBytes: 0, schemaVersion: 6,
  readOnly: false, readOnlyReason: "", dailyBackupError: "", dataDirWarning: "",
  team: "", teamName: "", offline: false, teamFromCommandLine: false, savedTeam: "",
});

describe("StartupErrorPage", () => {
  beforeEach(() => {
    restore.mockReset();
    retry.mockReset();
  });

  it("offers the newest good backup for a damaged file, and the others", () => {
    render(<StartupErrorPage status={status("damaged", "/d/shipdeck.db is damaged or is not a database.")} />);
    expect(screen.getByRole("heading")).toHaveTextContent("The database file is damaged");
    expect(screen.getByText("/d/shipdeck.db is damaged or is not a database.")).toBeInTheDocument();
    fireEvent.click(screen.getByRole("button", { name: "Restore this backup" }));
    expect(restore).toHaveBeenCalledWith(backups[0].path);
    expect(screen.getByText("Other backups (1)")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Try again" })).toBeNull();
  });

  it("offers to try again, not a restore, when another program holds the file", () => {
    render(<StartupErrorPage status={status("busy", "Another program is using /d/shipdeck.db.")} />);
    expect(screen.queryByRole("button", { name: /Restore/ })).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Try again" }));
    expect(retry).toHaveBeenCalled();
  });

  it("says only what Go says: no sentence of its own about what changed", () => {
    render(<StartupErrorPage status={status("disk_full", "The disk holding /d is full, so Shipdeck could not open its database.")} />);
    expect(screen.getByTestId("startup-error")).not.toHaveTextContent("Nothing was changed");
  });
});
