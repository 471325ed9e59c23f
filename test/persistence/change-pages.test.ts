import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmployeeChange } from "../../src/domain/mapping/index.js";
import { OrmSyncRunStore } from "../../src/persistence/stores/sync-run-store.js";
import { startSyncHarness, type SyncHarness } from "../support/sync-harness.js";

/** More changes than one insert statement carries (100 pages of 1,000), with text that needs escaping. */
const CHANGES: EmployeeChange[] = Array.from({ length: 101_234 }, (_, i) => ({
  action: i % 3 === 0 ? "CREATE" : i % 3 === 1 ? "UPDATE" : "DELETE",
  bobEmployeeId: String(3_000_000 + i),
  email: i % 7 === 0 ? null : `p${i}@example.com`,
  fields: i % 3 === 2 ? [] : ["First name", `Custom "quoted" \\ ${i % 11} ✓`],
}));

describe("a run's change list, stored as pages", () => {
  let h: SyncHarness;
  let store: OrmSyncRunStore;
  let runId: string;

  beforeAll(async () => {
    h = await startSyncHarness({ employees: 3 });
    store = new OrmSyncRunStore(h.gw.gateway.db, h.gw.gateway.jobs);
    runId = (await h.synchronize()).id;
    await h.waitForRun(runId);
  });
  afterAll(async () => h?.close());

  it("gives back every change in order, whole or the first N, and replaces what was stored before", async () => {
    await store.saveOutcome(runId, [], CHANGES);
    expect(await store.changes(runId, CHANGES.length + 5)).toEqual(CHANGES);
    expect(await store.changes(runId, 1_001)).toEqual(CHANGES.slice(0, 1_001));
    expect(await store.changes(runId, 0)).toEqual([]);

    await store.saveOutcome(runId, [], CHANGES.slice(0, 2));
    expect(await store.changes(runId, 10)).toEqual(CHANGES.slice(0, 2));
    const pages = await h.gw.gateway.db
      .em()
      .execute<{ n: string | number }[]>("select count(*) as n from sync_change_page where run_id = ?", [runId]);
    expect(Number(pages[0]?.n)).toBe(1);
  });

  it("replaces the issues too, and moves the run on in the same statement", async () => {
    const issue = (i: number) => ({
      bobEmployeeId: String(9_000 + i),
      email: null,
      code: "INVALID_RECORD" as const,
      message: `issue ${i} "quoted" \\ ✓`,
    });
    const many = Array.from({ length: 5_003 }, (_, i) => issue(i)); // more than one insert chunk
    await store.saveOutcome(runId, many, CHANGES.slice(0, 3));
    expect(await store.issues(runId, 10_000)).toEqual(many);

    const applying = await store.saveOutcome(runId, many.slice(0, 2), [], {
      phase: "APPLYING",
      processed: 0,
      total: 7,
    });
    expect(applying).toMatchObject({ id: runId, phase: "APPLYING", processed: 0, total: 7 });
    expect(await store.issues(runId, 10_000)).toEqual(many.slice(0, 2));
    expect(await store.changes(runId, 10)).toEqual([]);
    const [row] = await h.gw.gateway.db
      .em()
      .execute<{ issue_count: number; change_count: number; phase: string }[]>(
        "select issue_count, change_count, phase from sync_run where id = ?",
        [runId],
      );
    expect(row).toEqual({ issue_count: 2, change_count: 0, phase: "APPLYING" });
  });

  it("advances a step only from the phase it names, so a later step that commits first is never undone", async () => {
    await store.update(runId, { status: "RUNNING", phase: "FETCHING" });
    const planning = await store.advanceFrom(runId, "FETCHING", {
      phase: "PLANNING",
      counts: { fetched: 3, created: 0, updated: 0, deleted: 0, unchanged: 0, skipped: 0 },
    });
    expect(planning).toMatchObject({ id: runId, status: "RUNNING", phase: "PLANNING", counts: { fetched: 3 } });
    // Read back in one statement, as the ORM reads it for a page of runs.
    const listed = (await store.list(planning?.companyId as string, 1, null)).runs[0]?.run;
    expect(await store.get(planning?.companyId as string, runId)).toEqual(listed);
    expect(await store.latest(planning?.companyId as string)).toEqual(listed);

    await store.update(runId, { status: "SUCCEEDED", phase: "DONE" });
    expect(
      await store.advanceFrom(runId, "FETCHING", {
        phase: "PLANNING",
        counts: { fetched: 99, created: 0, updated: 0, deleted: 0, unchanged: 0, skipped: 0 },
      }),
    ).toBeNull();
    expect(await store.get(planning?.companyId as string, runId)).toMatchObject({
      status: "SUCCEEDED",
      phase: "DONE",
      counts: { fetched: 3 },
    });
  });
});
