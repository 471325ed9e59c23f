import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSyncHarness, type SyncHarness } from "../support/sync-harness.js";

/**
 * Resyncs recognise people Bob did not change by the fingerprint of their bytes
 * (src/domain/mapping/source-fingerprint.ts), through the real gateway on a fresh database: the
 * directory must come out exactly as mapping everyone again would leave it.
 */
describe("source fingerprints through full syncs", () => {
  let h: SyncHarness;
  const rows = async () =>
    h.gw.gateway.db
      .em()
      .execute<
        { bob_id: string; source_fingerprint: string | null; updated_at: string; manager_bob_id: string | null }[]
      >(
        "select bob_id, source_fingerprint, updated_at::text as updated_at, manager_bob_id from employee where company_id = ? order by bob_id",
        [h.companyId],
      );
  const contexts = (list: { source_fingerprint: string | null }[]) =>
    new Set(list.flatMap((r) => (r.source_fingerprint ? [r.source_fingerprint.split(".")[0]] : [])));

  beforeAll(async () => {
    h = await startSyncHarness({ employees: 200, seed: 5 });
  });
  afterAll(async () => h?.close());

  it("stores a fingerprint for every employee written exactly as mapped, and none where the planner dropped a link", async () => {
    const first = await h.syncAndWait();
    expect(first.counts.created).toBeGreaterThan(190);
    const stored = await rows();
    const dropped = new Set(
      first.issues
        .filter((i) => i.code === "REPORTING_CYCLE" || i.code === "MANAGER_NOT_FOUND")
        .map((i) => i.bobEmployeeId),
    );
    const withIssue = new Set(first.issues.map((i) => i.bobEmployeeId));
    expect(dropped.size).toBeGreaterThan(0);
    for (const row of stored) {
      if (dropped.has(row.bob_id)) expect(row.source_fingerprint, row.bob_id).toBeNull();
      else if (!withIssue.has(row.bob_id)) expect(row.source_fingerprint, row.bob_id).toMatch(/^[\w-]{22}\.[\w-]{43}$/);
    }
    expect(contexts(stored).size).toBe(1);
  });

  it("resyncs with nothing changed: the same issues, nothing written, not even a fingerprint", async () => {
    const before = await rows();
    const first = (
      await h.gql<{ syncRuns: { edges: { node: { id: string } }[] } }>(
        "{ syncRuns(first: 1) { edges { node { id } } } }",
      )
    ).syncRuns.edges[0]?.node;
    expect(first).toBeDefined();
    const again = await h.syncAndWait();
    expect(again.counts).toMatchObject({ created: 0, updated: 0, deleted: 0 });
    expect(again.counts.unchanged).toBe(before.length);
    expect(await rows()).toEqual(before);
    const previous = (
      await h.gql<{ syncRun: { issues: unknown[] } }>(
        "query($id: ID!) { syncRun(id: $id) { issues(first: 500) { bobEmployeeId code message } } }",
        { id: first?.id },
      )
    ).syncRun;
    expect(again.issues.map(({ bobEmployeeId, code, message }) => ({ bobEmployeeId, code, message }))).toEqual(
      previous.issues,
    );
  });

  it("restores a dropped manager link once the manager can be synced, though the report's record as mapped is the same", async () => {
    const manager = h.sim.company.scenarios.missingFirstName[0] as string;
    // Someone who manages nobody, so the new link cannot close a cycle.
    const people = h.sim.company.employees();
    const managers = new Set(people.map((e) => e.values["work.manager"]));
    const report = people.find(
      (e) =>
        e.lifecycleStatus === "employed" &&
        e.id !== manager &&
        !managers.has(e.id) &&
        e.values["work.manager"] &&
        e.values["work.manager"] !== manager,
    )?.id as string;
    expect(report).toBeDefined();
    h.sim.company.updateEmployee(report, { "work.manager": manager });
    const dropped = await h.syncAndWait();
    expect(dropped.issues).toContainEqual(
      expect.objectContaining({ bobEmployeeId: report, code: "MANAGER_NOT_FOUND" }),
    );
    expect((await h.employee(report))?.manager).toBeNull();
    expect((await h.syncAndWait()).issues).toContainEqual(
      expect.objectContaining({ bobEmployeeId: report, code: "MANAGER_NOT_FOUND" }),
    );

    h.sim.company.updateEmployee(manager, { "root.firstName": "Found" });
    const restored = await h.syncAndWait();
    expect(restored.changes).toContainEqual(expect.objectContaining({ action: "CREATE", bobEmployeeId: manager }));
    expect(restored.changes).toContainEqual(
      expect.objectContaining({ action: "UPDATE", bobEmployeeId: report, fields: expect.arrayContaining(["Manager"]) }),
    );
    expect((await h.employee(report))?.manager).toEqual({ bobId: manager });
    expect((await rows()).find((r) => r.bob_id === report)?.source_fingerprint).toMatch(/^[\w-]{22}\.[\w-]{43}$/);
  });

  it("writes exactly the changed employee, with its new fingerprint", async () => {
    const before = await rows();
    const involved = new Set((await h.syncAndWait()).issues.map((i) => i.bobEmployeeId));
    // Someone nobody reports to: Bob shows a manager's name in their reports' records too.
    const managers = new Set(h.sim.company.employees().map((e) => e.values["work.manager"]));
    const someone = before.find(
      (r) => r.source_fingerprint !== null && !involved.has(r.bob_id) && !managers.has(r.bob_id),
    ) as (typeof before)[number];
    h.sim.company.updateEmployee(someone.bob_id, { "root.surname": "Renamed" });
    const run = await h.syncAndWait();
    expect(run.counts).toMatchObject({ created: 0, updated: 1, deleted: 0 });
    expect(run.changes).toEqual([
      expect.objectContaining({ action: "UPDATE", bobEmployeeId: someone.bob_id, fields: ["Last name"] }),
    ]);
    const after = await rows();
    const changed = after.find((r) => r.bob_id === someone.bob_id);
    expect(changed?.source_fingerprint).not.toBe(someone.source_fingerprint);
    expect(changed?.source_fingerprint?.split(".")[0]).toBe(someone.source_fingerprint?.split(".")[0]);
    expect(after.filter((r) => r.bob_id !== someone.bob_id)).toEqual(before.filter((r) => r.bob_id !== someone.bob_id));
  });

  it("maps everyone again when the mapping context changes, and stores the new fingerprints without touching the records", async () => {
    const before = await rows();
    h.sim.company.addListItem("department", { name: "A department nobody is in" });
    const run = await h.syncAndWait();
    expect(run.counts).toMatchObject({ created: 0, updated: 0, deleted: 0 });
    const after = await rows();
    expect(contexts(after).size).toBe(1);
    expect([...contexts(after)]).not.toEqual([...contexts(before)]);
    expect(after.map(({ bob_id, updated_at, manager_bob_id }) => ({ bob_id, updated_at, manager_bob_id }))).toEqual(
      before.map(({ bob_id, updated_at, manager_bob_id }) => ({ bob_id, updated_at, manager_bob_id })),
    );
    expect(after.filter((r) => r.source_fingerprint !== null).length).toBe(
      before.filter((r) => r.source_fingerprint !== null).length,
    );
    // And the next resync recognises them under the new context: nothing is written.
    await h.syncAndWait();
    expect(await rows()).toEqual(after);
  });
});
