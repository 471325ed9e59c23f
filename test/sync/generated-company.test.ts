import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSyncHarness, type Run, type SyncHarness } from "../support/sync-harness.js";

/** A generated company of 300 people covering every lifecycle case and the problem records. */
describe("full sync of a generated company", () => {
  let h: SyncHarness;
  let first: Run;
  beforeAll(async () => {
    h = await startSyncHarness({ employees: 300 });
    first = await h.syncAndWait();
  });
  afterAll(async () => h?.close());

  const scenarios = () => h.sim.company.scenarios;

  it("creates everyone except the records with problems, and explains each problem", async () => {
    expect(first.status).toBe("PARTIAL");
    expect(first.phase).toBe("DONE");
    expect(first.counts.fetched).toBe(300);
    expect(first.counts.skipped).toBe(2);
    expect(first.counts.created).toBe(298);
    expect(first.counts).toMatchObject({ updated: 0, deleted: 0, unchanged: 0 });
    const codes = first.issues.map((i) => i.code);
    expect(codes).toContain("MISSING_NAME");
    expect(codes).toContain("DUPLICATE_EMAIL");
    expect(codes).toContain("REPORTING_CYCLE");
    expect(first.issues.find((i) => i.code === "MISSING_NAME")?.bobEmployeeId).toBe(scenarios().missingFirstName[0]);
    expect(first.changes.filter((c) => c.action === "CREATE")).toHaveLength(298);
    const total = await h.gql<{ employees: { totalCount: number } }>("{ employees { totalCount } }");
    expect(total.employees.totalCount).toBe(298);
  });

  it("keeps both members of a reporting cycle and drops the link that closes it", async () => {
    const [a, b] = scenarios().reportingCycle as [string, string];
    const [ea, eb] = [await h.employee(a), await h.employee(b)];
    expect(ea && eb).toBeTruthy();
    expect([ea?.manager, eb?.manager].filter((m) => m === null)).toHaveLength(1);
  });

  it("maps the standard fields: names, email, employee id, manager, dates, list values by name", async () => {
    const ceo = scenarios().ceoId as string;
    const someone = h.sim.company
      .employees()
      .find((e) => e.values["work.manager"] === ceo && e.lifecycleStatus === "employed") as {
      id: string;
      values: Record<string, unknown>;
    };
    const view = await h.employee(someone.id);
    expect(view).toMatchObject({
      firstName: someone.values["root.firstName"],
      lastName: someone.values["root.surname"],
      email: someone.values["root.email"],
      employeeNumber: String(someone.values["work.employeeIdInCompany"]),
      startDate: someone.values["work.startDate"],
      birthDate: someone.values["personal.birthDate"],
      manager: { bobId: ceo },
    });
    const byName = Object.fromEntries((view?.attributes ?? []).map((a) => [a.attribute.name, a.value]));
    const department = h.sim.company.namedLists().find((l) => l.name === "department");
    const flatten = (items: { id: string; name: string; children?: unknown[] }[]): { id: string; name: string }[] =>
      items.flatMap((i) => [i, ...flatten((i.children ?? []) as never)]);
    expect(byName.Department).toBe(
      flatten(department?.items as never).find((i) => i.id === someone.values["work.department"])?.name,
    );
    expect(byName.Gender).toBe(someone.values["home.legalGender"]);
    expect(byName.Tenure).toBe(someone.values["work.startDate"]);
  });

  it("derives lifecycle and surveyability for future hires, leavers, people leaving, garden leave and reinstated people", async () => {
    const s = scenarios();
    for (const id of s.futureHires)
      expect(await h.employee(id), id).toMatchObject({ lifecycle: "PRE_HIRE", surveyable: false, tenureMonths: null });
    for (const id of s.leavers)
      expect(await h.employee(id), id).toMatchObject({ lifecycle: "LEFT", surveyable: false });
    for (const id of s.leaving)
      expect(await h.employee(id), id).toMatchObject({ lifecycle: "LEAVING", surveyable: true });
    for (const id of s.gardenLeave) {
      const e = await h.employee(id);
      expect(e?.separationDate, id).toBeTruthy();
      expect(e?.separationReason, id).toBeTruthy();
    }
    for (const id of s.reinstated)
      expect(await h.employee(id), id).toMatchObject({
        lifecycle: "ACTIVE",
        surveyable: true,
        separationDate: null,
        separationReason: null,
      });
    const filtered = await h.gql<{ employees: { totalCount: number } }>(
      "{ employees(lifecycle: [PRE_HIRE]) { totalCount } }",
    );
    expect(filtered.employees.totalCount).toBe(s.futureHires.length);
    const leftOrLeaving = await h.gql<{ employees: { totalCount: number } }>(
      "{ employees(lifecycle: [LEFT, LEAVING]) { totalCount } }",
    );
    expect(leftOrLeaving.employees.totalCount).toBe(
      s.leavers.length +
        s.leaving.length +
        s.gardenLeave.filter((id) => !s.leavers.includes(id) && !s.leaving.includes(id)).length,
    );
  });

  it("makes a future hire surveyable on its start date, without a sync", async () => {
    const id = scenarios().futureHires[0] as string;
    const before = await h.employee(id);
    const start = before?.startDate as string;
    const dayBefore = new Date(Date.parse(`${start}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    h.clock.setDay(dayBefore);
    expect(await h.employee(id)).toMatchObject({ lifecycle: "PRE_HIRE", surveyable: false });
    h.clock.setDay(start);
    expect(await h.employee(id)).toMatchObject({ lifecycle: "ACTIVE", surveyable: true, tenureMonths: 0 });
    h.clock.setDay("2026-06-15");
  });

  it("keeps a leaver surveyable until the separation date, on it included, and not after", async () => {
    const id = scenarios().leaving[0] as string;
    const separation = (await h.employee(id))?.separationDate as string;
    const dayBefore = new Date(Date.parse(`${separation}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    const dayAfter = new Date(Date.parse(`${separation}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    h.clock.setDay(dayBefore);
    expect(await h.employee(id)).toMatchObject({ lifecycle: "LEAVING", surveyable: true });
    h.clock.setDay(separation);
    expect(await h.employee(id)).toMatchObject({ lifecycle: "LEAVING", surveyable: true }); // the last day of employment
    h.clock.setDay(dayAfter);
    expect(await h.employee(id)).toMatchObject({ lifecycle: "LEFT", surveyable: false });
    h.clock.setDay("2026-06-15");
  });

  it("is idempotent: a second sync with Bob unchanged writes no employee row", async () => {
    const em = h.gw.gateway.db.em();
    const before = await em.execute<{ n: string; last: string | null }[]>(
      "select count(*) as n, max(updated_at)::text as last from employee",
    );
    const second = await h.syncAndWait();
    expect(second.status).toBe("PARTIAL"); // the same two records are still skipped
    expect(second.counts).toEqual({ fetched: 300, created: 0, updated: 0, deleted: 0, unchanged: 298, skipped: 2 });
    expect(second.changes).toEqual([]);
    const after = await em.execute<{ n: string; last: string | null }[]>(
      "select count(*) as n, max(updated_at)::text as last from employee",
    );
    expect(after).toEqual(before);
  });
});
