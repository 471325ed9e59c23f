import { describe, expect, it } from "vitest";
import { post, search, useSimulators, type Json } from "./helpers.js";

const start = useSimulators();

async function errorOf(res: Response): Promise<Json> {
  expect(res.headers.get("content-type")).toContain("application/json");
  return (await res.json()) as Json;
}

describe("POST /v1/people/search filters", () => {
  it.each([
    [
      "two filters",
      [
        { fieldPath: "root.id", operator: "equals", values: ["1"] },
        { fieldPath: "root.email", operator: "equals", values: ["a@b.c"] },
      ],
    ],
    ["another fieldPath", [{ fieldPath: "work.department", operator: "equals", values: ["1"] }]],
    ["another operator", [{ fieldPath: "root.id", operator: "notEquals", values: ["1"] }]],
    ["empty values", [{ fieldPath: "root.id", operator: "equals", values: [] }]],
  ])("rejects %s with 400 and Bob's error body", async (_name, filters) => {
    const sim = await start({ employees: 10 });
    const res = await post(sim, "/people/search", { filters });
    expect(res.status).toBe(400);
    const body = await errorOf(res);
    expect(typeof body["key"]).toBe("string");
    expect(typeof body["error"]).toBe("string");
  });

  it("filters root.id and root.email by equals with several values", async () => {
    const sim = await start({ employees: 20 });
    const all = sim.company.employees();
    const [a, b, c] = [all[1]!, all[2]!, all[3]!];
    const byId = await search(sim, { filters: [{ fieldPath: "root.id", operator: "equals", values: [a.id, b.id] }] });
    expect(byId.map((e) => e["id"]).sort()).toEqual([a.id, b.id].sort());
    const byEmail = await search(sim, {
      filters: [
        { fieldPath: "root.email", operator: "equals", values: [b.values["root.email"], c.values["root.email"]] },
      ],
    });
    expect(byEmail.map((e) => e["id"]).sort()).toEqual([b.id, c.id].sort());
  });

  it("answers 400 for more than 400 field ids, 200 for exactly 400", async () => {
    const sim = await start();
    const ids = (n: number): string[] =>
      Array.from({ length: n }, (_, i) => (i === 0 ? "root.id" : `work.custom.field_${i}`));
    expect((await post(sim, "/people/search", { fields: ids(401) })).status).toBe(400);
    expect((await post(sim, "/people/search", { fields: ids(400) })).status).toBe(200);
  });

  it("answers 400 for a body that is not JSON or has a bad humanReadable", async () => {
    const sim = await start();
    const res = await fetch(`${sim.baseUrl}/people/search`, {
      method: "POST",
      headers: { authorization: sim.credentials.accessToken },
      body: "{nope",
    });
    expect(res.status).toBe(400);
    expect((await post(sim, "/people/search", { humanReadable: "YES" })).status).toBe(400);
  });
});

describe("POST /v1/people/search lifecycle visibility", () => {
  it("hides future hires and terminated people unless showInactive; garden leave and leaving stay visible", async () => {
    const sim = await start({ employees: 200, seed: 7 });
    const s = sim.company.scenarios;
    const active = new Set((await search(sim, { fields: ["root.id"] })).map((e) => e["id"] as string));
    const everyone = new Set(
      (await search(sim, { fields: ["root.id"], showInactive: true })).map((e) => e["id"] as string),
    );
    expect(everyone.size).toBe(200);
    for (const id of [...s.futureHires, ...s.leavers]) {
      expect(active.has(id)).toBe(false);
      expect(everyone.has(id)).toBe(true);
    }
    for (const id of [...s.gardenLeave, ...s.leaving, ...s.reinstated]) expect(active.has(id)).toBe(true);
  });

  it("reports lifecycle and status per case", async () => {
    const sim = await start({ employees: 200, seed: 7 });
    const s = sim.company.scenarios;
    const people = await search(sim, {
      fields: ["root.id", "internal.lifecycleStatus", "internal.status"],
      showInactive: true,
    });
    const byId = new Map(people.map((p) => [p["id"] as string, p["internal"] as Json]));
    expect(byId.get(s.futureHires[0]!)).toEqual({ lifecycleStatus: "hired", status: "Inactive" });
    expect(byId.get(s.leavers[0]!)).toEqual({ lifecycleStatus: "terminated", status: "Inactive" });
    expect(byId.get(s.gardenLeave[0]!)).toEqual({ lifecycleStatus: "garden leave", status: "Active" });
    expect(byId.get(s.leaving[0]!)).toEqual({ lifecycleStatus: "employed", status: "Active" });
  });
});

describe("POST /v1/people/search values", () => {
  it("returns list fields as item ids in machine mode, names with REPLACE, both with APPEND", async () => {
    const sim = await start({ employees: 20 });
    const e = sim.company.employees()[4]!;
    const departmentId = e.values["work.department"] as string;
    const departments = sim.company.namedLists().find((l) => l.name === "department")!;
    const flat = departments.items.flatMap((i) => [i, ...i.children]);
    const departmentName = flat.find((i) => i.id === departmentId)!.name;
    const filters = [{ fieldPath: "root.id", operator: "equals", values: [e.id] }];
    const fields = ["root.id", "work.department", "work.isManager", "work.employeeIdInCompany", "work.startDate"];

    const [machine] = await search(sim, { fields, filters });
    expect(machine!["work"]["department"]).toBe(departmentId);
    expect(typeof machine!["work"]["isManager"]).toBe("boolean");
    expect(typeof machine!["work"]["employeeIdInCompany"]).toBe("number");
    expect(machine!["work"]["startDate"]).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    const [human] = await search(sim, { fields, filters, humanReadable: "REPLACE" });
    expect(human!["work"]["department"]).toBe(departmentName);
    expect(["Yes", "No"]).toContain(human!["work"]["isManager"]);
    expect(human!["work"]["employeeIdInCompany"]).toBe(String(e.values["work.employeeIdInCompany"]));
    const [y, m, d] = (e.values["work.startDate"] as string).split("-");
    expect(human!["work"]["startDate"]).toBe(`${d}/${m}/${y}`);

    const [append] = await search(sim, { fields, filters, humanReadable: "APPEND" });
    expect(append!["work"]["department"]).toBe(departmentId);
    expect(append!["humanReadable"]["work"]["department"]).toBe(departmentName);
  });

  it("default field set has root, work, about and employment fields but no custom or personal fields", async () => {
    const sim = await start({ employees: 20 });
    const [p] = await search(sim, {});
    expect(p).toHaveProperty("id");
    expect(p).toHaveProperty("firstName");
    expect(p).toHaveProperty("email");
    expect(p!["work"]).toHaveProperty("department");
    expect(p!["work"]).not.toHaveProperty("custom");
    expect(p).not.toHaveProperty("personal");
    expect(Object.keys(p!).some((k) => k.startsWith("category_"))).toBe(false);
  });

  it("silently omits unknown fields; returns custom fields when asked, in their category object", async () => {
    const sim = await start({ employees: 20 });
    const custom = sim.company.fields().filter((f) => f.id.startsWith("category_"));
    const [p] = await search(sim, { fields: ["root.id", "nope.nothing", ...custom.map((f) => f.id)] });
    const [category, key] = custom[0]!.id.split(".");
    expect(p!).toHaveProperty(category!);
    expect(p![category!]).toHaveProperty(key!);
    expect(p).not.toHaveProperty("nope");
  });

  it("work.reportsTo is an object and work.manager the manager id", async () => {
    const sim = await start({ employees: 20 });
    const e = sim.company.employees()[3]!;
    const [p] = await search(sim, {
      fields: ["work.reportsTo", "work.manager"],
      filters: [{ fieldPath: "root.id", operator: "equals", values: [e.id] }],
    });
    const managerId = e.values["work.manager"] as string;
    expect(p!["work"]["manager"]).toBe(managerId);
    expect(p!["work"]["reportsTo"]).toMatchObject({
      id: managerId,
      email: sim.company.employee(managerId)!.values["root.email"],
    });
  });

  it("responseStyle flat/both adds slash keys with {value}", async () => {
    const sim = await start({ employees: 5, faults: { responseStyle: "flat" } });
    const [flat] = await search(sim, { fields: ["root.id", "work.department"] });
    expect(flat!["/work/department"]).toEqual({ value: expect.any(String) });
    expect(flat!["/root/id"]).toEqual({ value: expect.any(String) });
    expect(flat).not.toHaveProperty("work");
    sim.faults.set({ responseStyle: "both" });
    const [both] = await search(sim, { fields: ["work.department"] });
    expect(both!["/work/department"]["value"]).toBe(both!["work"]["department"]);
  });
});

describe("POST /v1/people/{idOrEmail}", () => {
  it("returns one employee by id or email, 404 if unknown, wrapped on request", async () => {
    const sim = await start({ employees: 10 });
    const e = sim.company.employees()[2]!;
    const byId = (await (await post(sim, `/people/${e.id}`, { fields: ["root.email"] })).json()) as Json;
    expect(byId["id"]).toBe(e.id);
    expect(byId["email"]).toBe(e.values["root.email"]);
    const byEmail = (await (
      await post(sim, `/people/${encodeURIComponent(String(e.values["root.email"]))}`, {})
    ).json()) as Json;
    expect(byEmail["id"]).toBe(e.id);
    expect((await post(sim, "/people/999", {})).status).toBe(404);
    sim.faults.set({ singlePersonStyle: "wrapped" });
    const wrapped = (await (await post(sim, `/people/${e.id}`, {})).json()) as Json;
    expect(wrapped["employees"][0]["id"]).toBe(e.id);
  });
});
