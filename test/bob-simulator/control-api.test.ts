import { describe, expect, it } from "vitest";
import { TODAY, control, post, search, useSimulators, type Json } from "./helpers.js";

const start = useSimulators();

async function person(
  sim: Awaited<ReturnType<ReturnType<typeof useSimulators>>>,
  id: string,
  fields: string[],
): Promise<Json | null> {
  const found = await search(sim, {
    fields: ["root.id", ...fields],
    showInactive: true,
    filters: [{ fieldPath: "root.id", operator: "equals", values: [id] }],
  });
  return found[0] ?? null;
}

describe("control API round trips", () => {
  it("creates and partially updates an employee; list names become item ids", async () => {
    const sim = await start({ employees: 5 });
    const created = await control(sim, "POST", "/employees", {
      values: {
        "root.firstName": "Grace",
        "root.surname": "Hopper",
        "root.email": "grace@acme.example",
        "work.department": "Platform",
        "work.startDate": "2020-01-01",
      },
    });
    expect(created.status).toBe(201);
    const id = created.body["id"] as string;
    const patched = await control(sim, "PATCH", `/employees/${id}`, { values: { "root.surname": "Murray Hopper" } });
    expect(patched.body).toEqual({ id });
    const p = await person(sim, id, ["root.firstName", "root.surname", "work.department", "internal.lifecycleStatus"]);
    expect(p).toMatchObject({
      firstName: "Grace",
      surname: "Murray Hopper",
      internal: { lifecycleStatus: "employed" },
    });
    expect(p!["work"]["department"]).toMatch(/^\d+$/);
    expect((await control(sim, "POST", "/employees", { values: { "nope.field": 1 } })).status).toBe(400);
    expect((await control(sim, "PATCH", "/employees/404404", { values: {} })).status).toBe(404);
  });

  it("terminate with an earlier last day of work => garden leave; past termination => terminated; reinstate clears it", async () => {
    const sim = await start({ employees: 40, seed: 5 });
    const e = sim.company
      .employees()
      .find((x) => x.lifecycleStatus === "employed" && x.values["internal.terminationDate"] === null)!;
    const fields = [
      "internal.lifecycleStatus",
      "internal.status",
      "internal.terminationDate",
      "internal.terminationReason",
      "employee.lastDayOfWork",
    ];

    await control(sim, "POST", `/employees/${e.id}/terminate`, {
      terminationDate: "2026-02-28",
      terminationReason: "Redundancy",
      lastDayOfWork: "2026-01-10",
    });
    let p = await person(sim, e.id, fields);
    expect(p!["internal"]).toMatchObject({
      lifecycleStatus: "garden leave",
      status: "Active",
      terminationDate: "2026-02-28",
    });
    expect(p!["employee"]["lastDayOfWork"]).toBe("2026-01-10");
    const reasons = sim.company.namedLists().find((l) => l.name === "terminationReason")!.items;
    expect(p!["internal"]["terminationReason"]).toBe(reasons.find((i) => i.name === "Redundancy")!.id);

    await control(sim, "POST", `/employees/${e.id}/terminate`, {
      terminationDate: "2026-01-01",
      terminationReason: reasons[0]!.id,
    });
    p = await person(sim, e.id, fields);
    expect(p!["internal"]).toMatchObject({ lifecycleStatus: "terminated", status: "Inactive" });
    expect((await search(sim, { fields: ["root.id"] })).some((x) => x["id"] === e.id)).toBe(false);

    expect((await control(sim, "POST", `/employees/${e.id}/reinstate`, {})).body).toEqual({ id: e.id });
    p = await person(sim, e.id, fields);
    expect(p!["internal"]).toMatchObject({
      lifecycleStatus: "employed",
      status: "Active",
      terminationDate: null,
      terminationReason: null,
    });

    expect(
      (
        await control(sim, "POST", `/employees/${e.id}/terminate`, {
          terminationDate: "2026-01-01",
          terminationReason: "Fired by robots",
        })
      ).status,
    ).toBe(400);
  });

  it("delete removes the employee as Bob does", async () => {
    const sim = await start({ employees: 5 });
    const id = sim.company.employees()[2]!.id;
    expect((await control(sim, "DELETE", `/employees/${id}`)).body).toEqual({ id });
    expect((await post(sim, `/people/${id}`, {})).status).toBe(404);
    expect(await person(sim, id, [])).toBeNull();
  });

  it("creates and deletes custom fields and adds list items", async () => {
    const sim = await start({ employees: 3 });
    const work = await control(sim, "POST", "/fields", { name: "Team", type: "text" });
    expect(work.body["id"]).toMatch(/^work\.custom\.field_\d+$/);
    const cat = await control(sim, "POST", "/fields", {
      name: "Shoe size",
      type: "list",
      categoryId: "category_1700000000000",
      items: ["41", "42"],
    });
    expect(cat.body["id"]).toMatch(/^category_1700000000000\.field_\d+$/);
    expect(cat.body["typeData"]["listId"]).toBeTypeOf("string");
    expect((await control(sim, "POST", "/fields", { name: "X", type: "text", categoryId: "root" })).status).toBe(400);

    const id = sim.company.employees()[0]!.id;
    await control(sim, "PATCH", `/employees/${id}`, { values: { [cat.body["id"]]: "42" } });
    const p = await person(sim, id, [cat.body["id"]]);
    expect(p!["category_1700000000000"][String(cat.body["id"]).split(".")[1]!]).toMatch(/^\d+$/);

    expect((await control(sim, "DELETE", `/fields/${work.body["id"]}`)).status).toBe(200);
    expect(sim.company.fields().some((f) => f.id === work.body["id"])).toBe(false);
    expect((await control(sim, "DELETE", "/fields/root.email")).status).toBe(400);

    const item = await control(sim, "POST", "/named-lists/site/items", { name: "Aarhus" });
    expect(item.status).toBe(201);
    expect(
      sim.company
        .namedLists()
        .find((l) => l.name === "site")!
        .items.some((i) => i.id === item.body["id"]),
    ).toBe(true);
    expect((await control(sim, "POST", "/named-lists/site/items", { name: "Aarhus" })).status).toBe(409);
    expect((await control(sim, "POST", "/named-lists/nope/items", { name: "A" })).status).toBe(404);
  });

  it("moves today (future hire becomes employed), reports info, and exposes the request log", async () => {
    const sim = await start({ employees: 60 });
    const info = await control(sim, "GET", "/info");
    expect(info.body).toMatchObject({ baseUrl: sim.baseUrl, today: TODAY, credentials: sim.credentials });
    const hire = sim.company.scenarios.futureHires[0]!;
    expect(sim.company.employee(hire)!.lifecycleStatus).toBe("hired");
    await control(sim, "POST", "/today", { today: "2027-01-01" });
    expect(sim.company.employee(hire)!.lifecycleStatus).toBe("employed");
    expect((await control(sim, "POST", "/today", { today: "tomorrow" })).status).toBe(400);

    await post(sim, "/people/search", {});
    await post(sim, "/people/search", {}, "bad");
    const log = await control(sim, "GET", "/requests");
    expect(log.body["count"]).toBe(2);
    expect(log.body["entries"].map((e: Json) => e["status"])).toEqual([200, 401]);
    await control(sim, "DELETE", "/requests");
    expect(sim.requests.count()).toBe(0);

    expect(
      (
        await control(sim, "POST", "/credentials", {
          kind: "ACCESS_TOKEN",
          token: "new-one",
          scopes: ["Full employee read"],
        })
      ).status,
    ).toBe(201);
    expect((await post(sim, "/people/search", {}, "new-one")).status).toBe(200);
  });
});
