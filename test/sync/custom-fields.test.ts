import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSyncHarness, type SyncHarness } from "../support/sync-harness.js";

const BOB_TYPES = [
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
] as const;
const PEAKON_TYPES = ["TEXT", "OPTION", "NUMBER", "DATE", "EMPLOYEE"] as const;

/** Custom fields matched to attributes by name and type (README, "Synchronizing"). */
const COMPATIBLE: Record<(typeof BOB_TYPES)[number], readonly string[]> = {
  text: ["TEXT", "OPTION"],
  "text-area": ["TEXT", "OPTION"],
  list: ["OPTION", "TEXT"],
  "hierarchy-list": ["OPTION", "TEXT"],
  "multi-list": [],
  number: ["NUMBER", "TEXT"],
  currency: ["NUMBER"],
  date: ["DATE"],
  "short-date": ["TEXT"],
  time: ["TEXT"],
  boolean: ["OPTION", "TEXT"],
  "employee-reference": ["EMPLOYEE"],
  document: [],
};

const fieldName = (bob: string, peakon: string) => `${bob} into ${peakon}`;

type Mapping = {
  bobFieldId: string;
  bobFieldName: string;
  bobFieldType: string;
  status: string;
  reason: string | null;
  attribute: { name: string; type: string } | null;
};

describe("custom fields: every Bob type against every Peakon type, end to end", () => {
  let h: SyncHarness;
  let mappings: Mapping[];
  const fieldIds = new Map<string, string>();
  let person: string;
  let mentor: string;

  beforeAll(async () => {
    h = await startSyncHarness({ employees: 0 });
    mentor = h.sim.company.createEmployee({
      "root.firstName": "Mia",
      "root.surname": "Mentor",
      "root.email": "mia@acme.example",
    });
    person = h.sim.company.createEmployee({
      "root.firstName": "Carl",
      "root.surname": "Custom",
      "root.email": "carl@acme.example",
      "work.manager": mentor,
    });
    for (const bob of BOB_TYPES) {
      for (const peakon of PEAKON_TYPES) {
        const isList = bob === "list" || bob === "multi-list" || bob === "hierarchy-list";
        const field = h.sim.company.createField({
          name: fieldName(bob, peakon),
          type: bob,
          ...(isList ? { listId: `list-${bob}-${peakon}`, items: ["Small", "Large"] } : {}),
        });
        fieldIds.set(fieldName(bob, peakon), field.id);
        await h.gql(
          "mutation($n: String!, $t: AttributeType!) { createAttribute(input: { name: $n, type: $t }) { id } }",
          { n: fieldName(bob, peakon), t: peakon },
        );
      }
    }
    mappings = (
      await h.gql<{ fieldMappings: Mapping[] }>(
        "{ fieldMappings { bobFieldId bobFieldName bobFieldType status reason attribute { name type } } }",
      )
    ).fieldMappings;
  });
  afterAll(async () => h?.close());

  it("explains every one of the 65 combinations by the compatibility table", () => {
    for (const bob of BOB_TYPES) {
      for (const peakon of PEAKON_TYPES) {
        const m = mappings.find((x) => x.bobFieldName === fieldName(bob, peakon));
        const compatible = COMPATIBLE[bob].includes(peakon);
        expect(m, fieldName(bob, peakon)).toMatchObject({
          status: compatible ? "COMPATIBLE" : "TYPE_MISMATCH",
          bobFieldType: bob,
        });
        if (compatible) {
          expect(m?.attribute).toEqual({ name: fieldName(bob, peakon), type: peakon });
          expect(m?.reason).toBeNull();
        } else {
          expect(m?.reason, fieldName(bob, peakon)).toContain(peakon);
          expect(m?.reason?.length).toBeGreaterThan(20);
        }
      }
    }
  });

  it("reports fields with no attribute and fields sharing a name", async () => {
    h.sim.company.createField({ name: "Shoe size", type: "text" });
    h.sim.company.createField({ name: "Twin", type: "text" });
    h.sim.company.createField({ name: " twin ", type: "text" });
    const again = (await h.gql<{ fieldMappings: Mapping[] }>("{ fieldMappings { bobFieldName status reason } }"))
      .fieldMappings;
    expect(again.find((m) => m.bobFieldName === "Shoe size")).toMatchObject({
      status: "NO_MATCHING_ATTRIBUTE",
      reason: expect.stringContaining("Shoe size"),
    });
    expect(again.filter((m) => m.bobFieldName.trim().toLowerCase() === "twin").map((m) => m.status)).toEqual([
      "AMBIGUOUS",
      "AMBIGUOUS",
    ]);
    expect(again.filter((m) => m.status === "STANDARD").length).toBeGreaterThanOrEqual(13);
    for (const m of again)
      if (m.status !== "STANDARD" && m.status !== "COMPATIBLE") expect(m.reason, m.bobFieldName).toBeTruthy();
  });

  it("syncs compatible values in their canonical form and rejects a fraction for NUMBER", async () => {
    const id = (bob: string, peakon: string) => fieldIds.get(fieldName(bob, peakon)) as string;
    h.sim.company.updateEmployee(person, {
      [id("text", "TEXT")]: "hello",
      [id("text-area", "OPTION")]: "Line one",
      [id("number", "NUMBER")]: 42,
      [id("number", "TEXT")]: 7,
      [id("currency", "NUMBER")]: { value: 1500, currency: "EUR" },
      [id("date", "DATE")]: "2025-01-31",
      [id("short-date", "TEXT")]: "02-16",
      [id("boolean", "OPTION")]: true,
      [id("boolean", "TEXT")]: false,
      [id("list", "OPTION")]: "Large",
      [id("hierarchy-list", "TEXT")]: "Small",
      [id("employee-reference", "EMPLOYEE")]: mentor,
      [id("number", "TEXT")]: 7,
    });
    const fte = h.sim.company.createField({ name: "FTE share", type: "number" });
    await h.gql('mutation { createAttribute(input: { name: "FTE share", type: NUMBER }) { id } }');
    h.sim.company.updateEmployee(person, { [fte.id]: 0.5 });

    const run = await h.syncAndWait();
    const values = Object.fromEntries(
      ((await h.employee(person))?.attributes ?? []).map((a) => [a.attribute.name, a.value]),
    );
    expect(values).toMatchObject({
      [fieldName("text", "TEXT")]: "hello",
      [fieldName("text-area", "OPTION")]: "Line one",
      [fieldName("number", "NUMBER")]: "42",
      [fieldName("number", "TEXT")]: "7",
      [fieldName("currency", "NUMBER")]: "1500",
      [fieldName("date", "DATE")]: "2025-01-31",
      [fieldName("short-date", "TEXT")]: "02-16",
      [fieldName("boolean", "OPTION")]: "Yes",
      [fieldName("boolean", "TEXT")]: "No",
      [fieldName("list", "OPTION")]: "Large",
      [fieldName("hierarchy-list", "TEXT")]: "Small",
      // An EMPLOYEE value is the referenced employee's Peakon Employee.id (it was the Bob id before issue item 7).
      [fieldName("employee-reference", "EMPLOYEE")]: (await h.employee(mentor))?.id,
    });
    expect(values[fieldName("employee-reference", "EMPLOYEE")]).toMatch(/^[0-9a-f-]{36}$/);
    expect(values["FTE share"]).toBeUndefined();
    expect(run.issues).toContainEqual(
      expect.objectContaining({
        code: "VALUE_REJECTED",
        bobEmployeeId: person,
        message: expect.stringContaining("FTE share"),
      }),
    );
    // Incompatible combinations never carry a value.
    expect(values[fieldName("multi-list", "OPTION")]).toBeUndefined();
    expect(values[fieldName("date", "TEXT")]).toBeUndefined();
  });
});
