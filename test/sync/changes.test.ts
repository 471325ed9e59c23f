import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RUN_FIELDS, startSyncHarness, type Run, type SyncHarness } from "../support/sync-harness.js";

/** Changes on Bob's side, one at a time, each followed by a full sync. Company of 40, no problem records. */
describe("full sync applies Bob's changes", () => {
  let h: SyncHarness;
  const active = () => h.sim.company.employees().filter((e) => e.lifecycleStatus === "employed");
  beforeAll(async () => {
    h = await startSyncHarness({ employees: 0 });
    // A small hand-made company: a CEO and 19 reports, so every change below is easy to follow.
    const ceo = h.sim.company.createEmployee({
      "root.firstName": "Cora",
      "root.surname": "Chief",
      "root.email": "cora@acme.example",
      "work.startDate": "2020-01-01",
    });
    for (let i = 1; i < 20; i++) {
      h.sim.company.createEmployee({
        "root.firstName": `Person${i}`,
        "root.surname": `Staff${String(i).padStart(2, "0")}`,
        "root.email": `p${i}@acme.example`,
        "work.startDate": "2021-03-01",
        "work.manager": ceo,
      });
    }
    const run = await h.syncAndWait();
    expect(run.status).toBe("SUCCEEDED");
    expect(run.counts.created).toBe(20);
  });
  afterAll(async () => h?.close());

  it("treats an email change of a known Bob id as an UPDATE of that employee", async () => {
    const target = active()[3] as { id: string };
    const before = await h.employee(target.id);
    h.sim.company.updateEmployee(target.id, { "root.email": "renamed@acme.example" });
    const run = await h.syncAndWait();
    expect(run.counts).toMatchObject({ created: 0, updated: 1, deleted: 0 });
    expect(run.changes).toEqual([
      { action: "UPDATE", bobEmployeeId: target.id, email: "renamed@acme.example", fields: ["Email"] },
    ]);
    const after = await h.employee(target.id);
    expect(after?.id).toBe(before?.id);
    expect(after?.email).toBe("renamed@acme.example");
  });

  it("follows a manager change", async () => {
    const [newManager, report] = active().slice(5, 7) as [{ id: string }, { id: string }];
    h.sim.company.updateEmployee(report.id, { "work.manager": newManager.id });
    const run = await h.syncAndWait();
    expect(run.changes).toEqual([
      { action: "UPDATE", bobEmployeeId: report.id, email: expect.any(String), fields: ["Manager"] },
    ]);
    expect((await h.employee(report.id))?.manager?.bobId).toBe(newManager.id);
  });

  it("keeps a self-managing employee and drops the link, with a REPORTING_CYCLE issue", async () => {
    const self = active()[8] as { id: string };
    h.sim.company.updateEmployee(self.id, { "work.manager": self.id });
    const run = await h.syncAndWait();
    expect(run.issues.map((i) => [i.code, i.bobEmployeeId])).toContainEqual(["REPORTING_CYCLE", self.id]);
    expect((await h.employee(self.id))?.manager).toBeNull();
  });

  it("reports a manager who cannot be in the directory as MANAGER_NOT_FOUND and keeps the employee", async () => {
    const orphan = active()[9] as { id: string };
    // The new manager has no first name: skipped, so the report's manager is not there.
    const nameless = h.sim.company.createEmployee({
      "root.firstName": "",
      "root.surname": "Nameless",
      "root.email": "nameless@acme.example",
      "work.startDate": "2022-01-01",
    });
    h.sim.company.updateEmployee(orphan.id, { "work.manager": nameless });
    const run = await h.syncAndWait();
    expect(run.issues.map((i) => [i.code, i.bobEmployeeId])).toContainEqual(["MANAGER_NOT_FOUND", orphan.id]);
    expect(await h.employee(orphan.id)).toMatchObject({ manager: null });
    h.sim.company.deleteEmployee(nameless);
  });

  it("skips a duplicate email and keeps the employee who had it", async () => {
    const [holder, copier] = active().slice(10, 12) as [
      { id: string; values: Record<string, unknown> },
      { id: string; values: Record<string, unknown> },
    ];
    const copierBefore = await h.employee(copier.id);
    h.sim.company.updateEmployee(copier.id, { "root.email": holder.values["root.email"] });
    const run = await h.syncAndWait();
    expect(run.status).toBe("PARTIAL");
    expect(run.issues.map((i) => [i.code, i.bobEmployeeId])).toContainEqual(["DUPLICATE_EMAIL", copier.id]);
    expect((await h.employee(copier.id))?.email).toBe(copierBefore?.email);
    h.sim.company.updateEmployee(copier.id, { "root.email": copierBefore?.email });
  });

  it("sets separation date and reason on termination, and clears them on reinstatement", async () => {
    const leaver = active()[12] as { id: string };
    h.sim.company.terminateEmployee(leaver.id, { terminationDate: "2026-07-31", terminationReason: "Resignation" });
    await h.syncAndWait();
    expect(await h.employee(leaver.id)).toMatchObject({
      separationDate: "2026-07-31",
      separationReason: "Resignation",
      lifecycle: "LEAVING",
      surveyable: true,
    });
    h.sim.company.reinstateEmployee(leaver.id);
    const run = await h.syncAndWait();
    expect(run.changes.find((c) => c.bobEmployeeId === leaver.id)?.fields).toEqual(
      expect.arrayContaining(["Separation date", "Separation reason"]),
    );
    expect(await h.employee(leaver.id)).toMatchObject({
      separationDate: null,
      separationReason: null,
      lifecycle: "ACTIVE",
      surveyable: true,
    });
  });

  it("removes an employee deleted in Bob", async () => {
    const gone = active()[14] as { id: string };
    h.sim.company.deleteEmployee(gone.id);
    const run = await h.syncAndWait();
    expect(run.counts.deleted).toBe(1);
    expect(run.changes).toContainEqual({
      action: "DELETE",
      bobEmployeeId: gone.id,
      email: expect.any(String),
      fields: [],
    });
    expect(await h.employee(gone.id)).toBeNull();
  });

  it("plans only in a dry run: counts and changes visible, nothing written", async () => {
    const renamed = active()[15] as { id: string };
    h.sim.company.updateEmployee(renamed.id, { "root.surname": "Dryrun" });
    const created = h.sim.company.createEmployee({
      "root.firstName": "New",
      "root.surname": "Hire",
      "root.email": "new.hire@acme.example",
      "work.startDate": "2026-06-01",
    });
    const run = await h.syncAndWait({ dryRun: true });
    expect(run).toMatchObject({ dryRun: true, status: "SUCCEEDED", phase: "DONE" });
    expect(run.counts).toMatchObject({ created: 1, updated: 1, deleted: 0 });
    expect(run.changes).toEqual(
      expect.arrayContaining([
        { action: "CREATE", bobEmployeeId: created, email: "new.hire@acme.example", fields: expect.any(Array) },
        { action: "UPDATE", bobEmployeeId: renamed.id, email: expect.any(String), fields: ["Last name"] },
      ]),
    );
    expect(await h.employee(created)).toBeNull();
    expect((await h.employee(renamed.id))?.lastName).not.toBe("Dryrun");
    const real = await h.syncAndWait();
    expect(real.counts).toMatchObject({ created: 1, updated: 1 });
  });

  it("returns the same run to concurrent synchronizeNow calls", async () => {
    // A slow Bob keeps the run under way while the calls arrive (a finished run is rightly not reused).
    h.sim.faults.set({ latencyMs: 500 });
    const runs = await Promise.all(Array.from({ length: 6 }, () => h.synchronize()));
    expect(new Set(runs.map((r) => r.id)).size).toBe(1);
    await h.waitForRun(runs[0]?.id as string);
    h.sim.faults.reset();
  });

  it("fails the run with a clear error and deletes nothing when the fetch breaks", async () => {
    const count = async () =>
      (await h.gql<{ employees: { totalCount: number } }>("{ employees { totalCount } }")).employees.totalCount;
    const before = await count();
    h.sim.faults.set({ truncatedNext: 1000 });
    const run = await h.syncAndWait();
    h.sim.faults.reset();
    expect(run.status).toBe("FAILED");
    expect(run.error).toMatch(/Bob/);
    expect(await count()).toBe(before);
  }, 90_000);

  it("holds a run that would delete more than the safeguard allows, then applies it when approved", async () => {
    const victims = active()
      .slice(0, 8)
      .map((e) => e.id); // 8 of ~20: well over 20%
    for (const id of victims) h.sim.company.deleteEmployee(id);
    const held: Run = await h.syncAndWait();
    expect(held.status).toBe("HELD");
    expect(held.counts.deleted).toBe(8);
    expect(held.changes.filter((c) => c.action === "DELETE")).toHaveLength(8);
    for (const id of victims) expect(await h.employee(id)).not.toBeNull();
    const integration = await h.gql<{ integration: { lastSyncRun: { id: string; status: string } } }>(
      "{ integration { lastSyncRun { id status } } }",
    );
    expect(integration.integration.lastSyncRun).toEqual({ id: held.id, status: "HELD" });

    const approved = await h.gql<{ approveHeldSync: Run }>(
      `mutation($id: ID!) { approveHeldSync(runId: $id) { ${RUN_FIELDS} } }`,
      { id: held.id },
    );
    expect(approved.approveHeldSync.status).toBe("QUEUED");
    const done = await h.waitForRun(held.id, (p) => p.phase === "DONE");
    expect(done.status).toMatch(/SUCCEEDED|PARTIAL/);
    for (const id of victims) expect(await h.employee(id)).toBeNull();
  });

  it("refuses to approve a held run while another full sync is under way", async () => {
    for (const id of active()
      .slice(0, 4)
      .map((e) => e.id))
      h.sim.company.deleteEmployee(id);
    const held = await h.syncAndWait();
    expect(held.status).toBe("HELD");
    h.sim.faults.set({ latencyMs: 1500 });
    const busy = await h.synchronize();
    const res = await h.gw.gql("mutation($id: ID!) { approveHeldSync(runId: $id) { id } }", { id: held.id }, h.admin);
    expect(res.errors?.[0]).toMatchObject({
      extensions: { code: "BAD_USER_INPUT" },
      message: expect.stringContaining("Another full sync"),
    });
    await h.waitForRun(busy.id);
    h.sim.faults.reset();
    const approved = await h.gql<{ approveHeldSync: { status: string } }>(
      "mutation($id: ID!) { approveHeldSync(runId: $id) { status } }",
      { id: held.id },
    );
    expect(approved.approveHeldSync.status).toBe("QUEUED");
    expect((await h.waitForRun(held.id, (p) => p.phase === "DONE")).counts.deleted).toBe(4);
  }, 60_000);

  it("refuses to approve a run that is not HELD, and another company's run is NOT_FOUND", async () => {
    const runs = await h.gql<{ syncRuns: { edges: { node: { id: string; status: string } }[] } }>(
      "{ syncRuns(first: 50) { edges { node { id status } } } }",
    );
    const finished = runs.syncRuns.edges
      .map((e) => e.node)
      .find((r) => r.status === "SUCCEEDED" || r.status === "PARTIAL") as { id: string };
    const last = { integration: { lastSyncRun: finished } };
    const res = await h.gw.gql(
      "mutation($id: ID!) { approveHeldSync(runId: $id) { id } }",
      { id: last.integration.lastSyncRun.id },
      h.admin,
    );
    expect(res.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const stranger = await h.gw.token("stranger-co", "ADMIN");
    const other = await h.gw.gql(
      "mutation($id: ID!) { approveHeldSync(runId: $id) { id } }",
      { id: last.integration.lastSyncRun.id },
      stranger,
    );
    expect(other.errors?.[0]?.extensions?.code).toMatch(/NOT_FOUND|FEATURE_NOT_ENABLED/);
    const seen = await h.gw.gql<{ syncRun: unknown }>(
      "query($id: ID!) { syncRun(id: $id) { id } }",
      { id: last.integration.lastSyncRun.id },
      stranger,
    );
    expect(seen.data?.syncRun).toBeNull();
  });
});
