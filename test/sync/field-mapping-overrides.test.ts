/**
 * Field-mapping overrides (setFieldMapping, clearFieldMapping): an admin maps a Bob custom field
 * into an attribute of another name, or excludes it; the report shows OVERRIDDEN, the sync
 * follows the override, and a changed override re-maps every employee. Refusals change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OrmMappingOverrideStore } from "../../src/persistence/stores/mapping-override-store.js";
import { startSyncHarness, type SyncHarness } from "../support/sync-harness.js";

type Mapping = {
  bobFieldId: string;
  bobFieldName: string;
  bobFieldType: string;
  status: string;
  reason: string | null;
  attribute: { id: string; name: string; type: string } | null;
};
const MAPPING = "bobFieldId bobFieldName bobFieldType status reason attribute { id name type }";
const SET = `mutation($i: SetFieldMappingInput!) { setFieldMapping(input: $i) { ${MAPPING} } }`;
const CLEAR = `mutation($f: String!) { clearFieldMapping(bobFieldId: $f) { ${MAPPING} } }`;
const PEOPLE = 4;

describe("field-mapping overrides", () => {
  let h: SyncHarness;
  const people: string[] = [];
  const attr: Record<string, string> = {};
  let costField: string;
  let kstField: string;

  const mappings = async (): Promise<Mapping[]> =>
    (await h.gql<{ fieldMappings: Mapping[] }>(`{ fieldMappings { ${MAPPING} } }`)).fieldMappings;
  const mappingOf = async (id: string): Promise<Mapping | undefined> =>
    (await mappings()).find((m) => m.bobFieldId === id);
  const set = (bobFieldId: string, attributeId: string | null, token = h.admin) =>
    h.gw.gql<{ setFieldMapping: Mapping }>(SET, { i: { bobFieldId, attributeId } }, token);
  const clear = (bobFieldId: string) => h.gw.gql<{ clearFieldMapping: Mapping }>(CLEAR, { f: bobFieldId }, h.admin);
  const valuesOf = async (bobId: string): Promise<Record<string, string | null>> =>
    Object.fromEntries(((await h.employee(bobId))?.attributes ?? []).map((a) => [a.attribute.name, a.value]));

  beforeAll(async () => {
    h = await startSyncHarness({ employees: 0, companyId: "overrides-co" });
    costField = h.sim.company.createField({ name: "Cost center", type: "text" }).id;
    kstField = h.sim.company.createField({ name: "Kostenstelle", type: "text" }).id;
    for (const [name, type] of [
      ["Cost center", "TEXT"],
      ["Budget code", "OPTION"],
      ["Hired on", "DATE"],
    ] as const) {
      const created = await h.gql<{ createAttribute: { id: string } }>(
        "mutation($n: String!, $t: AttributeType!) { createAttribute(input: { name: $n, type: $t }) { id } }",
        { n: name, t: type },
      );
      attr[name] = created.createAttribute.id;
    }
    for (let i = 0; i < PEOPLE; i++) {
      people.push(
        h.sim.company.createEmployee({
          "root.firstName": `Otto${i}`,
          "root.surname": `Override${i}`,
          "root.email": `otto${i}@acme.example`,
          [costField]: `CC-${i}`,
          [kstField]: `K-${i}`,
        }),
      );
    }
    const run = await h.syncAndWait();
    expect(run.status).toBe("SUCCEEDED");
  }, 60_000);
  afterAll(async () => h?.close());

  it("maps by name until an admin says otherwise", async () => {
    expect(await mappingOf(costField)).toMatchObject({ status: "COMPATIBLE", attribute: { name: "Cost center" } });
    expect(await mappingOf(kstField)).toMatchObject({ status: "NO_MATCHING_ATTRIBUTE", attribute: null });
    expect(await valuesOf(people[0] as string)).toMatchObject({ "Cost center": "CC-0" });
    expect((await valuesOf(people[0] as string))["Budget code"]).toBeUndefined();
  });

  it("refuses what cannot be, in plain words, and changes nothing", async () => {
    const before = await mappings();
    const incompatible = await set(kstField, attr["Hired on"] as string);
    expect(incompatible.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(incompatible.errors?.[0]?.message).toContain("text");
    expect(incompatible.errors?.[0]?.message).toContain("DATE");

    const unknownField = await set("work.custom.nope", attr["Budget code"] as string);
    expect(unknownField.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    expect(unknownField.errors?.[0]?.message).toContain("work.custom.nope");
    const unknownAttribute = await set(kstField, "00000000-0000-4000-8000-000000000000");
    expect(unknownAttribute.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    expect((await clear("work.custom.nope")).errors?.[0]?.extensions?.code).toBe("NOT_FOUND");

    const support = await h.gw.token(h.companyId, "SUPPORT");
    expect((await set(kstField, attr["Budget code"] as string, support)).errors?.[0]?.extensions?.code).toBe(
      "FORBIDDEN",
    );

    // Cost center is fed by its namesake: one Bob field per attribute.
    const taken = await set(kstField, attr["Cost center"] as string);
    expect(taken.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(taken.errors?.[0]?.message).toContain('"Cost center"');
    expect(taken.errors?.[0]?.message).toContain("matched by name");

    // Standard fields are neither remapped nor excluded; standard attributes take only their standard field.
    for (const attributeId of [null, attr["Budget code"] as string]) {
      const standard = await set("root.email", attributeId);
      expect(standard.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
      expect(standard.errors?.[0]?.message).toContain("standard");
    }
    const department = (
      await h.gql<{ attributes: { id: string; name: string }[] }>("{ attributes { id name } }")
    ).attributes.find((a) => a.name === "Department");
    expect((await set(kstField, department?.id as string)).errors?.[0]?.message).toContain("standard Peakon attribute");

    expect(await mappings()).toEqual(before);
    const run = await h.syncAndWait();
    expect(run.counts).toMatchObject({ updated: 0, unchanged: PEOPLE });
  }, 60_000);

  it("maps a field into an attribute of another name; the next sync re-maps everyone and fills it", async () => {
    const set1 = await set(kstField, attr["Budget code"] as string);
    expect(set1.errors).toBeUndefined();
    expect(set1.data?.setFieldMapping).toMatchObject({
      bobFieldId: kstField,
      status: "OVERRIDDEN",
      attribute: { name: "Budget code", type: "OPTION" },
    });
    expect(set1.data?.setFieldMapping.reason).toContain("Budget code");
    expect(await mappingOf(kstField)).toEqual(set1.data?.setFieldMapping);

    // Nothing changed in Bob: only the override did.
    const run = await h.syncAndWait();
    expect(run.status).toBe("SUCCEEDED");
    expect(run.counts).toMatchObject({ updated: PEOPLE, unchanged: 0 });
    for (const [i, bobId] of people.entries())
      expect(await valuesOf(bobId)).toMatchObject({ "Budget code": `K-${i}`, "Cost center": `CC-${i}` });
  }, 60_000);

  it("refuses a second field into an attribute an override already feeds", async () => {
    const before = await mappings();
    const taken = await set(costField, attr["Budget code"] as string);
    expect(taken.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(taken.errors?.[0]?.message).toContain("mapped by an admin");
    expect(await mappings()).toEqual(before);
  });

  it("excludes a field: it is never synced, and the attribute it fed is emptied by the next sync", async () => {
    const excluded = await set(costField, null);
    expect(excluded.data?.setFieldMapping).toMatchObject({
      status: "OVERRIDDEN",
      attribute: null,
      reason: expect.stringContaining("Excluded"),
    });
    const run = await h.syncAndWait();
    expect(run.counts).toMatchObject({ updated: PEOPLE });
    for (const bobId of people) expect((await valuesOf(bobId))["Cost center"] ?? null).toBeNull();
    // A value changed in Bob stays out too.
    h.sim.company.updateEmployee(people[0] as string, { [costField]: "CC-new" });
    expect((await h.syncAndWait()).counts).toMatchObject({ updated: 0 });
    expect((await valuesOf(people[0] as string))["Cost center"] ?? null).toBeNull();
  }, 60_000);

  it("clears overrides: name matching again, and the next sync moves the values back", async () => {
    const cleared = await clear(kstField);
    expect(cleared.data?.clearFieldMapping).toMatchObject({
      bobFieldId: kstField,
      status: "NO_MATCHING_ATTRIBUTE",
      attribute: null,
    });
    const back = await clear(costField);
    expect(back.data?.clearFieldMapping).toMatchObject({
      bobFieldId: costField,
      status: "COMPATIBLE",
      attribute: { name: "Cost center" },
    });
    // Clearing a field that has no override answers the same, and changes nothing.
    expect((await clear(costField)).data?.clearFieldMapping).toEqual(back.data?.clearFieldMapping);

    const run = await h.syncAndWait();
    expect(run.counts).toMatchObject({ updated: PEOPLE });
    for (const [i, bobId] of people.entries()) {
      const values = await valuesOf(bobId);
      expect(values["Cost center"]).toBe(i === 0 ? "CC-new" : `CC-${i}`);
      expect(values["Budget code"] ?? null).toBeNull();
    }
    expect((await mappings()).some((m) => m.status === "OVERRIDDEN")).toBe(false);
  }, 60_000);

  it("the database holds the line too: one Bob field per attribute under a race, and a deleted attribute drops its override", async () => {
    const db = h.gw.gateway.db;
    const store = new OrmMappingOverrideStore(db);
    const target = (
      await h.gql<{ createAttribute: { id: string } }>(
        'mutation { createAttribute(input: { name: "Race target", type: TEXT }) { id } }',
      )
    ).createAttribute.id;
    const version = async () =>
      String(
        (
          await db.query<{ version: string }>(null, "select version from directory_version where company_id = $1", [
            h.companyId,
          ])
        )[0]?.version,
      );
    const before = await version();
    expect(await store.replace(h.companyId, { bobFieldId: "c.first", attributeId: target }, [])).toBe("stored");
    // Like an attribute change, an override change moves the directory version: a fetch prefetched before it is not used.
    expect(await version()).not.toBe(before);
    // A second field into the same attribute, as a concurrent setFieldMapping past the domain's check would write it.
    expect(await store.replace(h.companyId, { bobFieldId: "c.second", attributeId: target }, [])).toBe("target-taken");
    expect(await store.list(h.companyId)).toEqual([{ bobFieldId: "c.first", attributeId: target }]);
    await db.query(null, "delete from attribute where id = $1", [target]);
    expect(await store.list(h.companyId)).toEqual([]);
  });
});
