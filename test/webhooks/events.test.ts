import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSyncHarness, type SyncHarness } from "../support/sync-harness.js";
import { enableRealTime, settled, signedPost, v2Event } from "../support/webhook-harness.js";

/** Changes in Bob reach the directory through the simulator's signed v2 events, with no sync pressed. */
describe("webhook events applied through the full sync's rules", () => {
  let h: SyncHarness;
  let url: string;
  let ceo: string;
  beforeAll(async () => {
    h = await startSyncHarness({ employees: 0, companyId: "events-co", sim: { peopleSearchPerMinute: 50 } });
    ceo = h.sim.company.createEmployee({
      "root.firstName": "Erin",
      "root.surname": "Events",
      "root.email": "erin@acme.example",
      "work.startDate": "2020-01-01",
    });
    for (let i = 0; i < 30; i++)
      h.sim.company.createEmployee({
        "root.firstName": `Ev${i}`,
        "root.surname": `Person${i}`,
        "root.email": `ev${i}@acme.example`,
        "work.manager": ceo,
        "work.startDate": "2022-05-01",
      });
    await h.syncAndWait();
    ({ url } = await enableRealTime(h));
  });
  afterAll(async () => h?.close());

  const people = () => h.sim.company.employees().filter((e) => e.id !== ceo);

  it("applies employee.updated, visible through GraphQL", async () => {
    const target = people()[0]?.id as string;
    h.sim.company.updateEmployee(target, { "root.surname": "Updated", "work.startDate": "2023-01-01" });
    await h.sim.webhooks.idle();
    await settled(h);
    expect(await h.employee(target)).toMatchObject({ lastName: "Updated", startDate: "2023-01-01" });
  });

  it("applies employee.created, including a manager link, and employee.deleted", async () => {
    const created = h.sim.company.createEmployee({
      "root.firstName": "Newly",
      "root.surname": "Created",
      "root.email": "newly@acme.example",
      "work.manager": ceo,
    });
    await h.sim.webhooks.idle();
    await settled(h);
    expect(await h.employee(created)).toMatchObject({ firstName: "Newly", manager: { bobId: ceo } });
    h.sim.company.deleteEmployee(created);
    await h.sim.webhooks.idle();
    const all = await settled(h);
    expect(all.find((d) => d.eventType === "employee.deleted" && d.bobEmployeeId === created)?.status).toBe("APPLIED");
    expect(await h.employee(created)).toBeNull();
  });

  it("applies terminations and reinstatements (employee.left and friends)", async () => {
    const leaver = people()[2]?.id as string;
    h.sim.company.terminateEmployee(leaver, { terminationDate: "2026-06-01", terminationReason: "Resignation" });
    await h.sim.webhooks.idle();
    await settled(h);
    expect(await h.employee(leaver)).toMatchObject({
      separationDate: "2026-06-01",
      separationReason: "Resignation",
      lifecycle: "LEFT",
      surveyable: false,
    });
    h.sim.company.reinstateEmployee(leaver);
    await h.sim.webhooks.idle();
    await settled(h);
    expect(await h.employee(leaver)).toMatchObject({ separationDate: null, lifecycle: "ACTIVE" });
  });

  it("ignores table entries and unknown event types, and tolerates a legacy v1 payload", async () => {
    const target = people()[3]?.id as string;
    await signedPost(url, v2Event("table.entry.updated", target, { tableId: "work", effectiveDate: "2026-06-15" }));
    await signedPost(url, v2Event("timeoff.request.created", target));
    h.sim.company.updateEmployee(target, { "root.surname": "Legacy" });
    await h.sim.webhooks.idle();
    const v1 = JSON.stringify({
      type: "employee.updated",
      employee: { id: target, displayName: "Ev3 Legacy" },
      data: { fieldUpdates: ["root.surname"] },
    });
    expect((await signedPost(url, v1)).status).toBe(202);
    const all = await settled(h);
    expect(
      all
        .filter((d) => d.eventType === "table.entry.updated" || d.eventType === "timeoff.request.created")
        .map((d) => d.status),
    ).toEqual(["IGNORED", "IGNORED"]);
    expect((await h.employee(target))?.lastName).toBe("Legacy");
  });

  it("applies a webhook that arrives during a full sync after it, so the newer value wins", async () => {
    const target = people()[4]?.id as string;
    h.sim.faults.set({ latencyMs: 400 }); // a slow Bob keeps the full sync busy
    const run = await h.synchronize();
    h.sim.company.updateEmployee(target, { "root.surname": "DuringSync" });
    await h.sim.webhooks.idle();
    await h.waitForRun(run.id);
    await settled(h);
    h.sim.faults.reset();
    expect((await h.employee(target))?.lastName).toBe("DuringSync");
    const again = await h.syncAndWait();
    expect(again.counts.updated).toBe(0);
  }, 60_000);

  it("coalesces a burst of 500 updates into a few Bob calls, within the rate limit, and converges", async () => {
    const targets = people()
      .slice(5, 30)
      .map((e) => e.id);
    h.sim.requests.clear();
    for (let round = 0; round < 20; round++) {
      for (const id of targets) h.sim.company.updateEmployee(id, { "root.surname": `Burst${round}` });
    }
    await h.sim.webhooks.idle();
    const all = await settled(h, 120_000);
    expect(all.filter((d) => d.status === "FAILED")).toEqual([]);
    for (const id of targets) expect((await h.employee(id))?.lastName).toBe("Burst19");
    const searches = h.sim.requests.count({ method: "POST", path: "/v1/people/search" });
    expect(searches).toBeGreaterThan(0);
    expect(searches).toBeLessThanOrEqual(40);
    expect(h.sim.requests.count({ status: 429 })).toBe(0);
  }, 180_000);
});
