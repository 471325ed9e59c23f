import { describe, expect, it } from "vitest";
import { get, useSimulators, type Json } from "./helpers.js";

const start = useSimulators();

const STANDARD = [
  "root.id",
  "root.firstName",
  "root.surname",
  "root.email",
  "root.displayName",
  "work.title",
  "work.department",
  "work.site",
  "work.startDate",
  "work.reportsTo",
  "work.manager",
  "work.employeeIdInCompany",
  "personal.birthDate",
  "home.legalGender",
  "internal.status",
  "internal.lifecycleStatus",
  "internal.terminationDate",
  "internal.terminationReason",
  "payroll.employment.type",
  "employee.lastDayOfWork",
];

describe("GET /v1/company/people/fields", () => {
  it("lists the standard fields in Bob's shape, list fields with typeData.listId", async () => {
    const sim = await start();
    const fields = (await (await get(sim, "/company/people/fields")).json()) as Json[];
    const byId = new Map(fields.map((f) => [f["id"], f]));
    for (const id of STANDARD) expect(byId.has(id), id).toBe(true);
    expect(Object.keys(byId.get("root.firstName")!).sort()).toEqual(
      [
        "category",
        "categoryDisplayName",
        "categoryId",
        "description",
        "historical",
        "id",
        "jsonPath",
        "name",
        "type",
        "typeData",
      ].sort(),
    );
    expect(byId.get("root.firstName")!["jsonPath"]).toBe("firstName");
    expect(byId.get("work.department")!["typeData"]).toEqual({ listId: "department" });
    expect(byId.get("internal.terminationReason")!["typeData"]).toEqual({ listId: "terminationReason" });
    expect(byId.get("payroll.employment.type")!["name"]).toBe("Employment status");
    expect(byId.get("work.startDate")!["type"]).toBe("date");
    expect(byId.get("work.employeeIdInCompany")!["type"]).toBe("number");
    expect(fields.some((f) => String(f["id"]).includes("custom") || String(f["id"]).startsWith("category_"))).toBe(
      false,
    );
  });

  it("includes custom fields of every Bob type in a generated company", async () => {
    const sim = await start({ employees: 40 });
    const fields = (await (await get(sim, "/company/people/fields")).json()) as Json[];
    const types = new Set(fields.filter((f) => /custom|^category_/.test(f["id"])).map((f) => f["type"]));
    for (const t of [
      "text",
      "text-area",
      "number",
      "date",
      "short-date",
      "boolean",
      "time",
      "list",
      "multi-list",
      "hierarchy-list",
      "currency",
      "employee-reference",
      "document",
    ]) {
      expect(types.has(t), t).toBe(true);
    }
  });
});

describe("GET /v1/company/named-lists", () => {
  it("answers an object keyed by list name, hierarchy children nested, archived hidden by default", async () => {
    const sim = await start();
    const lists = (await (await get(sim, "/company/named-lists")).json()) as Json;
    expect(Object.keys(lists)).toEqual(
      expect.arrayContaining(["department", "site", "title", "terminationReason", "employmentType"]),
    );
    const engineering = (lists["department"]["items"] as Json[]).find((i) => i["name"] === "Engineering")!;
    expect(engineering).toMatchObject({ id: expect.any(String), value: "Engineering", archived: false });
    expect((engineering["children"] as Json[]).map((c) => c["name"])).toContain("Platform");
    expect((lists["site"]["items"] as Json[]).some((i) => i["archived"])).toBe(false);
    const withArchived = (await (await get(sim, "/company/named-lists?includeArchived=true")).json()) as Json;
    expect((withArchived["site"]["items"] as Json[]).some((i) => i["archived"])).toBe(true);
  });

  it("answers the array form when asked", async () => {
    const sim = await start({ faults: { namedListsStyle: "array" } });
    const lists = (await (await get(sim, "/company/named-lists")).json()) as Json[];
    expect(Array.isArray(lists)).toBe(true);
    expect(lists.find((l) => l["name"] === "site")!["items"].length).toBeGreaterThan(3);
  });

  it("answers one list by name and 404 for an unknown one", async () => {
    const sim = await start();
    const site = (await (await get(sim, "/company/named-lists/site")).json()) as Json;
    expect(site["name"]).toBe("site");
    const missing = await get(sim, "/company/named-lists/nope");
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as Json)["key"]).toBeTypeOf("string");
  });
});
