import { describe, expect, it } from "vitest";
import { generateCompany } from "../../simulator/generator.js";
import { lifecycleOf } from "../../simulator/lifecycle.js";

const TODAY = "2026-01-15";

describe("generator", () => {
  it("is deterministic by seed", () => {
    const a = generateCompany({ seed: 11, employees: 300, today: TODAY });
    const b = generateCompany({ seed: 11, employees: 300, today: TODAY });
    const c = generateCompany({ seed: 12, employees: 300, today: TODAY });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(a)).not.toBe(JSON.stringify(c));
  });

  it("an empty company has only the standard fields and lists", () => {
    const empty = generateCompany({ seed: 1, employees: 0, today: TODAY });
    expect(empty.employees).toHaveLength(0);
    expect(empty.fields.every((f) => !f.custom)).toBe(true);
    expect(empty.lists.map((l) => l.name)).toEqual(
      expect.arrayContaining(["department", "site", "title", "terminationReason"]),
    );
  });

  it("covers every lifecycle case and problem record", () => {
    const co = generateCompany({ seed: 3, employees: 1000, today: TODAY });
    const byId = new Map(co.employees.map((e) => [e.id, e]));
    const lc = (id: string): string => lifecycleOf(byId.get(id)!.values, TODAY).lifecycleStatus;
    const s = co.scenarios;
    expect(s.futureHires.length).toBe(30);
    expect(s.leavers.length).toBe(50);
    expect(s.leaving.length).toBe(20);
    expect(s.gardenLeave.length).toBe(10);
    expect(s.reinstated.length).toBeGreaterThanOrEqual(2);
    expect(s.futureHires.every((id) => lc(id) === "hired")).toBe(true);
    expect(
      s.leavers.every((id) => lc(id) === "terminated" && byId.get(id)!.values["internal.terminationReason"] !== null),
    ).toBe(true);
    expect(
      s.leaving.every(
        (id) => lc(id) === "employed" && String(byId.get(id)!.values["internal.terminationDate"]) > TODAY,
      ),
    ).toBe(true);
    expect(s.gardenLeave.every((id) => lc(id) === "garden leave")).toBe(true);
    for (const id of s.reinstated) {
      const v = byId.get(id)!.values;
      expect(String(v["work.originalStartDate"]) < String(v["work.startDate"])).toBe(true);
      expect(v["internal.terminationDate"]).toBeNull();
    }

    expect(byId.get(s.missingFirstName[0]!)!.values["root.firstName"]).toBeNull();
    const [d1, d2] = s.duplicateEmail.map((id) => byId.get(id)!.values["root.email"]);
    expect(d1).toBe(d2);
    const [a, b] = s.reportingCycle;
    expect(byId.get(a!)!.values["work.manager"]).toBe(b);
    expect(byId.get(b!)!.values["work.manager"]).toBe(a);

    // One CEO at the top; everyone else reports to an existing person.
    expect(co.employees.filter((e) => e.values["work.manager"] === null).map((e) => e.id)).toEqual([s.ceoId]);
    expect(
      co.employees.every((e) => e.values["work.manager"] === null || byId.has(String(e.values["work.manager"]))),
    ).toBe(true);
    // Unique employee ids and employeeIdInCompany numbers.
    expect(byId.size).toBe(1000);
    expect(new Set(co.employees.map((e) => e.values["work.employeeIdInCompany"])).size).toBe(1000);
    // Every custom field type has values.
    for (const f of co.fields.filter((x) => x.custom)) {
      expect(
        co.employees.some((e) => e.values[f.id] !== undefined && e.values[f.id] !== null),
        f.name,
      ).toBe(true);
    }
  });

  it("generates 50,000 employees quickly", () => {
    const t0 = performance.now();
    const co = generateCompany({ seed: 1, employees: 50_000, today: TODAY });
    expect(co.employees).toHaveLength(50_000);
    expect(performance.now() - t0).toBeLessThan(3000);
  });
});
