import { describe, expect, it } from "vitest";
import type { Attribute, AttributeType } from "../../src/domain/attributes/attribute.js";
import type { BobFieldDefinition, BobPerson } from "../../src/domain/ports/bob-api.js";
import { buildListLookup, mapFields, mapPerson, type PersonMappingContext } from "../../src/domain/mapping/index.js";
import { customAttribute, field, standardAttributes, standardBobFields } from "./fixtures.js";

const lists = buildListLookup([
  {
    name: "department",
    items: [
      { id: "209192163", name: "Account Receivables", archived: false },
      { id: "7", name: "Sales", archived: true },
    ],
  },
  {
    name: "title",
    items: [
      { id: "209192170", name: "Engineer", archived: false },
      { id: "9", name: "x".repeat(257), archived: false },
    ],
  },
  { name: "site", items: [{ id: "1", name: "London", archived: false }] },
  { name: "legalGender", items: [{ id: "f", name: "Female", archived: false }] },
  { name: "employmentType", items: [{ id: "ft", name: "Full-time", archived: false }] },
  { name: "terminationReason", items: [{ id: "r1", name: "Resigned", archived: false }] },
  { name: "level", items: [{ id: "L3", name: "Senior", archived: false }] },
]);

function context(extraFields: BobFieldDefinition[] = [], extraAttributes: Attribute[] = []): PersonMappingContext {
  const fields = [...standardBobFields, ...extraFields];
  return {
    mappings: mapFields(fields, [...standardAttributes, ...extraAttributes]),
    lists,
    fieldsById: new Map(fields.map((f) => [f.id, f])),
  };
}

function person(values: Record<string, unknown>, id = "100"): BobPerson {
  return {
    id,
    values: new Map(
      Object.entries({
        "root.id": id,
        "root.firstName": "Jane",
        "root.surname": "Doe",
        "root.email": "Jane.Doe@acme.com",
        ...values,
      }),
    ),
  };
}

/** Maps one custom field value into an attribute named "Custom" of the given type. */
function mapCustom(bobType: string, attributeType: AttributeType, value: unknown, listId?: string) {
  const attribute = customAttribute("Custom", attributeType, "attr-custom");
  const result = mapPerson(
    person({ "c.custom": value }),
    context([field("c.custom", "Custom", bobType, listId)], [attribute]),
  );
  return { value: result.record?.attributes["attr-custom"], issues: result.issues, record: result.record };
}

describe("mapPerson: the employee record", () => {
  it("reads every standard field, resolving list item ids to names", () => {
    const { record, issues } = mapPerson(
      person({
        "work.employeeIdInCompany": 1042,
        "work.reportsTo": { id: "200", firstName: "Sam", surname: "Lee" },
        "personal.birthDate": "1986-08-10",
        "home.legalGender": "f",
        "work.title": "209192170",
        "work.startDate": "2022-10-10",
        "work.site": "1",
        "work.department": "209192163",
        "payroll.employment.type": "ft",
        "internal.terminationDate": "2025-03-31",
        "internal.terminationReason": "r1",
        "internal.lifecycleStatus": "employed",
      }),
      context(),
    );
    expect(issues).toEqual([]);
    expect(record).toEqual({
      bobId: "100",
      employeeNumber: "1042",
      firstName: "Jane",
      lastName: "Doe",
      email: "Jane.Doe@acme.com",
      managerBobId: "200",
      startDate: "2022-10-10",
      birthDate: "1986-08-10",
      separationDate: "2025-03-31",
      separationReason: "Resigned",
      gardenLeave: false,
      attributes: {
        "std-firstName": "Jane",
        "std-lastName": "Doe",
        "std-email": "Jane.Doe@acme.com",
        "std-employeeId": "1042",
        "std-manager": "200",
        "std-age": "1986-08-10",
        "std-gender": "Female",
        "std-title": "Engineer",
        "std-tenure": "2022-10-10",
        "std-office": "London",
        "std-department": "Account Receivables",
        "std-type": "Full-time",
        "std-separationDate": "2025-03-31",
        "std-separationReason": "Resigned",
      },
    });
  });

  it("leaves out attributes Bob gave no value for", () => {
    const { record } = mapPerson(
      person({ "work.title": null, "work.department": "", "work.site": undefined }),
      context(),
    );
    expect(Object.keys(record?.attributes ?? {}).sort()).toEqual(["std-email", "std-firstName", "std-lastName"]);
    expect(record).toMatchObject({ managerBobId: null, startDate: null, separationDate: null, employeeNumber: null });
  });

  it("resolves archived list items too", () => {
    expect(mapPerson(person({ "work.department": "7" }), context()).record?.attributes["std-department"]).toBe("Sales");
  });

  it("takes the manager from reportsTo (an object) before work.manager (an id)", () => {
    expect(
      mapPerson(person({ "work.reportsTo": { id: "200" }, "work.manager": "300" }), context()).record?.managerBobId,
    ).toBe("200");
    expect(mapPerson(person({ "work.reportsTo": "201" }), context()).record?.managerBobId).toBe("201");
    expect(mapPerson(person({ "work.manager": "300" }), context()).record?.managerBobId).toBe("300");
    expect(
      mapPerson(person({ "work.reportsTo": null, "work.manager": "300" }), context()).record?.attributes["std-manager"],
    ).toBe("300");
  });

  it("skips a person without first or last name (MISSING_NAME)", () => {
    const noFirst = mapPerson(person({ "root.firstName": "  " }), context());
    expect(noFirst.record).toBeNull();
    expect(noFirst.issues).toEqual([
      {
        bobEmployeeId: "100",
        email: "Jane.Doe@acme.com",
        code: "MISSING_NAME",
        message: expect.stringContaining("no first name"),
      },
    ]);
    const noLast = mapPerson(person({ "root.surname": null }), context());
    expect(noLast.record).toBeNull();
    expect(noLast.issues.map((i) => i.code)).toEqual(["MISSING_NAME"]);
    expect(noLast.issues[0]?.message).toContain("no last name");
    const neither = mapPerson({ id: "5", values: new Map() }, context());
    expect(neither.issues[0]).toMatchObject({
      code: "MISSING_NAME",
      email: null,
      message: expect.stringContaining("no first name and last name"),
    });
  });

  it("refuses a person without an id (INVALID_RECORD)", () => {
    const result = mapPerson({ id: "", values: new Map([["root.firstName", "A"]]) }, context());
    expect(result.record).toBeNull();
    expect(result.issues.map((i) => i.code)).toEqual(["INVALID_RECORD"]);
  });

  it("keeps an email as Bob gives it, and drops one that is not an address", () => {
    const bad = mapPerson(person({ "root.email": "not an email" }), context());
    expect(bad.record?.email).toBeNull();
    expect(bad.record?.attributes["std-email"]).toBeUndefined();
    expect(bad.issues.map((i) => i.code)).toEqual(["VALUE_REJECTED"]);
  });

  it("rejects an unknown list item id, naming the field and the id, and keeps the record", () => {
    const { record, issues } = mapPerson(person({ "work.department": "999", "work.title": "209192170" }), context());
    expect(record?.attributes["std-department"]).toBeUndefined();
    expect(record?.attributes["std-title"]).toBe("Engineer");
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: "VALUE_REJECTED", bobEmployeeId: "100", email: "Jane.Doe@acme.com" });
    expect(issues[0]?.message).toContain('Bob field "Department" (work.department)');
    expect(issues[0]?.message).toContain("999");
  });

  it("rejects an option longer than 256 characters", () => {
    const { record, issues } = mapPerson(person({ "work.title": "9" }), context());
    expect(record?.attributes["std-title"]).toBeUndefined();
    expect(issues[0]?.message).toMatch(/257 characters long; a Peakon option holds at most 256/);
  });

  it("rejects an invalid separation date but still syncs the employee", () => {
    const { record, issues } = mapPerson(person({ "internal.terminationDate": "2023-02-29" }), context());
    expect(record?.separationDate).toBeNull();
    expect(issues.map((i) => i.code)).toEqual(["VALUE_REJECTED"]);
    expect(issues[0]?.message).toContain("Termination date");
  });
});

describe("mapPerson: garden leave", () => {
  it("follows Bob's lifecycle status", () => {
    expect(
      mapPerson(
        person({ "internal.lifecycleStatus": "garden leave", "internal.terminationDate": "2025-06-30" }),
        context(),
      ).record?.gardenLeave,
    ).toBe(true);
    expect(mapPerson(person({ "internal.lifecycleStatus": "Garden leave" }), context()).record?.gardenLeave).toBe(true);
    expect(
      mapPerson(
        person({ "internal.lifecycleStatus": "terminated", "internal.terminationDate": "2025-06-30" }),
        context(),
      ).record?.gardenLeave,
    ).toBe(false);
  });

  it("is garden leave when the last day of work comes before the termination date", () => {
    const on = (lastDay: string) =>
      mapPerson(person({ "employee.lastDayOfWork": lastDay, "internal.terminationDate": "2025-06-30" }), context())
        .record?.gardenLeave;
    expect(on("2025-05-31")).toBe(true);
    expect(on("2025-06-30")).toBe(false);
    expect(mapPerson(person({ "employee.lastDayOfWork": "2025-05-31" }), context()).record?.gardenLeave).toBe(false);
  });
});

describe("mapPerson: custom value conversion", () => {
  it.each([
    ["text", "TEXT", "  Blue  ", "Blue"],
    ["text", "OPTION", "Blue", "Blue"],
    ["text-area", "TEXT", "line one\nline two", "line one\nline two"],
    ["number", "NUMBER", 42, "42"],
    ["number", "NUMBER", "42", "42"],
    ["number", "NUMBER", -7, "-7"],
    ["number", "TEXT", 12.5, "12.5"],
    ["currency", "NUMBER", { value: 55000, currency: "EUR" }, "55000"],
    ["currency", "NUMBER", 1200, "1200"],
    ["date", "DATE", "2024-02-29", "2024-02-29"],
    ["date", "DATE", "2024-03-01T00:30:00.000000", "2024-03-01"],
    ["short-date", "TEXT", "08-10", "08-10"],
    ["time", "TEXT", "2024-03-01T09:30:00", "2024-03-01T09:30:00"],
    ["boolean", "OPTION", true, "Yes"],
    ["boolean", "TEXT", false, "No"],
    ["employee-reference", "EMPLOYEE", "3332883884017713001", "3332883884017713001"],
    ["employee-reference", "EMPLOYEE", { id: "3332883884017713001" }, "3332883884017713001"],
  ] as const)("a Bob %s into %s: %j -> %j", (bobType, attributeType, raw, expected) => {
    const { value, issues } = mapCustom(bobType, attributeType, raw);
    expect(issues).toEqual([]);
    expect(value).toBe(expected);
  });

  it.each(["list", "hierarchy-list"])("a Bob %s gives the item's name, as OPTION or TEXT", (bobType) => {
    expect(mapCustom(bobType, "OPTION", "L3", "level").value).toBe("Senior");
    expect(mapCustom(bobType, "TEXT", "L3", "level").value).toBe("Senior");
  });

  it.each([
    ["number", "NUMBER", 12.5, /12\.5, not a whole number/],
    ["number", "NUMBER", "ten", /not a number/],
    ["currency", "NUMBER", { value: 99.99, currency: "USD" }, /99\.99, not a whole number/],
    ["date", "DATE", "2023-02-29", /not a valid calendar date/],
    ["date", "DATE", "31/12/2023", /not a valid calendar date/],
    ["date", "DATE", "2023-13-01", /not a valid calendar date/],
    ["text", "OPTION", "y".repeat(300), /300 characters long/],
    ["text", "TEXT", { nested: true }, /not a single value/],
    ["list", "OPTION", "nope", /list item id nope/],
  ] as const)("rejects a Bob %s into %s: %j", (bobType, attributeType, raw, problem) => {
    const { value, issues, record } = mapCustom(bobType, attributeType, raw, bobType === "list" ? "level" : undefined);
    expect(value).toBeUndefined();
    expect(record).not.toBeNull();
    expect(issues).toHaveLength(1);
    expect(issues[0]?.code).toBe("VALUE_REJECTED");
    expect(issues[0]?.message).toContain('Bob field "Custom" (c.custom)');
    expect(issues[0]?.message).toContain('Peakon attribute "Custom"');
    expect(issues[0]?.message).toMatch(problem);
  });

  it("never shifts a date by a time zone", () => {
    expect(mapCustom("date", "DATE", "2024-12-31T23:59:59+14:00").value).toBe("2024-12-31");
    expect(mapCustom("date", "DATE", "2024-01-01T00:00:00Z").value).toBe("2024-01-01");
  });

  it("ignores fields that do not map (type mismatch, no attribute)", () => {
    const attribute = customAttribute("Custom", "NUMBER", "attr-custom");
    const { record, issues } = mapPerson(
      person({ "c.custom": "2024-01-01", "c.other": "x" }),
      context([field("c.custom", "Custom", "date"), field("c.other", "Other", "text")], [attribute]),
    );
    expect(issues).toEqual([]);
    expect(record?.attributes["attr-custom"]).toBeUndefined();
  });
});
