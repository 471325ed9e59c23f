import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compareText } from "../../src/domain/mapping/index.js";
import { startSyncHarness, type SyncHarness } from "../support/sync-harness.js";
import { enableRealTime, settled } from "../support/webhook-harness.js";

/** Two people in Bob with the same Employee ID (work.employeeIdInCompany): only one reaches Peakon. */
describe("duplicate Employee IDs, through the server against the Bob simulator", () => {
  let h: SyncHarness;
  beforeAll(async () => {
    h = await startSyncHarness({ employees: 0, companyId: "employee-ids-co" });
  });
  afterAll(async () => h?.close());

  const person = (name: string, employeeId: number) => ({
    "root.firstName": name,
    "root.surname": "Numbered",
    "root.email": `${name.toLowerCase()}@acme.example`,
    "work.startDate": "2022-01-01",
    "work.employeeIdInCompany": employeeId,
  });

  it("a full sync creates the first by Bob id, skips the later one with DUPLICATE_EMPLOYEE_ID, and creates it once its Employee ID is fixed", async () => {
    const ann = h.sim.company.createEmployee(person("Ann", 4242));
    const ben = h.sim.company.createEmployee(person("Ben", 4242));
    const cal = h.sim.company.createEmployee(person("Cal", 4243));
    const [kept, later] = [ann, ben].sort(compareText) as [string, string];

    const run = await h.syncAndWait();
    expect(run.status).toBe("PARTIAL");
    expect(run.counts).toMatchObject({ fetched: 3, created: 2, skipped: 1 });
    expect(run.issues).toEqual([
      {
        bobEmployeeId: later,
        email: expect.any(String),
        code: "DUPLICATE_EMPLOYEE_ID",
        message: `Employee ID "4242" is also used by Bob employee ${kept}, who keeps it; this employee was skipped.`,
      },
    ]);
    expect(run.changes.map((c) => [c.action, c.bobEmployeeId]).sort()).toEqual(
      [
        ["CREATE", cal],
        ["CREATE", kept],
      ].sort(),
    );
    expect((await h.employee(kept))?.employeeNumber).toBe("4242");
    expect((await h.employee(cal))?.employeeNumber).toBe("4243");
    expect(await h.employee(later)).toBeNull();

    h.sim.company.updateEmployee(later, { "work.employeeIdInCompany": 4244 });
    const fixed = await h.syncAndWait();
    expect(fixed.status).toBe("SUCCEEDED");
    expect(fixed.changes).toEqual([
      {
        action: "CREATE",
        bobEmployeeId: later,
        email: expect.any(String),
        fields: expect.arrayContaining(["Employee ID"]),
      },
    ]);
    expect((await h.employee(later))?.employeeNumber).toBe("4244");
  });

  it("a webhook does not create an employee whose Employee ID someone in Peakon has", async () => {
    await enableRealTime(h);
    const holder = (
      await h.gql<{ employees: { edges: { node: { bobId: string; employeeNumber: string | null } }[] } }>(
        "{ employees(first: 10) { edges { node { bobId employeeNumber } } } }",
      )
    ).employees.edges
      .map((e) => e.node)
      .find((e) => e.employeeNumber === "4243");
    expect(holder).toBeDefined();
    const copier = h.sim.company.createEmployee(person("Dee", 4243));
    await h.sim.webhooks.idle();
    const skipped = (await settled(h)).filter((d) => d.bobEmployeeId === copier && d.status === "SKIPPED");
    expect(skipped.flatMap((d) => d.issues.map((i) => i.code))).toContain("DUPLICATE_EMPLOYEE_ID");
    expect(await h.employee(copier)).toBeNull();
    expect((await h.employee(holder?.bobId as string))?.employeeNumber).toBe("4243");
    // Given its own Employee ID in Bob, the next event brings it in.
    h.sim.company.updateEmployee(copier, { "work.employeeIdInCompany": 4245 });
    await h.sim.webhooks.idle();
    await settled(h);
    expect((await h.employee(copier))?.employeeNumber).toBe("4245");
  });
});
