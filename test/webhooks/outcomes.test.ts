/**
 * A delivery says what became of its employee: APPLIED means applied; an employee the plan
 * skipped (a duplicate email, no name) makes its delivery SKIPPED with the issues, and its other
 * changes are not half-applied. Webhooks plan and apply through the full sync's path, so the
 * issues a full sync would report are not dropped, and absent fields keep their values.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSyncHarness, type SyncHarness } from "../support/sync-harness.js";
import { enableRealTime, settled } from "../support/webhook-harness.js";

describe("webhook delivery outcomes", () => {
  let h: SyncHarness;
  let ann: string;
  let bo: string;
  beforeAll(async () => {
    h = await startSyncHarness({ employees: 0, companyId: "outcomes-co" });
    ann = h.sim.company.createEmployee({
      "root.firstName": "Ann",
      "root.surname": "First",
      "root.email": "ann@acme.example",
      "work.startDate": "2020-01-01",
    });
    bo = h.sim.company.createEmployee({
      "root.firstName": "Bo",
      "root.surname": "Second",
      "root.email": "bo@acme.example",
      "work.startDate": "2021-01-01",
    });
    await h.syncAndWait();
    await enableRealTime(h);
  }, 60_000);
  afterAll(async () => h?.close());

  it("an update that gives an employee someone else's email is SKIPPED with DUPLICATE_EMAIL, and none of it is applied", async () => {
    h.sim.company.updateEmployee(bo, { "root.email": "ann@acme.example", "root.surname": "Renamed" });
    await h.sim.webhooks.idle();
    const all = await settled(h);
    const delivery = all.find((d) => d.bobEmployeeId === bo && d.eventType === "employee.updated");
    expect(delivery?.status).toBe("SKIPPED");
    expect(delivery?.issues.map((i) => [i.bobEmployeeId, i.code])).toEqual([[bo, "DUPLICATE_EMAIL"]]);
    expect(delivery?.issues[0]?.message).toMatch(/ann@acme\.example/);
    // Nothing half-applied: the employee stays as the directory had it.
    expect(await h.employee(bo)).toMatchObject({ lastName: "Second", email: "bo@acme.example" });
    expect(await h.employee(ann)).toMatchObject({ email: "ann@acme.example" });
  }, 60_000);

  it("a value Peakon rejects is APPLIED with its VALUE_REJECTED issue, the rest applied", async () => {
    h.sim.company.updateEmployee(ann, { "root.surname": "Applied", "root.email": "not-an-email" });
    await h.sim.webhooks.idle();
    const all = await settled(h);
    const delivery = all.find((d) => d.bobEmployeeId === ann && d.status !== "SKIPPED" && d.issues.length > 0);
    expect(delivery?.status).toBe("APPLIED");
    expect(delivery?.issues.map((i) => i.code)).toEqual(["VALUE_REJECTED"]);
    expect(await h.employee(ann)).toMatchObject({ lastName: "Applied", email: null });
  }, 60_000);

  it("an employee without a name is SKIPPED with MISSING_NAME; a clean update is APPLIED without issues", async () => {
    h.sim.company.updateEmployee(bo, { "root.email": "bo@acme.example", "root.surname": "" });
    await h.sim.webhooks.idle();
    let all = await settled(h);
    const nameless = all.find((d) => d.bobEmployeeId === bo && d.issues.some((i) => i.code === "MISSING_NAME"));
    expect(nameless?.status).toBe("SKIPPED");
    h.sim.company.updateEmployee(bo, { "root.surname": "Back" });
    await h.sim.webhooks.idle();
    all = await settled(h);
    expect(all[0]).toMatchObject({ bobEmployeeId: bo, status: "APPLIED", issues: [] });
    expect(await h.employee(bo)).toMatchObject({ lastName: "Back", email: "bo@acme.example" });
  }, 60_000);
});

describe("webhook drains with a credential that cannot see some fields", () => {
  let h: SyncHarness;
  let lee: string;
  beforeAll(async () => {
    h = await startSyncHarness({ employees: 0, companyId: "outcomes-hidden-co" });
    lee = h.sim.company.createEmployee({
      "root.firstName": "Lee",
      "root.surname": "Leaver",
      "root.email": "lee@acme.example",
      "personal.birthDate": "1980-01-01",
      "work.startDate": "2019-01-01",
    });
    h.sim.company.terminateEmployee(lee, { terminationDate: "2026-05-31", terminationReason: "Resignation" });
    await h.syncAndWait();
    h.sim.addCredential({
      kind: "SERVICE_USER",
      id: "limited-hooks",
      token: "limited-hooks-token-0123",
      scopes: ["Full employee read", "Employee fields read"],
      hiddenCategories: ["internal", "personal"],
    });
    await h.gql("mutation($i: ConnectIntegrationInput!) { connectIntegration(input: $i) { status } }", {
      i: { accessToken: "limited-hooks-token-0123", serviceUserId: "limited-hooks" },
    });
    await enableRealTime(h);
  }, 60_000);
  afterAll(async () => h?.close());

  it("keeps the hidden values (a leaver stays LEFT) while applying the visible change", async () => {
    h.sim.company.updateEmployee(lee, { "root.surname": "Still-Left" });
    await h.sim.webhooks.idle();
    const all = await settled(h);
    expect(all.find((d) => d.bobEmployeeId === lee)?.status).toBe("APPLIED");
    expect(await h.employee(lee)).toMatchObject({
      lastName: "Still-Left",
      birthDate: "1980-01-01",
      separationDate: "2026-05-31",
      separationReason: "Resignation",
      lifecycle: "LEFT",
      surveyable: false,
    });
  }, 60_000);
});
